/** Disk mutations: CreateDisk, AttachDisk, DetachDisk, DeleteDisk, ResizeDisk. */
import { EcsError, invalid, missing } from '../errors.js';
import {
  checkAttach,
  checkCreateDisk,
  checkDelete,
  checkDetach,
  checkResize,
  isRegional,
  PERFORMANCE_LEVELS,
} from '../rules.js';
import { type Disk, mountKey, type World } from '../world.js';
import { type ActionContext, type ActionHandler, findOr404, idempotent, requireRegion } from './common.js';
import { snapshotInProgress } from './snapshots.js';

function dataDiskCount(world: World, instanceId: string): number {
  let n = 0;
  for (const d of world.disks.values()) {
    const pending = d.pending.get(instanceId);
    if (pending?.op === 'attach' || d.attachments.some((a) => a.instanceId === instanceId)) n += 1;
  }
  return n;
}

/**
 * The API reports Xen-style names (`/dev/xvdb`, as real DescribeDisks does); the guest sees NVMe
 * namespaces (`/dev/nvme1n1`, nvme0n1 being the system disk). Both take the lowest free slot.
 */
function allocateDevices(world: World, instanceId: string): { device: string; hostDevice: string } {
  const devices = new Set<string>();
  const hostDevices = new Set<string>();
  for (const d of world.disks.values()) {
    for (const a of d.attachments) {
      if (a.instanceId === instanceId) {
        devices.add(a.device);
        hostDevices.add(a.hostDevice);
      }
    }
    const p = d.pending.get(instanceId);
    if (p) {
      devices.add(p.device);
      hostDevices.add(p.hostDevice);
    }
  }
  let i = 1;
  const letter = (n: number): string =>
    n < 26
      ? String.fromCharCode(97 + n)
      : `${String.fromCharCode(96 + Math.floor(n / 26))}${String.fromCharCode(97 + (n % 26))}`;
  while (devices.has(`/dev/xvd${letter(i)}`)) i += 1;
  let k = 1;
  while (hostDevices.has(`/dev/nvme${k}n1`)) k += 1;
  return { device: `/dev/xvd${letter(i)}`, hostDevice: `/dev/nvme${k}n1` };
}

const createDisk: ActionHandler = (ctx) => {
  requireRegion(ctx);
  return idempotent(ctx, 'CreateDisk', () => {
    const { params: p, world } = ctx;
    const category = p.str('DiskCategory') ?? 'cloud';
    const multiRaw = p.str('MultiAttach') ?? 'Disabled';
    if (multiRaw !== 'Enabled' && multiRaw !== 'Disabled') throw new EcsError('InvalidParameter.MultiAttach');
    const zoneId = p.str('ZoneId');
    if (!isRegional(category) && zoneId === undefined) throw missing('ZoneId');
    const zone = zoneId === undefined ? undefined : world.zones.get(zoneId);
    if (zoneId !== undefined && !zone) throw new EcsError('InvalidZoneId.NotFound');
    const level = category === 'cloud_essd' ? (p.str('PerformanceLevel') ?? 'PL1') : '';
    if (category === 'cloud_essd' && !(PERFORMANCE_LEVELS as readonly string[]).includes(level)) {
      throw new EcsError('InvalidPerformanceLevel.Malformed');
    }
    const size = p.int('Size');
    if (size === undefined) throw missing('Size');
    const instanceId = p.str('InstanceId');
    checkCreateDisk({ category, performanceLevel: level, size, multiAttach: multiRaw, instanceId, zone });
    if (instanceId !== undefined) {
      throw invalid(
        'InstanceId',
        'subscription disks are not emulated; create the disk, then call AttachDisk',
      );
    }
    const diskId = world.nextId('d-bp1');
    const created = world.now();
    const disk: Disk = {
      diskId,
      diskName: p.str('DiskName') ?? '',
      description: p.str('Description') ?? '',
      zoneId: zoneId ?? '',
      category,
      performanceLevel: level,
      size,
      multiAttach: multiRaw,
      busy: 'Creating',
      attachments: [],
      pending: new Map(),
      deleteWithInstance: false,
      tags: p.objects('Tag').flatMap((t) => (t.Key ? [{ key: t.Key, value: t.Value ?? '' }] : [])),
      creationTime: created,
      detachedTime: null,
      fstype: null,
    };
    world.disks.set(diskId, disk);
    world.at(created + world.delay('create'), () => {
      if (disk.busy === 'Creating') disk.busy = null;
    });
    return { DiskId: diskId, OrderId: '' };
  });
};

function diskAndInstance(ctx: ActionContext) {
  const diskId = ctx.params.required('DiskId');
  const instanceId = ctx.params.required('InstanceId');
  return {
    disk: findOr404(ctx.world.disks, diskId, 'InvalidDiskId.NotFound'),
    instance: findOr404(ctx.world.instances, instanceId, 'InvalidInstanceId.NotFound'),
  };
}

const attachDisk: ActionHandler = (ctx) => {
  requireRegion(ctx, false);
  const { world, params: p } = ctx;
  const { disk, instance } = diskAndInstance(ctx);
  const type = world.instanceTypes.get(instance.instanceType);
  if (!type)
    throw new EcsError('InternalError', `Instance type ${instance.instanceType} is missing from the seed.`);
  const deleteWithInstance = p.bool('DeleteWithInstance') ?? false;
  checkAttach({
    disk,
    instance,
    type,
    image: world.images.get(instance.imageId),
    instanceDataDisks: dataDiskCount(world, instance.instanceId),
    deleteWithInstance,
    bootable: p.bool('Bootable') ?? false,
  });
  const token = world.token();
  const devices = allocateDevices(world, instance.instanceId);
  disk.pending.set(instance.instanceId, { op: 'attach', token, ...devices });
  const due = world.now() + world.delay('attach');
  world.at(due, () => {
    if (disk.pending.get(instance.instanceId)?.token !== token) return;
    disk.pending.delete(instance.instanceId);
    disk.attachments.push({ instanceId: instance.instanceId, ...devices, attachedTime: due });
    world.guestSizes.delete(mountKey(instance.instanceId, disk.diskId));
    if (disk.multiAttach === 'Disabled') disk.deleteWithInstance = deleteWithInstance;
  });
  return {};
};

const detachDisk: ActionHandler = (ctx) => {
  requireRegion(ctx, false);
  const { world } = ctx;
  const { disk, instance } = diskAndInstance(ctx);
  checkDetach(disk, instance);
  const attachment = disk.attachments.find((a) => a.instanceId === instance.instanceId);
  if (!attachment) throw new EcsError('DependencyViolation');
  const token = world.token();
  disk.pending.set(instance.instanceId, {
    op: 'detach',
    token,
    device: attachment.device,
    hostDevice: attachment.hostDevice,
  });
  const due = world.now() + world.delay('detach');
  world.at(due, () => {
    if (disk.pending.get(instance.instanceId)?.token !== token) return;
    disk.pending.delete(instance.instanceId);
    disk.attachments = disk.attachments.filter((a) => a.instanceId !== instance.instanceId);
    world.mounts.delete(mountKey(instance.instanceId, disk.diskId));
    disk.detachedTime = due;
    if (disk.attachments.length === 0) disk.deleteWithInstance = false;
  });
  return {};
};

/** A DiskId that does not exist is silently ignored, as real ECS does: the caller verifies with DescribeDisks. */
const deleteDisk: ActionHandler = (ctx) => {
  requireRegion(ctx, false);
  const { world } = ctx;
  const disk = world.disks.get(ctx.params.required('DiskId'));
  if (!disk) return {};
  checkDelete(disk, snapshotInProgress(world, disk.diskId));
  disk.busy = 'Deleting';
  world.at(world.now() + world.delay('delete'), () => {
    world.disks.delete(disk.diskId);
    world.reservations.delete(disk.diskId);
    world.fsSizes.delete(disk.diskId);
  });
  return {};
};

/**
 * After an online resize every guest keeps seeing the old size until the bot's rescan (or a boot);
 * the file system keeps its size until `fs-grow`. Offline, the guests boot into the new size.
 */
const resizeDisk: ActionHandler = (ctx) =>
  idempotent(ctx, 'ResizeDisk', () => {
    requireRegion(ctx, false);
    const { world, params: p } = ctx;
    const disk = findOr404(world.disks, p.required('DiskId'), 'InvalidDiskId.NotFound');
    const newSize = p.int('NewSize');
    if (newSize === undefined) throw missing('NewSize');
    const type = p.oneOf('Type', ['offline', 'online'] as const, 'offline');
    checkResize({
      disk,
      newSize,
      type,
      attachedStatuses: disk.attachments.map((a) => world.instances.get(a.instanceId)?.status ?? 'Stopped'),
      snapshotInProgress: snapshotInProgress(world, disk.diskId),
      onlineMultiAttachResize: world.behaviour.onlineMultiAttachResize,
    });
    disk.busy = 'Resizing';
    world.at(world.now() + world.delay('resize'), () => {
      for (const a of disk.attachments) {
        const key = mountKey(a.instanceId, disk.diskId);
        if (!world.guestSizes.has(key)) world.guestSizes.set(key, disk.size);
      }
      if (disk.fstype !== null && !world.fsSizes.has(disk.diskId)) world.fsSizes.set(disk.diskId, disk.size);
      disk.size = newSize;
      disk.busy = null;
    });
    return { OrderId: '' };
  });

export const diskActions: Record<string, ActionHandler> = {
  CreateDisk: createDisk,
  AttachDisk: attachDisk,
  DetachDisk: detachDisk,
  DeleteDisk: deleteDisk,
  ResizeDisk: resizeDisk,
};
