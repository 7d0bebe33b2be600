/** The parsed `/disk unfreeze` command: a request to lift the change freeze. */
export interface UnfreezeCommand {
  kind: 'unfreeze';
  reason?: string;
}
