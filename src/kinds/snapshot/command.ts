/** The parsed `/disk snapshot` command. No imports: the kind's grammar yields it. */
export interface SnapshotCommand {
  kind: 'snapshot';
  diskId: string;
  retentionDays?: number;
  reason?: string;
}
