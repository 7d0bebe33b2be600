import type { TargetOutcome } from '../../cloud/assistant.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import { mountTableOf } from '../../cloud/mounts.js';
import { NODE_NOT_RUNNING, nodeOf } from '../../cloud/preflight/after-call.js';
import { GUARD_CHANGED, needsTwoPhase } from '../../cloud/preflight/index.js';
import type { InspectReport, ReservationReport } from '../../cloud/scripts/index.js';
import type { ExecutionResult } from '../ports.js';
import { type StepContext, type StepRunner, stoppedBy } from './context.js';
import { fanOut } from './fan-out.js';
import { reportMountTable } from './mount-table.js';
import { mayGrowOcfs2 } from './ocfs2-grow.js';
import { type Registration, registerAndInspect, registerKeys } from './reservation.js';
import { attachInTwoPhases, attachSpec } from './two-phase.js';

const isAttached = (disk: DiskInfo | undefined, instanceId: string): boolean =>
  disk?.attachments.some((a) => a.instanceId === instanceId) === true;

/**
 * AttachDisk to every instance not yet in `Attachments` (`InvalidDisk.InUse` = our earlier call is in
 * flight), right after the re-check of that moment; in reservation fencing mode, then register each
 * instance's NVMe key (after its own re-check) so a later failover can preempt it; when that round
 * reaches every attached instance and nothing follows it, it reads the mount table too (`mounts`
 * set: the kind's separate read is skipped). A disk of unknown content goes in two phases
 * (`two-phase.ts`).
 */
export const runAttach: StepRunner<'attach'> = async (ctx) => {
  const snapshot = ctx.world.disk;
  const named = [...new Set(ctx.params.instanceIds)];
  const adding = named.filter((id) => !isAttached(snapshot, id));
  const [first, ...rest] = adding;
  let result: ExecutionResult;
  if (snapshot && first && needsTwoPhase(snapshot, adding)) {
    result = await attachInTwoPhases(ctx, first, rest);
  } else {
    const moment = await ctx.recheck('AttachDisk');
    if (!moment.ok) return stoppedBy(moment.change);
    result = await fanOut({ ...ctx, world: moment.world }, attachSpec(ctx, moment.gateway));
  }
  if (ctx.fencingMode !== 'reservation') return result;
  const attached = new Set(result.attachments.map((a) => a.instanceId));
  const disk = ctx.world.disk;
  if (!disk || !named.some((id) => attached.has(id))) return result;
  // An instance not Running when the run started cannot register anyway: its report says so.
  const idle = new Set(named.filter((id) => ctx.world.instances.get(id)?.status !== 'Running'));
  const moment = await ctx.recheck('nvme-register', {
    expected: (check) => check.code === NODE_NOT_RUNNING && idle.has(nodeOf(check) ?? ''),
  });
  if (!moment.ok)
    return {
      ...result,
      state: 'partial',
      outcome: {
        code: GUARD_CHANGED,
        message: `Attached, but no NVMe reservation key was registered (Retry registers them once this is fixed, with no second AttachDisk). ${moment.change.message}`,
      },
    };
  // The moment's own facts: an instance that lost the disk since the call gets no key.
  const targets = named.filter((id) => attached.has(id) && isAttached(moment.world.disk, id));
  const now = moment.world.disk;
  // The registration is the request's last guest mutation when no OCFS2 join follows; reaching
  // every attached instance, its reports (read after it) are the whole mount table.
  const readsTable =
    now !== undefined &&
    targets.length > 0 &&
    now.attachments.every((a) => targets.includes(a.instanceId)) &&
    !mayGrowOcfs2(result, ctx.params.instanceIds);
  const started = ctx.clock.now();
  if (!readsTable) {
    await reportRegistration(ctx, await registerKeys(ctx, moment.gateway, disk, targets), started);
    return result;
  }
  const { reports, ...registration } = await registerAndInspect(ctx, moment.gateway, disk, targets);
  await reportRegistration(ctx, registration, started);
  // A host that did not register answers no report: the separate mount table read follows.
  if (registration.failed.length > 0) return result;
  const mounts = mountTableOf(now, [...moment.world.instances.values()], reports, {
    alsoShow: named,
    verified: { report: latestReservation(reports), source: 'the key registration' },
  });
  await reportMountTable(ctx, mounts, 0);
  return { ...result, mounts };
};

/**
 * The disk's reservation as the round left it. Each host read it right after its own registration,
 * and registrations only add keys: the report with the most registrants was read after the last one.
 */
function latestReservation(reports: readonly TargetOutcome<InspectReport>[]): ReservationReport {
  const read = reports.flatMap((o) => (o.ok && o.value.reservation ? [o.value.reservation] : []));
  return read.reduce((a, b) => (b.registrants.length > a.registrants.length ? b : a), {
    holder: null,
    registrants: [],
    type: null,
  });
}

async function reportRegistration(
  ctx: StepContext<'attach'>,
  { registered, failed }: Registration,
  started: number,
): Promise<void> {
  await ctx.report({
    label: 'Register NVMe reservation keys',
    status: failed.length === 0 ? 'ok' : 'failed',
    detail:
      failed.length === 0
        ? `${registered.length} ${registered.length === 1 ? 'instance' : 'instances'}`
        : `${failed.map((f) => f.message).join('; ')} (a failover from there still fences it by acquiring the reservation)`,
    durationMs: ctx.clock.now() - started,
  });
}

/**
 * DetachDisk from every instance still in `Attachments`. `DependencyViolation` and
 * `InvalidDisk.AlreadyDetached` mean it is gone already; `IncorrectDiskStatus` means a detach is
 * in flight (ours, sent before a crash or answered too late), so it is waited for, not repeated.
 */
export const runDetach: StepRunner<'detach'> = async (ctx) => {
  const moment = await ctx.recheck('DetachDisk');
  if (!moment.ok) return stoppedBy(moment.change);
  const gateway = moment.gateway;
  return fanOut(
    { ...ctx, world: moment.world },
    {
      verb: 'detach',
      action: 'DetachDisk',
      diskId: ctx.params.diskId,
      regionId: ctx.params.regionId,
      instanceIds: ctx.params.instanceIds,
      reached: (disk, instanceId) => !isAttached(disk, instanceId),
      send: async (instanceId) => ({
        requestId: (await gateway.detachDisk({ diskId: ctx.params.diskId, instanceId })).requestId,
      }),
      inFlightCodes: ['IncorrectDiskStatus'],
      doneCodes: ['DependencyViolation', 'InvalidDisk.AlreadyDetached'],
    },
  );
};
