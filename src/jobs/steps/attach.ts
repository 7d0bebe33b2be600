import type { DiskInfo } from '../../cloud/gateway.js';
import { needsTwoPhase } from '../../cloud/preflight/index.js';
import type { ExecutionResult } from '../ports.js';
import { CURSOR, type StepRunner } from './context.js';
import { type FanOutSpec, fanOut } from './fan-out.js';
import { registerKeys } from './reservation.js';
import { attachInTwoPhases, attachRestAfterGuard } from './two-phase.js';

const isAttached = (disk: DiskInfo | undefined, instanceId: string): boolean =>
  disk?.attachments.some((a) => a.instanceId === instanceId) === true;

/**
 * AttachDisk to every instance not yet in `Attachments` (`InvalidDisk.InUse` = our earlier call is in
 * flight); in reservation fencing mode, then register each instance's NVMe key so a later failover
 * can preempt it. A disk of unknown content goes in two phases (`two-phase.ts`); a resumed attach
 * re-checks the file-system guard before adding the rest.
 */
export const runAttach: StepRunner<'attach'> = async (ctx) => {
  const spec: FanOutSpec = {
    verb: 'attach',
    action: 'AttachDisk',
    diskId: ctx.params.diskId,
    regionId: ctx.params.regionId,
    instanceIds: ctx.params.instanceIds,
    reached: isAttached,
    send: async (instanceId) => ({
      requestId: (await ctx.gateway.attachDisk({ diskId: ctx.params.diskId, instanceId })).requestId,
    }),
    inFlightCodes: ['InvalidDisk.InUse'],
    doneCodes: [],
  };
  const snapshot = ctx.world.disk;
  const named = [...new Set(ctx.params.instanceIds)];
  const adding = named.filter((id) => !isAttached(snapshot, id));
  const [first, ...rest] = adding;
  let result: ExecutionResult;
  if (snapshot && first && needsTwoPhase(snapshot, adding)) {
    result = await attachInTwoPhases(ctx, spec, first, rest);
  } else if (snapshot && adding.length > 0 && ctx.cursor >= CURSOR.ISSUED) {
    const kept = named.filter((id) => isAttached(snapshot, id));
    const before = { targets: kept, skipped: kept, failures: [], disk: snapshot };
    result = await attachRestAfterGuard(ctx, spec, before, adding, ctx.clock.now());
  } else {
    result = await fanOut(ctx, spec);
  }
  if (ctx.fencingMode !== 'reservation') return result;
  const attached = new Set(result.attachments.map((a) => a.instanceId));
  const targets = [...new Set(ctx.params.instanceIds)].filter((id) => attached.has(id));
  const disk = ctx.world.disk;
  if (targets.length === 0 || !disk) return result;
  const started = ctx.clock.now();
  const { registered, failed } = await registerKeys(ctx, disk, targets);
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
export const runDetach: StepRunner<'detach'> = (ctx) =>
  fanOut(ctx, {
    verb: 'detach',
    action: 'DetachDisk',
    diskId: ctx.params.diskId,
    regionId: ctx.params.regionId,
    instanceIds: ctx.params.instanceIds,
    reached: (disk, instanceId) => !isAttached(disk, instanceId),
    send: async (instanceId) => ({
      requestId: (await ctx.gateway.detachDisk({ diskId: ctx.params.diskId, instanceId })).requestId,
    }),
    inFlightCodes: ['IncorrectDiskStatus'],
    doneCodes: ['DependencyViolation', 'InvalidDisk.AlreadyDetached'],
  });
