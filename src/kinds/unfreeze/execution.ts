import { emptyWorld } from '../../cloud/preflight/world.js';
import { runUnfreeze } from '../../jobs/steps/unfreeze.js';
import { type KindExecution, keepsPrimary } from '../execution.js';

/** Lifting a freeze touches no disk: nothing to read, no rule, no lock; its one step lifts it. */
export const unfreezeExecution: KindExecution<'unfreeze'> = {
  // A freeze lives in Redis: nothing in the cloud to read.
  facts: async (_gateway, _params, options) => emptyWorld(options),
  // No data-safety rule: lifting a freeze touches no disk (filing checks that one is in force).
  rules: () => [],
  locks: () => [],
  steps: runUnfreeze,
  watch: keepsPrimary(false),
};
