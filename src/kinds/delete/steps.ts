/**
 * `/disk delete`, approved: the final snapshot (unless skipped, or the disk never held data), waited
 * for; the re-check of the delete moment (still there, still managed, attached nowhere); DeleteDisk;
 * then DescribeDisks until the disk is gone (ECS ignores an unknown id, so only that proves it).
 * The cursor makes a resumed request skip what is done: the snapshot is found by its request tag,
 * and a disk already gone after this request's DeleteDisk is not deleted again.
 */
import { describeFailure } from '../../cloud/explain.js';
import { deleteAndVerify } from '../../cloud/lifecycle.js';
import type { WorldSnapshot } from '../../cloud/preflight/index.js';
import { CURSOR, type StepRunner, stoppedBy } from '../../jobs/steps/context.js';
import { requestSnapshot, stepPoll, takeSnapshot } from '../../jobs/steps/snapshot.js';
import type { Check } from '../../workflow/request.js';
import { neverAttached } from '../snapshot/facts.js';
import { deleteResultText } from './grammar.js';

/** After CURSOR.CHECKED (1): final snapshot sent, final snapshot accomplished (or not needed), DeleteDisk decided. */
export const DELETE_CURSOR = { SNAPSHOT_ISSUED: CURSOR.ISSUED, SNAPSHOT_DONE: 3, DELETING: 4 } as const;

/** The request's own final snapshot, still `progressing` in facts read before it was waited for, is no change. */
const ownSnapshot =
  (snapshotId: string | undefined) =>
  (check: Check, world: WorldSnapshot): boolean =>
    check.code === 'snapshot_in_progress' &&
    snapshotId !== undefined &&
    (world.snapshots ?? []).every((s) => s.status !== 'progressing' || s.snapshotId === snapshotId);

export const runDelete: StepRunner<'delete'> = async (ctx) => {
  const p = ctx.params;
  let cursor = ctx.cursor;
  let finalId: string | undefined;
  if (cursor < DELETE_CURSOR.SNAPSHOT_DONE) {
    const blank = ctx.world.disk !== undefined && neverAttached(ctx.world.disk);
    if (!p.skipFinalSnapshot && !blank) {
      const taken = await takeSnapshot(ctx, {
        diskId: p.diskId,
        regionId: p.regionId,
        purpose: 'final snapshot',
        ...(p.reason ? { reason: p.reason } : {}),
        issuedCursor: DELETE_CURSOR.SNAPSHOT_ISSUED,
      });
      if (!taken.ok) return taken.result;
      finalId = taken.snapshot.snapshotId;
    }
    await ctx.advance(DELETE_CURSOR.SNAPSHOT_DONE, { finalSnapshotId: finalId ?? null });
    cursor = DELETE_CURSOR.SNAPSHOT_DONE;
  } else if (!p.skipFinalSnapshot) {
    finalId = (await requestSnapshot(ctx.gateway, p.regionId, p.diskId, ctx.request.id))?.snapshotId;
  }
  const kept = finalId ? `; the final snapshot ${finalId} is kept` : '';

  const started = ctx.clock.now();
  const listed = async () =>
    (await ctx.gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] })).length > 0;
  // Resumed after this request decided to delete: a disk already gone is its own DeleteDisk's work.
  if (cursor < DELETE_CURSOR.DELETING || (await listed())) {
    const moment = await ctx.recheck('DeleteDisk', { expected: ownSnapshot(finalId) });
    if (!moment.ok) return stoppedBy(moment.change, `Stopped before DeleteDisk: ${p.diskId} is kept${kept}.`);
    ctx.assertHeld();
    await ctx.advance(DELETE_CURSOR.DELETING, { action: 'DeleteDisk', finalSnapshotId: finalId ?? null });
    try {
      const deleted = await deleteAndVerify(moment.gateway, p.regionId, p.diskId, stepPoll(ctx));
      if (!deleted.ok) {
        await ctx.report({
          label: 'DeleteDisk',
          status: 'failed',
          detail: deleted.message,
          durationMs: ctx.clock.now() - started,
        });
        return {
          state: 'failed',
          outcome: { code: deleted.code, message: `${deleted.message}${kept}.` },
          attachments: [],
          failures: [],
        };
      }
      await ctx.report({
        label: 'DeleteDisk',
        status: 'ok',
        detail: deleted.value.requestId ? `RequestId ${deleted.value.requestId}` : 'already gone',
        durationMs: ctx.clock.now() - started,
      });
    } catch (error) {
      const failure = describeFailure(error);
      await ctx.report({
        label: 'DeleteDisk',
        status: 'failed',
        detail: `${failure.code}: ${failure.message}`,
        durationMs: ctx.clock.now() - started,
      });
      return {
        state: 'failed',
        outcome: { code: failure.code, message: `${p.diskId} was not deleted: ${failure.message}${kept}.` },
        attachments: [],
        failures: [],
      };
    }
  }
  await ctx.report({
    label: `Verified: DescribeDisks no longer lists ${p.diskId}`,
    status: 'ok',
    durationMs: ctx.clock.now() - started,
  });
  return {
    state: 'succeeded',
    outcome: { code: 'deleted', message: deleteResultText(p, finalId) },
    attachments: [],
    failures: [],
  };
};
