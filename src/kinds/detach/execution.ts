import {
  AFTER_DETACH,
  afterDetachChecks,
  loadAfterCallWorld,
  readStayingNodes,
} from '../../cloud/preflight/after-call.js';
import { detachChecks } from '../../cloud/preflight/rules-by-kind.js';
import { distinct, loadDiskWorld, readLeaving } from '../../cloud/preflight/world.js';
import { runDetach } from '../../jobs/steps/attach.js';
import { withMountTable } from '../../jobs/steps/mount-table.js';
import { withOcfs2Leave } from '../../jobs/steps/ocfs2-leave.js';
import { diskAnd, type KindExecution, primaryOrFirst } from '../execution.js';

// An OCFS2 volume made by /disk init is unmounted first and the node removed after.
const detachSteps = withOcfs2Leave(runDetach);

export const detachExecution: KindExecution<'detach'> = {
  // Before the call: the disk by id (its instances need not share a zone), then the mounts where it
  // leaves. After it: the nodes that stay and the volume they hold (the shrunk description).
  facts: (gateway, p, options, moment) =>
    AFTER_DETACH.has(moment)
      ? loadAfterCallWorld(gateway, p, options, (g, disk, o) =>
          readStayingNodes(g, disk, p.instanceIds, p.regionId, o),
        )
      : loadDiskWorld(gateway, p, { all: distinct(p.instanceIds), receiving: [] }, options, {
          describeById: true,
          guests: readLeaving,
        }),
  rules: (p, world, moment) =>
    AFTER_DETACH.has(moment) ? afterDetachChecks(p, world, moment) : detachChecks(p, world),
  locks: (p) => diskAnd(p.diskId, p.instanceIds),
  steps: async (ctx) =>
    withMountTable(ctx, await detachSteps(ctx), {
      diskId: ctx.params.diskId,
      regionId: ctx.params.regionId,
      named: ctx.params.instanceIds,
    }),
  watch: primaryOrFirst(false),
};
