/**
 * Failover (design.md §8), after the runner's preflight and locks (disk, old primary, standby):
 * fence the old primary, make sure the standby has the disk, take over there (the policy's mount
 * and/or hook), and hand back a timeline. Fencing is never skipped: when it cannot be verified
 * nothing is handed to the standby and the request ends `failed` with `fencing_failed`.
 *
 * Order by mode:
 * - reservation: attach the standby if needed (it needs the device to issue the preempt; attaching
 *   gives no write access under a registrants-only reservation it does not hold), register, preempt
 *   or acquire, verify with a report. No call touches the old primary, so a crashed one is fenced.
 * - detach: DetachDisk from the old primary and wait until it is gone, then attach the standby.
 *
 * Right before fencing and before takeover the failover rules are judged again on fresh Describe
 * calls (`failover-guard.ts`). The old primary's guest is inspected from the start but never
 * awaited: the result goes out as soon as the fence (and takeover) is verified, and a hung guest's
 * row follows in the thread.
 */

import type { TargetOutcome } from '../../cloud/assistant.js';
import { CloudError } from '../../cloud/errors.js';
import { describeFailure } from '../../cloud/explain.js';
import type { DiskInfo, EcsGateway } from '../../cloud/gateway.js';
import { type MountTable, readMounts } from '../../cloud/mounts.js';
import { GUARD_CHANGED } from '../../cloud/preflight/index.js';
import {
  type InspectReport,
  type ReservationReport,
  reservationKeyFor,
  sameKey,
} from '../../cloud/scripts/index.js';
import type { Check } from '../../workflow/request.js';
import type { ExecutionResult } from '../ports.js';
import type { StepContext, StepRunner } from './context.js';
import { detachedByFencing, type GuardMoment, recheckGuard } from './failover-guard.js';
import { mountOnStandby, runHook, verifyMount } from './failover-takeover.js';
import { mountedText, OldPrimaryWatch, type StepOutcome, seconds, Timeline } from './failover-timeline.js';
import { fenceByReservation } from './reservation.js';

/** Cursor values past CHECKED (1); each guard decision is recorded with its facts. */
export const FAILOVER_CURSOR = { FENCE_GUARD: 2, FENCED: 3, ON_STANDBY: 4, TAKEOVER_GUARD: 5 } as const;

type Ctx = StepContext<'failover'>;
type Verified = { report: ReservationReport; source: string };

const isAttached = (disk: DiskInfo | undefined, id: string) =>
  disk?.attachments.some((a) => a.instanceId === id) === true;

/** AttachDisk or DetachDisk of one instance, waited for in DescribeDisks; "already done" answers count as done. */
async function move(
  ctx: Ctx,
  gateway: EcsGateway,
  op: 'attach' | 'detach',
  instanceId: string,
): Promise<StepOutcome> {
  const { diskId, regionId } = ctx.params;
  const reached = (d: DiskInfo | undefined) => isAttached(d, instanceId) === (op === 'attach');
  if (reached(ctx.world.disk)) return { ok: true, detail: `already ${op}ed` };
  ctx.assertHeld();
  try {
    if (op === 'attach') await gateway.attachDisk({ diskId, instanceId });
    else await gateway.detachDisk({ diskId, instanceId });
  } catch (error) {
    const code = error instanceof CloudError ? error.cloudCode : '';
    const inFlight = op === 'attach' ? ['InvalidDisk.InUse'] : ['IncorrectDiskStatus'];
    const done = op === 'attach' ? [] : ['DependencyViolation', 'InvalidDisk.AlreadyDetached'];
    if (done.includes(code)) return { ok: true, detail: `already ${op}ed` };
    if (!inFlight.includes(code)) return { ok: false, ...describeFailure(error) };
  }
  const waited = await ctx.watcher.watch(regionId, diskId, {
    timeoutMs: ctx.waitTimeoutMs,
    learn: op === 'attach' ? 'AttachDisk' : 'DetachDisk',
    until: reached,
  });
  if (waited.done)
    return {
      ok: true,
      detail:
        op === 'attach'
          ? (waited.disk?.attachments.find((a) => a.instanceId === instanceId)?.device ?? '')
          : 'gone from Attachments',
    };
  return {
    ok: false,
    code: 'wait_timeout',
    message: `${op} of ${instanceId} did not show up within ${seconds(ctx.waitTimeoutMs)}`,
  };
}

/** The guard as a timeline step; its decision and facts are written to the audit stream. */
async function guard(
  ctx: Ctx,
  t: Timeline,
  moment: GuardMoment,
  detached: boolean,
): Promise<
  | { ok: true; writers: readonly string[]; gateway: EcsGateway }
  | { ok: false; message: string; writers: readonly string[] }
> {
  let writers: readonly string[] = [];
  let gateway: EcsGateway | undefined;
  const outcome = await t.step(`Guard re-checked before ${moment}`, async () => {
    const decision = await recheckGuard(ctx, moment, { detached });
    writers = decision.facts.disk?.attachedTo ?? [];
    if (decision.ok) gateway = decision.gateway;
    const cursor = moment === 'fencing' ? FAILOVER_CURSOR.FENCE_GUARD : FAILOVER_CURSOR.TAKEOVER_GUARD;
    await ctx.advance(cursor, { guard: { decision: decision.ok ? 'passed' : 'changed', ...decision.facts } });
    return decision.ok ? { ok: true, detail: decision.detail } : decision;
  });
  if (outcome.ok && gateway) return { ok: true, writers, gateway };
  return { ok: false, message: outcome.ok ? 'no re-check' : outcome.message, writers };
}

/** AttachDisk of the standby right after its own re-check (`expected`: what fencing already did). */
async function attachStandby(ctx: Ctx, expected?: (check: Check) => boolean): Promise<StepOutcome> {
  const to = ctx.params.toInstanceId;
  const moment = await ctx.recheck(`AttachDisk ${to}`, expected ? { expected } : {});
  if (!moment.ok) return { ok: false, code: GUARD_CHANGED, message: moment.change.message };
  return move({ ...ctx, world: moment.world }, moment.gateway, 'attach', to);
}

/** Instances the verified report still lets write (registrants), by id where it can tell. */
function registrantsOf(report: ReservationReport, disk: DiskInfo): string[] {
  const ids = disk.attachments.map((a) => a.instanceId);
  return report.registrants.map(
    (r) => r.instanceId ?? ids.find((id) => sameKey(reservationKeyFor(id), r.key)) ?? `key ${r.key}`,
  );
}

/** The mount table of the end: fresh DescribeDisks, one inspect of everyone but the old primary. */
async function readTable(
  ctx: Ctx,
  guest: ReturnType<OldPrimaryWatch['now']>,
  verified: Verified | undefined,
): Promise<{ table?: MountTable; outcome: StepOutcome }> {
  const { diskId, regionId, fromInstanceId: from, toInstanceId: to } = ctx.params;
  try {
    const [disk] = await ctx.gateway.describeDisks({ regionId, diskIds: [diskId] });
    if (!disk) return { outcome: { ok: false, code: 'disk_not_found', message: `${diskId} is gone` } };
    const table = await readMounts(ctx.gateway, disk, {
      regionId,
      timeoutSec: ctx.assistantTimeoutSec,
      timing: ctx.assistantTiming,
      alsoShow: [from, to],
      known: new Map(isAttached(disk, from) ? [[from, guest]] : []),
      ...(verified ? { verified } : {}),
    });
    const unknown = table.rows.filter((r) => r.access === 'unknown').length;
    return {
      table,
      outcome: {
        ok: true,
        detail: `${table.rows.length} instance(s)${unknown > 0 ? `, ${unknown} unknown` : ''}`,
      },
    };
  } catch (error) {
    return { outcome: { ok: false, ...describeFailure(error) } };
  }
}

export const runFailover: StepRunner<'failover'> = async (ctx) => {
  const { diskId, fromInstanceId: from, toInstanceId: to, fencingMode } = ctx.params;
  const t = new Timeline(ctx);
  await t.since('Queue, locks and preflight re-check', 'ok', 'from the decision to the first step');
  const result = (
    state: ExecutionResult['state'],
    code: string,
    message: string,
    mounts?: MountTable,
  ): ExecutionResult => ({
    state,
    outcome: { code, message: `${message} (total ${seconds(t.totalMs)})` },
    attachments: [],
    failures: [],
    ...(mounts ? { mounts } : {}),
    timeline: { steps: t.steps, totalMs: t.totalMs },
  });
  const disk = ctx.world.disk;
  if (!disk) return result('failed', 'disk_not_found', `${diskId} is gone; nothing was changed.`);
  const watch = new OldPrimaryWatch(ctx, disk);
  let verified: Verified | undefined;
  let fenced = false;

  /** Every end: the mount table step, the old primary's follow-up if it is still out, the result. */
  const end = async (
    state: ExecutionResult['state'],
    code: string,
    message: string,
  ): Promise<ExecutionResult> => {
    const verifying = fenced && state === 'succeeded' && ctx.params.takeoverMount !== undefined;
    let table: MountTable | undefined;
    // One look at the old primary's answer for the table, the note and the follow-up: read twice,
    // it could land in between, leaving a row that says "follows in the thread" and no follow-up.
    const guest = watch.now();
    const read = await t.step(
      verifying ? `Takeover verified (inspect on ${to})` : 'Mount status read',
      async () => {
        const r = await readTable(ctx, guest, verified);
        table = r.table;
        if (!verifying || !r.outcome.ok) return r.outcome;
        return verifyMount(
          ctx,
          table?.rows.find((row) => row.instanceId === to),
        );
      },
    );
    let final = { state, code, message };
    if (verifying && !read.ok)
      final = {
        state: 'partial',
        code: 'takeover_unverified',
        message: `${from} is fenced and ${to} has ${diskId}, but the mount could not be verified (${read.message}); check ${to} by hand.`,
      };
    if (guest === 'pending') followUp(ctx, watch, fencingMode, verified !== undefined);
    return result(final.state, final.code, `${final.message} ${guestNote(ctx, guest, fenced)}`.trim(), table);
  };
  const notFenced = (o: Extract<StepOutcome, { ok: false }>) =>
    end(
      'failed',
      'fencing_failed',
      `Fencing of ${from} could not be verified (${o.message}). The failover stopped: no takeover ran on ${to}, and ${from} may still write. Fix the cause and ask again; fencing is never skipped.`,
    );
  const guardStopped = (message: string, before: GuardMoment) =>
    end(
      'failed',
      'guard_changed',
      before === 'fencing'
        ? `Stopped before fencing ${from}: ${message}. Nothing was fenced${fencingMode === 'reservation' && !isAttached(disk, to) ? ` (${to} got the disk attached, which gives it no write access)` : ''}; check what changed and ask again.`
        : `${from} is fenced and ${to} has ${diskId}, but the takeover did not run: ${message}. Check what changed and finish the takeover on ${to} by hand.`,
    );

  let fencedBy: string;
  if (fencingMode === 'reservation') {
    const attached = await t.step(`AttachDisk ${to}`, () => attachStandby(ctx));
    if (!attached.ok)
      return attached.code === GUARD_CHANGED
        ? guardStopped(attached.message, 'fencing')
        : end(
            'failed',
            'attach_failed',
            `Could not attach ${diskId} to ${to}, so it could not fence ${from}; nothing else changed.`,
          );
    const checked = await guard(ctx, t, 'fencing', false);
    if (!checked.ok) return guardStopped(checked.message, 'fencing');
    const fence = await t.step(`Fence ${from} (NVMe reservation)`, async () => {
      const fresh =
        (await ctx.gateway.describeDisks({ regionId: ctx.params.regionId, diskIds: [diskId] }))[0] ?? disk;
      const r = await fenceByReservation(ctx, checked.gateway, fresh, { from, to });
      if (!r.ok) return r;
      verified = { report: r.report, source: `the verified reservation report (nvme-report on ${to})` };
      await ctx.advance(FAILOVER_CURSOR.FENCED, { fence: 'reservation', from, to, report: r.report });
      return { ok: true, detail: r.detail };
    });
    if (!fence.ok) return notFenced(fence);
    fenced = true;
    fencedBy = 'NVMe reservation preempt (verified)';
  } else {
    // An old primary already gone from the disk (this request's DetachDisk before a crash, or
    // anyone's) is the fenced state this mode wants, not a change.
    const checked = await guard(ctx, t, 'fencing', true);
    if (!checked.ok) return guardStopped(checked.message, 'fencing');
    const fence = await t.step(`Fence ${from} (DetachDisk)`, async () => {
      const moved = await move(ctx, checked.gateway, 'detach', from);
      if (moved.ok) await ctx.advance(FAILOVER_CURSOR.FENCED, { fence: 'detach', from, to });
      return moved;
    });
    if (!fence.ok) return notFenced(fence);
    fenced = true;
    const attached = await t.step(`AttachDisk ${to}`, () => attachStandby(ctx, detachedByFencing));
    if (!attached.ok)
      return end(
        'failed',
        attached.code === GUARD_CHANGED ? GUARD_CHANGED : 'attach_failed',
        `${from} is fenced (detached) but ${diskId} could not be attached to ${to}: ${attached.message}. Attach it by hand or ask again.`,
      );
    fencedBy = 'DetachDisk';
  }
  await ctx.advance(FAILOVER_CURSOR.ON_STANDBY, { standby: to });

  const { takeoverMount, takeoverHook } = ctx.params;
  if (!takeoverMount && !takeoverHook) {
    await t.since('Takeover: none configured', 'skipped', 'the policy names no takeover mount or hook');
    return end(
      'succeeded',
      'failed_over',
      `Failed over ${diskId} from ${from} to ${to}; ${from} fenced by ${fencedBy}. Takeover: none configured, so nothing was mounted or started on ${to}; do that there yourself.`,
    );
  }
  const checked = await guard(ctx, t, 'takeover', fencingMode === 'detach');
  if (!checked.ok) return guardStopped(checked.message, 'takeover');
  if (takeoverMount) {
    const fresh =
      (await ctx.gateway.describeDisks({ regionId: ctx.params.regionId, diskIds: [diskId] }))[0] ?? disk;
    const writers = verified ? registrantsOf(verified.report, fresh) : checked.writers;
    const mounted = await t.step(`Takeover: mount ${takeoverMount.mount} on ${to}`, () =>
      mountOnStandby(ctx, checked.gateway, fresh, writers),
    );
    if (!mounted.ok)
      return end(
        'partial',
        mounted.code === 'takeover_refused' ? 'takeover_refused' : 'takeover_failed',
        `${from} is fenced by ${fencedBy} and ${to} has ${diskId}, but the takeover mount failed (${mounted.message}); finish the takeover on ${to} by hand.`,
      );
  }
  if (takeoverHook) {
    const hooked = await t.step(`Takeover hook on ${to}`, () => runHook(ctx, checked.gateway, disk));
    if (!hooked.ok)
      return end(
        'partial',
        'takeover_hook_failed',
        `${from} is fenced by ${fencedBy} and ${to} has ${diskId}, but the takeover hook failed (${hooked.message}); finish the takeover on ${to} by hand.`,
      );
  }
  const what = [
    takeoverMount ? `${diskId} mounted at ${takeoverMount.mount} on ${to}` : '',
    takeoverHook ? `the takeover hook ran on ${to}` : '',
  ].filter(Boolean);
  return end(
    'succeeded',
    'failed_over',
    `Failed over ${diskId} from ${from} to ${to}; ${from} fenced by ${fencedBy}. Takeover: ${what.join(' and ')}.`,
  );
};

/** What the old primary's guest said, for the result (detach mode: the bot never saw it unmount). */
function guestNote(ctx: Ctx, guest: TargetOutcome<InspectReport> | 'pending', fenced: boolean): string {
  const from = ctx.params.fromInstanceId;
  if (guest === 'pending')
    return `${from}'s guest has not answered yet; what it shows follows in this thread.`;
  if (ctx.params.fencingMode !== 'detach' || !fenced) return '';
  if (!guest.ok)
    return `${from} was detached at the API level only: its guest did not answer (${guest.code}: ${guest.message}), so the bot could not check or unmount what it had mounted.`;
  return guest.value.mountpoints.length > 0
    ? `${from}'s guest showed ${mountedText(guest.value)} before it lost the disk; check it on recovery.`
    : '';
}

/** The old primary's row (or, in detach mode, what its guest had mounted) once it answers or times out. */
function followUp(ctx: Ctx, watch: OldPrimaryWatch, mode: 'reservation' | 'detach', fenced: boolean): void {
  const from = ctx.params.fromInstanceId;
  if (mode === 'detach') {
    watch.followUp(ctx, `Guest check on ${from} (follow-up)`, (o) =>
      o.ok
        ? {
            ok: true,
            detail: o.value.attached
              ? `${mountedText(o.value)}; check it on recovery`
              : 'the disk is already gone from the guest',
          }
        : {
            ok: false,
            code: o.code,
            message: `${o.message}: its guest did not answer, so the bot could not check or unmount what it had mounted`,
          },
    );
    return;
  }
  const note = fenced
    ? 'fenced: the verified reservation report shows its key gone'
    : 'fencing was not verified, so it may still write';
  watch.followUp(ctx, `Mount status of ${from} (follow-up)`, (o) =>
    o.ok
      ? { ok: true, detail: `${mountedText(o.value)}; ${note}` }
      : { ok: false, code: o.code, message: `${o.message}; ${note}` },
  );
}
