import type { DiskInfo } from '../../cloud/gateway.js';
import { NODE_NOT_RUNNING, nodeOf } from '../../cloud/preflight/after-call.js';
import { GUARD_CHANGED, needsTwoPhase } from '../../cloud/preflight/index.js';
import type { ExecutionResult } from '../ports.js';
import { type StepRunner, stoppedBy } from './context.js';
import { fanOut } from './fan-out.js';
import { registerKeys } from './reservation.js';
import { attachInTwoPhases, attachSpec } from './two-phase.js';

const isAttached = (disk: DiskInfo | undefined, instanceId: string): boolean =>
  disk?.attachments.some((a) => a.instanceId === instanceId) === true;

/**
 * AttachDisk to every instance not yet in `Attachments` (`InvalidDisk.InUse` = our earlier call is in
 * flight), right after the re-check of that moment; in reservation fencing mode, then register each
 * instance's NVMe key (after its own re-check) so a later failover can preempt it. A disk of
 * unknown content goes in two phases (`two-phase.ts`).
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
  const started = ctx.clock.now();
  const { registered, failed } = await registerKeys(ctx, moment.gateway, disk, targets);
  await ctx.report({
    label: 'Register NVMe reservation keys',
    status: failed.length === 0 ? 'ok' : 'failed',
    detail:
      failed.length === 0
        ? `${registered.length} ${registered.length === 1 ? 'instance' : 'instances'}`
        : `${failed.map((f) => f.message).join('; ')} (a failover from there still fences it by acquiring the reservation)`,
    durationMs: ctx.clock.now() - started,
  });
  return result;
};

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
