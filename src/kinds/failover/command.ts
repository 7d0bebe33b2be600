/** The parsed `/disk failover` command. Pure: the grammar's vocabulary only. */
import type { NameMap } from '../../commands/vocabulary.js';

export interface FailoverCommand {
  kind: 'failover';
  diskId: string;
  fromInstanceId: string;
  toInstanceId: string;
  emergencyReason?: string;
  names?: NameMap;
}
