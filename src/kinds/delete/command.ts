/** The parsed `/disk delete` command. No imports: the kind's grammar yields it. */
export interface DeleteCommand {
  kind: 'delete';
  diskId: string;
  skipFinalSnapshot: boolean;
  reason?: string;
}
