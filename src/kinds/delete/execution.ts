/** `/disk delete`, the execution half the worker and the safety pipeline ask (`KindExecution`). */
import { emptyWorld } from '../../cloud/preflight/world.js';
import { diskAnd, endsWatch, type KindExecution } from '../execution.js';
import { loadLifecycleFacts } from '../snapshot/facts.js';
import { deleteRules } from './rules.js';
import { runDelete } from './steps.js';

export const deleteExecution: KindExecution<'delete'> = {
  // The disk and its snapshots; a detached disk has no guest to read.
  facts: async (gateway, p, options) => ({
    ...emptyWorld(options),
    ...(await loadLifecycleFacts(gateway, p, undefined)),
  }),
  rules: deleteRules,
  locks: (p) => diskAnd(p.diskId, []),
  steps: runDelete,
  // The disk is gone: it is watched no more.
  watch: endsWatch(),
};
