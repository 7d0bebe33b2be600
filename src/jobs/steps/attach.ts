import type { DiskInfo } from '../../cloud/gateway.js';
import type { StepRunner } from './context.js';
import { fanOut } from './fan-out.js';

const isAttached = (disk: DiskInfo | undefined, instanceId: string): boolean =>
  disk?.attachments.some((a) => a.instanceId === instanceId) === true;

/** AttachDisk to every instance not yet in `Attachments`; `InvalidDisk.InUse` = our earlier call is in flight. */
export const runAttach: StepRunner<'attach'> = (ctx) =>
  fanOut(ctx, {
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
  });

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
