/** `/disk snapshot`, approved: the snapshot, waited for until `accomplished`; the result names it. */
import { CURSOR, type StepRunner } from '../../jobs/steps/context.js';
import { takeSnapshot } from '../../jobs/steps/snapshot.js';
import { snapshotResultText } from './grammar.js';

export const runSnapshot: StepRunner<'snapshot'> = async (ctx) => {
  const p = ctx.params;
  const taken = await takeSnapshot(ctx, {
    diskId: p.diskId,
    regionId: p.regionId,
    purpose: 'snapshot',
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.retentionDays === undefined ? {} : { retentionDays: p.retentionDays }),
    issuedCursor: CURSOR.ISSUED,
  });
  if (!taken.ok) return taken.result;
  return {
    state: 'succeeded',
    outcome: { code: 'snapshot_taken', message: snapshotResultText(p, taken.snapshot.snapshotId) },
    attachments: [],
    failures: [],
  };
};
