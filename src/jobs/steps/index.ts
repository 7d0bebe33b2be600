import { runDelete } from '../../kinds/delete/steps.js';
import { runSnapshot } from '../../kinds/snapshot/steps.js';
import type { RequestKind } from '../../workflow/request.js';
import { runAttach, runDetach } from './attach.js';
import type { StepRunner } from './context.js';
import { runCreate } from './create.js';
import { runFailover } from './failover.js';
import { runInit } from './init.js';
import { growOcfs2 } from './ocfs2-grow.js';
import { withOcfs2Leave } from './ocfs2-leave.js';
import { runUnfreeze } from './unfreeze.js';

export { CURSOR, type StepContext, type StepRunner } from './context.js';

/** The step runner of each kind: total, so a new kind does not compile until it has its steps. */
export type StepRunners = { readonly [K in RequestKind]: StepRunner<K> };

export const STEP_RUNNERS: StepRunners = {
  create: runCreate,
  // An OCFS2 volume made by /disk init grows onto the new instances after the attach.
  attach: (ctx) => runAttach(ctx).then((result) => growOcfs2(ctx, result)),
  // An OCFS2 volume made by /disk init is unmounted first and the node removed after.
  detach: withOcfs2Leave(runDetach),
  failover: runFailover,
  init: runInit,
  unfreeze: runUnfreeze,
  snapshot: runSnapshot,
  delete: runDelete,
};
