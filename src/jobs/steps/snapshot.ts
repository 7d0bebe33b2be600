/**
 * One snapshot of a disk taken for a request and waited for until `accomplished` (issue 19): the
 * step every kind that keeps a copy first shares (`/disk snapshot`, the final snapshot of
 * `/disk delete`; resize may adopt it). Idempotent on resume: the snapshot carries the request's
 * tag, so a resumed request finds the one it already took instead of taking a second, and the
 * CreateSnapshot itself carries a ClientToken derived from the request.
 */

import { describeFailure } from '../../cloud/explain.js';
import type { ReadGateway, SnapshotInfo } from '../../cloud/gateway.js';
import { DEFAULT_POLL, type PollTiming, snapshotName, waitForSnapshot } from '../../cloud/lifecycle.js';
import type { RequestKind } from '../../workflow/request.js';
import type { ExecutionResult } from '../ports.js';
import { type StepContext, stoppedBy } from './context.js';

/** Tags on every snapshot the bot takes: which request, who asked (the gateway adds the managed tag). */
export const SNAPSHOT_TAGS = {
  request: 'shared-disk-bot:request',
  requester: 'shared-disk-bot:requester',
} as const;

/** ≤ 64 ASCII (ECS' limit); one token per request and purpose, so a retried call takes no second copy. */
export const snapshotClientToken = (requestId: string): string => `sdb-snapshot-${requestId}`.slice(0, 64);

/** How a step polls the cloud for a snapshot or a delete: every second, by the step's clock. */
export const stepPoll = (ctx: StepContext<RequestKind>): PollTiming => ({
  ...DEFAULT_POLL,
  intervalMs: ctx.changePollMs ?? 1_000,
  now: () => ctx.clock.now(),
});

export interface SnapshotOrder {
  readonly diskId: string;
  readonly regionId: string;
  /** What the name says the copy is for (`snapshot`, `final snapshot`). */
  readonly purpose: string;
  readonly reason?: string;
  readonly retentionDays?: number;
  /** The step cursor recorded once CreateSnapshot was sent, with the snapshot id. */
  readonly issuedCursor: number;
}

export type SnapshotTaken =
  | { readonly ok: true; readonly snapshot: SnapshotInfo }
  | { readonly ok: false; readonly result: ExecutionResult };

const failed = (code: string, message: string): SnapshotTaken => ({
  ok: false,
  result: { state: 'failed', outcome: { code, message }, attachments: [], failures: [] },
});

/** The snapshot this request took of the disk, if any (newest first, so a retried copy wins). */
export async function requestSnapshot(
  gateway: ReadGateway,
  regionId: string,
  diskId: string,
  requestId: string,
): Promise<SnapshotInfo | undefined> {
  const snapshots = await gateway.describeSnapshots({ regionId, diskId });
  return snapshots.find((s) => s.tags[SNAPSHOT_TAGS.request] === requestId && s.status !== 'failed');
}

/**
 * Takes the snapshot after the re-check of the CreateSnapshot moment (or finds the one this request
 * already took), reports each step in the thread, and waits until ECS says `accomplished`.
 */
export async function takeSnapshot(
  ctx: StepContext<RequestKind>,
  order: SnapshotOrder,
): Promise<SnapshotTaken> {
  const { diskId, regionId } = order;
  let started = ctx.clock.now();
  let snapshotId = (await requestSnapshot(ctx.gateway, regionId, diskId, ctx.request.id))?.snapshotId;
  if (snapshotId) {
    await ctx.report({
      label: 'Snapshot already taken by this request',
      status: 'ok',
      detail: snapshotId,
      durationMs: ctx.clock.now() - started,
    });
  } else {
    const moment = await ctx.recheck('CreateSnapshot');
    if (!moment.ok)
      return {
        ok: false,
        result: stoppedBy(moment.change, 'Stopped before the snapshot; nothing was changed.'),
      };
    const name = snapshotName({
      requestId: ctx.request.id,
      action: order.purpose,
      requester: ctx.request.requesterId,
      ...(order.reason ? { reason: order.reason } : {}),
    });
    ctx.assertHeld();
    try {
      const created = await moment.gateway.createSnapshot({
        diskId,
        snapshotName: name,
        ...(order.retentionDays === undefined ? {} : { retentionDays: order.retentionDays }),
        tags: [
          { key: SNAPSHOT_TAGS.request, value: ctx.request.id },
          { key: SNAPSHOT_TAGS.requester, value: ctx.request.requesterId },
        ],
        clientToken: snapshotClientToken(ctx.request.id),
      });
      snapshotId = created.value.snapshotId;
      await ctx.advance(order.issuedCursor, {
        action: 'CreateSnapshot',
        snapshotId,
        cloudRequestId: created.requestId,
      });
    } catch (error) {
      const failure = describeFailure(error);
      await ctx.report({
        label: 'CreateSnapshot',
        status: 'failed',
        detail: `${failure.code}: ${failure.message}`,
        durationMs: ctx.clock.now() - started,
      });
      return failed(failure.code, `The snapshot of ${diskId} was not taken: ${failure.message}`);
    }
    await ctx.report({
      label: 'CreateSnapshot',
      status: 'ok',
      detail: `${snapshotId} "${name}"`,
      durationMs: ctx.clock.now() - started,
    });
  }
  started = ctx.clock.now();
  const waited = await waitForSnapshot(ctx.gateway, regionId, snapshotId, stepPoll(ctx));
  await ctx.report({
    label: `Snapshot ${snapshotId} accomplished`,
    status: waited.ok ? 'ok' : 'failed',
    ...(waited.ok ? {} : { detail: waited.message }),
    durationMs: ctx.clock.now() - started,
  });
  return waited.ok ? { ok: true, snapshot: waited.value } : failed(waited.code, waited.message);
}
