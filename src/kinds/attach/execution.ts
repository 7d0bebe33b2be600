import { attachChecks } from '../../cloud/preflight/rules-by-kind.js';
import { distinct, loadDiskWorld, readAdding } from '../../cloud/preflight/world.js';
import { runAttach } from '../../jobs/steps/attach.js';
import { withMountTable } from '../../jobs/steps/mount-table.js';
import { growOcfs2 } from '../../jobs/steps/ocfs2-grow.js';
import { diskAnd, type KindExecution, primaryOrFirst } from '../execution.js';

export const attachExecution: KindExecution<'attach'> = {
  // The receiving instances (cap census), then the file system and OCFS2 slots on the guests.
  facts: (gateway, p, options) =>
    loadDiskWorld(gateway, p, { all: distinct(p.instanceIds), receiving: distinct(p.instanceIds) }, options, {
      describeById: false,
      guests: readAdding,
    }),
  rules: attachChecks,
  locks: (p) => diskAnd(p.diskId, p.instanceIds),
  // An OCFS2 volume made by /disk init grows onto the new instances after the attach.
  steps: async (ctx) =>
    withMountTable(ctx, await growOcfs2(ctx, await runAttach(ctx)), {
      diskId: ctx.params.diskId,
      regionId: ctx.params.regionId,
      named: ctx.params.instanceIds,
    }),
  // The bot attached the disk: its channel watches it.
  watch: primaryOrFirst(true),
};
