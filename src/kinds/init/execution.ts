import { initChecks } from '../../cloud/preflight/init-rules.js';
import { loadInitWorld } from '../../cloud/preflight/init-world.js';
import { emptyWorld } from '../../cloud/preflight/world.js';
import { runInit } from '../../jobs/steps/init.js';
import { diskAnd, type KindExecution, keepsPrimary } from '../execution.js';

export const initExecution: KindExecution<'init'> = {
  // The disk and what `ocfs2-probe` sees on every Running attached guest.
  facts: async (gateway, p, options) => ({
    ...emptyWorld(options),
    ...(await loadInitWorld(gateway, p, options.guests)),
  }),
  rules: initChecks,
  locks: (p) => diskAnd(p.diskId, []),
  // Init reads and verifies its own mount table.
  steps: runInit,
  watch: keepsPrimary(false),
};
