/** The parsed `/disk resize` command (issue 19). No imports: the kind's grammar yields it. */
export interface ResizeCommand {
  readonly kind: 'resize';
  /** An id or a name as typed; an id after name resolution. */
  diskId: string;
  sizeGiB: number;
  /** `--offline`: every attached instance Stopped; the guests grow once they run again. */
  offline: boolean;
  /** `--no-snapshot`: no snapshot first (the card shows it as a danger). */
  noSnapshot: boolean;
  /**
   * Set only by Retry of a resize whose ResizeDisk went through: the disk already has the new size,
   * so the new request verifies every node and grows; it never calls ResizeDisk again.
   */
  afterResize?: boolean;
  /** The instances the disk is attached to, filled by name resolution (the locks and the name column). */
  instanceIds?: readonly string[];
  reason?: string;
  names?: Readonly<Record<string, string>>;
}
