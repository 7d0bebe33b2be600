/** The parsed `/disk init` command. Pure: the grammar's vocabulary only. */
import type { NameMap } from '../../commands/vocabulary.js';

export interface InitCommand {
  kind: 'init';
  diskId: string;
  fs: 'ocfs2';
  mountpoint: string;
  slots?: number;
  label?: string;
  reason?: string;
  /** Set by Retry on a partial init (never typed): the request whose format this one mounts. */
  finishes?: string;
  /** The disk's name and those of the instances it is attached to (the cluster's nodes). */
  names?: NameMap;
}
