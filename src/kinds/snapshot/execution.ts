/** `/disk snapshot`, the execution half the worker and the safety pipeline ask (`KindExecution`). */
import { emptyWorld } from '../../cloud/preflight/world.js';
import { diskAnd, type KindExecution, keepsPrimary } from '../execution.js';
import { loadLifecycleFacts } from './facts.js';
import { snapshotRules } from './rules.js';
import { runSnapshot } from './steps.js';

export const snapshotExecution: KindExecution<'snapshot'> = {
  // The disk, its snapshots, and inspect on every attached guest that may be writing.
  facts: async (gateway, p, options) => ({
    ...emptyWorld(options),
    ...(await loadLifecycleFacts(gateway, p, options.guests)),
  }),
  rules: snapshotRules,
  locks: (p) => diskAnd(p.diskId, []),
  // A snapshot changes no mount: no mount table after it.
  steps: runSnapshot,
  watch: keepsPrimary(false),
};
