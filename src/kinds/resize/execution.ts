import { emptyWorld } from '../../cloud/preflight/world.js';
import { withMountTable } from '../../jobs/steps/mount-table.js';
import { diskAnd, type KindExecution, keepsPrimary } from '../execution.js';
import { loadResizeWorld } from './facts.js';
import { resizeRules } from './rules.js';
import { runResize } from './steps.js';

export const resizeExecution: KindExecution<'resize'> = {
  // The disk, its instances and snapshots, and what every Running attached guest shows.
  facts: async (gateway, p, options) => ({
    ...emptyWorld(options),
    ...(await loadResizeWorld(gateway, p, options.guests)),
  }),
  rules: resizeRules,
  // The disk and the instances it was attached to when filed.
  locks: (p) => diskAnd(p.diskId, p.instanceIds),
  steps: async (ctx) =>
    withMountTable(ctx, await runResize(ctx), {
      diskId: ctx.params.diskId,
      regionId: ctx.params.regionId,
      named: ctx.params.instanceIds,
    }),
  // A resize changes no attachment: the watch keeps its disk and primary.
  watch: keepsPrimary(false),
};
