/** The parsed `/disk attach` command, and its picker form. Pure: the grammar's vocabulary only. */
import type { NameMap } from '../../commands/vocabulary.js';

export interface AttachCommand {
  kind: 'attach';
  diskId: string;
  instanceIds: string[];
  allowSingleNodeFs: boolean;
  reason?: string;
  names?: NameMap;
  /** Set by Retry on a partial attach (never typed): the request whose missing steps this one runs. */
  finishes?: string;
}

/** `/disk attach <disk>` with no instances: a form with an instance picker. */
export interface AttachFormCommand {
  kind: 'attach_form';
  diskId: string;
  allowSingleNodeFs: boolean;
  reason?: string;
}
