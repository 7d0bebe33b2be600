import { createChecks } from '../../cloud/preflight/rules-by-kind.js';
import { emptyWorld, readSameName } from '../../cloud/preflight/world.js';
import { runCreate } from '../../jobs/steps/create.js';
import { type KindExecution, keepsPrimary } from '../execution.js';

export const createExecution: KindExecution<'create'> = {
  // No disk yet: the region's disks with the same name (one DescribeDisks).
  facts: async (gateway, params, options) => ({
    ...emptyWorld(options),
    sameName: await readSameName(gateway, params),
  }),
  rules: createChecks,
  // Nothing that exists yet is touched.
  locks: () => [],
  steps: runCreate,
  // The bot created the disk: its channel watches it.
  watch: keepsPrimary(true),
};
