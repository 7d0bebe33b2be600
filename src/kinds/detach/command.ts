/** The parsed `/disk detach` command. Pure: the grammar's vocabulary only. */
import type { NameMap } from '../../commands/vocabulary.js';

export interface DetachCommand {
  kind: 'detach';
  diskId: string;
  instanceIds: string[];
  force: boolean;
  reason?: string;
  names?: NameMap;
}
