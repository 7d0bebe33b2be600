/**
 * Failover (design.md §8), after the runner's preflight and locks (disk, old primary, standby):
 * fence the old primary, make sure the standby has the disk, run the policy's takeover hook, and
 * hand back a timeline. Fencing is never skipped: when it cannot be verified nothing is handed to
 * the standby and the request ends `failed` with `fencing_failed`.
 *
 * Order by mode:
 * - reservation: attach the standby if needed (it needs the device to issue the preempt; attaching
 *   gives no write access under a registrants-only reservation it does not hold), register, preempt
 *   or acquire, verify with a report. No call touches the old primary, so a crashed one is fenced.
 * - detach: DetachDisk from the old primary and wait until it is gone, then attach the standby.
 */
import { type OutputParser, runOnInstances } from '../../cloud/assistant.js';
import { CloudError } from '../../cloud/errors.js';
import { describeFailure } from '../../cloud/explain.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import { inspectDisk } from '../../cloud/mounts.js';
import { serialFor } from '../../cloud/scripts/index.js';
import type { ExecutionResult, StepReport } from '../ports.js';
import type { StepContext, StepRunner } from './context.js';
import { fenceByReservation } from './reservation.js';

/** Cursor values past CHECKED (1): the fence is verified, then the standby has the disk. */
export const FAILOVER_CURSOR = { FENCED: 2, ON_STANDBY: 3 } as const;

type Ctx = StepContext<'failover'>;
type StepOutcome = { ok: true; detail: string } | { ok: false; code: string; message: string };

const isAttached = (disk: DiskInfo | undefined, id: string) =>
  disk?.attachments.some((a) => a.instanceId === id) === true;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** AttachDisk or DetachDisk of one instance, waited for in DescribeDisks; "already done" answers count as done. */
async function move(ctx: Ctx, op: 'attach' | 'detach', instanceId: string): Promise<StepOutcome> {
  const { diskId, regionId } = ctx.params;
  const reached = (d: DiskInfo | undefined) => isAttached(d, instanceId) === (op === 'attach');
  if (reached(ctx.world.disk)) return { ok: true, detail: `already ${op}ed` };
  ctx.assertHeld();
  try {
    if (op === 'attach') await ctx.gateway.attachDisk({ diskId, instanceId });
    else await ctx.gateway.detachDisk({ diskId, instanceId });
  } catch (error) {
    const code = error instanceof CloudError ? error.cloudCode : '';
    const inFlight = op === 'attach' ? ['InvalidDisk.InUse'] : ['IncorrectDiskStatus'];
    const done = op === 'attach' ? [] : ['DependencyViolation', 'InvalidDisk.AlreadyDetached'];
    if (done.includes(code)) return { ok: true, detail: `already ${op}ed` };
    if (!inFlight.includes(code)) return { ok: false, ...describeFailure(error) };
  }
  const waited = await ctx.watcher.watch(regionId, diskId, { timeoutMs: ctx.waitTimeoutMs, until: reached });
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

/** The hook's stdout is free text: its first line is shown. */
const anyText: OutputParser<string> = (output) => ({ ok: true, value: output.trim().split('\n')[0] ?? '' });

/** What the old primary's guest says just before it loses the disk (detach mode). */
async function guestCheck(ctx: Ctx, disk: DiskInfo): Promise<StepOutcome> {
  const [outcome] = await inspectDisk(ctx.gateway, disk, [ctx.params.fromInstanceId], {
    regionId: ctx.params.regionId,
    timeoutSec: ctx.assistantTimeoutSec,
    timing: ctx.assistantTiming,
  });
  if (!outcome?.ok)
    return {
      ok: false,
      code: outcome?.code ?? 'no_answer',
      message: outcome && !outcome.ok ? outcome.message : 'no result',
    };
  const r = outcome.value;
  const mounted =
    r.mountpoints.length > 0
      ? `${r.fstype ?? 'unknown fs'} mounted at ${r.mountpoints.join(', ')} (${r.readOnly ? 'ro' : 'rw'}); check it on recovery`
      : 'nothing mounted';
  return { ok: true, detail: r.attached ? mounted : 'the disk is already gone from the guest' };
}

async function takeover(ctx: Ctx, disk: DiskInfo): Promise<StepOutcome> {
  const hook = ctx.params.takeoverHook;
  if (!hook) return { ok: true, detail: 'none configured' };
  ctx.assertHeld();
  // Cloud Assistant rejects parameters a script does not reference, so serial is sent only when used.
  const parameters: Record<string, string> = hook.script.includes('{{serial}}')
    ? { serial: serialFor(disk) }
    : {};
  const [outcome] = await runOnInstances(
    ctx.gateway,
    {
      regionId: ctx.params.regionId,
      instanceIds: [ctx.params.toInstanceId],
      script: hook.script,
      parameters,
      timeoutSec: hook.timeoutSec,
      name: 'shared-disk-bot takeover hook',
    },
    anyText,
    ctx.assistantTiming,
  );
  if (outcome?.ok) return { ok: true, detail: outcome.value || 'exit 0' };
  return {
    ok: false,
    code: outcome?.code ?? 'no_answer',
    message: outcome && !outcome.ok ? outcome.message : 'no result',
  };
}

export const runFailover: StepRunner<'failover'> = async (ctx) => {
  const { diskId, fromInstanceId: from, toInstanceId: to, fencingMode } = ctx.params;
  const began = ctx.clock.now();
  const steps: StepReport[] = [];
  const step = async (label: string, run: () => Promise<StepOutcome>): Promise<StepOutcome> => {
    const started = ctx.clock.now();
    const outcome = await run();
    const report: StepReport = {
      label,
      status: outcome.ok ? 'ok' : 'failed',
      detail: outcome.ok ? outcome.detail : `${outcome.code}: ${outcome.message}`,
      durationMs: ctx.clock.now() - started,
    };
    steps.push(report);
    await ctx.report(report);
    return outcome;
  };
  const end = (state: ExecutionResult['state'], code: string, message: string): ExecutionResult => {
    const totalMs = ctx.clock.now() - began;
    return {
      state,
      outcome: { code, message: `${message} (total ${seconds(totalMs)})` },
      attachments: [],
      failures: [],
      timeline: { steps, totalMs },
    };
  };
  const disk = ctx.world.disk;
  if (!disk) return end('failed', 'disk_not_found', `${diskId} is gone; nothing was changed.`);
  const notFenced = (o: Extract<StepOutcome, { ok: false }>) =>
    end(
      'failed',
      'fencing_failed',
      `Fencing of ${from} could not be verified (${o.message}). The failover stopped: no takeover ran on ${to}, and ${from} may still write. Fix the cause and ask again; fencing is never skipped.`,
    );

  let fencedBy: string;
  if (fencingMode === 'reservation') {
    const attached = await step(`AttachDisk ${to}`, () => move(ctx, 'attach', to));
    if (!attached.ok)
      return end(
        'failed',
        'attach_failed',
        `Could not attach ${diskId} to ${to}, so it could not fence ${from}; nothing else changed.`,
      );
    const fenced = await step(`Fence ${from} (NVMe reservation)`, async () => {
      const fresh =
        (await ctx.gateway.describeDisks({ regionId: ctx.params.regionId, diskIds: [diskId] }))[0] ?? disk;
      const r = await fenceByReservation(ctx, fresh, { from, to });
      return r.ok ? { ok: true, detail: r.detail } : r;
    });
    if (!fenced.ok) return notFenced(fenced);
    await ctx.advance(FAILOVER_CURSOR.FENCED, { fence: 'reservation', from, to });
    fencedBy = 'NVMe reservation preempt';
  } else {
    // The guest check runs alongside the detach: it costs no time unless the old primary is hung,
    // and it is the only way to say what the bot could not do there.
    const [fenced, guest] = await Promise.all([
      step(`Fence ${from} (DetachDisk)`, () => move(ctx, 'detach', from)),
      step(`Guest check on ${from}`, () => guestCheck(ctx, disk)),
    ]);
    if (!fenced.ok) return notFenced(fenced);
    await ctx.advance(FAILOVER_CURSOR.FENCED, { fence: 'detach', from, to });
    const attached = await step(`AttachDisk ${to}`, () => move(ctx, 'attach', to));
    if (!attached.ok)
      return end(
        'failed',
        'attach_failed',
        `${from} is fenced (detached) but ${diskId} could not be attached to ${to}: ${attached.message}. Attach it by hand or ask again.`,
      );
    fencedBy = guest.ok
      ? 'DetachDisk'
      : `DetachDisk at the API level only: its guest did not answer (${guest.code}: ${guest.message}), so the bot could not check or unmount what it had mounted`;
  }
  await ctx.advance(FAILOVER_CURSOR.ON_STANDBY, { standby: to });
  const hooked = await step(`Takeover hook on ${to}`, () => takeover(ctx, disk));
  if (!hooked.ok) {
    return end(
      'partial',
      'takeover_hook_failed',
      `${from} is fenced by ${fencedBy} and ${to} has ${diskId}, but the takeover hook failed (${hooked.message}); finish the takeover on ${to} by hand.`,
    );
  }
  return end(
    'succeeded',
    'failed_over',
    `Failed over ${diskId} from ${from} to ${to}; ${from} fenced by ${fencedBy}.`,
  );
};
