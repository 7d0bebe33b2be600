import {
  AFTER_ATTACH,
  afterAttachChecks,
  loadAfterCallWorld,
  readClusterNodes,
} from '../../cloud/preflight/after-call.js';
import { attachChecks } from '../../cloud/preflight/rules-by-kind.js';
import { distinct, loadDiskWorld, readAdding } from '../../cloud/preflight/world.js';
import { runAttach } from '../../jobs/steps/attach.js';
import { withMountTable } from '../../jobs/steps/mount-table.js';
import { growOcfs2 } from '../../jobs/steps/ocfs2-grow.js';
import { diskAnd, type KindExecution, primaryOrFirst } from '../execution.js';

export const attachExecution: KindExecution<'attach'> = {
  // Before the call: the receiving instances (cap census), then the file system and OCFS2 slots on
  // the guests. After it: the nodes the guest commands touch (no guest read for key registration,
  // inspect and probe of the attached nodes for the OCFS2 join).
  facts: (gateway, p, options, moment) => {
    if (moment === 'nvme-register') return loadAfterCallWorld(gateway, p, options, async () => ({}));
    if (AFTER_ATTACH.has(moment))
      return loadAfterCallWorld(gateway, p, options, (g, disk, o) =>
        readClusterNodes(g, disk, p.instanceIds, p.regionId, o),
      );
    return loadDiskWorld(
      gateway,
      p,
      { all: distinct(p.instanceIds), receiving: distinct(p.instanceIds) },
      options,
      { describeById: false, guests: readAdding },
    );
  },
  rules: (p, world, moment) =>
    AFTER_ATTACH.has(moment) ? afterAttachChecks(p, world, moment) : attachChecks(p, world),
  locks: (p) => diskAnd(p.diskId, p.instanceIds),
  // An OCFS2 volume made by /disk init grows onto the new instances after the attach. The key
  // registration's round may have read the mount table already (then nothing grew after it).
  steps: async (ctx) => {
    const result = await growOcfs2(ctx, await runAttach(ctx));
    if (result.mounts) return result;
    return withMountTable(ctx, result, {
      diskId: ctx.params.diskId,
      regionId: ctx.params.regionId,
      named: ctx.params.instanceIds,
    });
  },
  // The bot attached the disk: its channel watches it.
  watch: primaryOrFirst(true),
};
