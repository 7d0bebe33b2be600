import type { RequestKind } from '../../workflow/request.js';
import { runAttach, runDetach } from './attach.js';
import type { StepRunner } from './context.js';
import { runCreate } from './create.js';

export { CURSOR, type StepContext, type StepRunner } from './context.js';

/**
 * The step runner of each kind. A kind without one (failover, until its issue lands) ends
 * `failed` with `not_available` before anything is locked or called.
 */
export const STEP_RUNNERS: { readonly [K in RequestKind]?: StepRunner<K> } = {
  create: runCreate,
  attach: runAttach,
  detach: runDetach,
};
