/**
 * The disk rules of ECS as pure checks over plain data (docs/multi-attach-facts.md). Each throws the
 * EcsError the real API answers with; the order of the checks is the order the emulator reports them.
 */
import { EcsError } from './errors.js';
import type { Disk, ImageSpec, Instance, InstanceTypeSpec, Zone } from './world.js';

export const MAX_MULTI_ATTACH = 16;
export const MULTI_ATTACH_CATEGORIES: readonly string[] = [
  'cloud_essd',
  'cloud_auto',
  'cloud_regional_disk_auto',
];
export const PERFORMANCE_LEVELS = ['PL0', 'PL1', 'PL2', 'PL3'] as const;

/** GiB ranges; ESSD depends on the performance level, the other categories do not. */
const SIZE_RANGES: Record<string, { min: number; max: number }> = {
  'cloud_essd:PL0': { min: 1, max: 65536 },
  'cloud_essd:PL1': { min: 20, max: 65536 },
  'cloud_essd:PL2': { min: 461, max: 65536 },
  'cloud_essd:PL3': { min: 1261, max: 65536 },
  cloud_auto: { min: 1, max: 65536 },
  cloud_regional_disk_auto: { min: 10, max: 65536 },
  cloud_essd_entry: { min: 10, max: 32768 },
  cloud_efficiency: { min: 20, max: 32768 },
  cloud_ssd: { min: 20, max: 32768 },
  cloud: { min: 5, max: 2000 },
};

export const KNOWN_CATEGORIES: readonly string[] = [
  ...new Set(Object.keys(SIZE_RANGES).map((k) => k.split(':')[0] ?? k)),
];

/** Regional disks span the region: no ZoneId, and no same-zone or zone-support check. */
export const isRegional = (category: string): boolean => category === 'cloud_regional_disk_auto';

export function sizeRange(
  category: string,
  performanceLevel: string,
): { min: number; max: number } | undefined {
  return SIZE_RANGES[category === 'cloud_essd' ? `${category}:${performanceLevel}` : category];
}

export function checkDiskSize(category: string, performanceLevel: string, size: number): void {
  const range = sizeRange(category, performanceLevel);
  if (!range || size < range.min || size > range.max) {
    const pl = category === 'cloud_essd' ? ` ${performanceLevel}` : '';
    throw new EcsError(
      'InvalidDiskSize.NotSupported',
      `The specified disk size ${size} GiB is not supported for ${category}${pl} (allowed ${range?.min}-${range?.max} GiB).`,
    );
  }
}

export interface CreateDiskInput {
  category: string;
  performanceLevel: string;
  size: number;
  multiAttach: 'Enabled' | 'Disabled';
  instanceId: string | undefined;
  /** Absent for a regional disk. */
  zone: Zone | undefined;
}

export function checkCreateDisk(input: CreateDiskInput): void {
  if (!KNOWN_CATEGORIES.includes(input.category)) throw new EcsError('InvalidDiskCategory.NotSupported');
  if (input.zone && !isRegional(input.category) && !input.zone.diskCategories.includes(input.category)) {
    throw new EcsError(
      'InvalidDiskCategory.NotSupported',
      `The disk category ${input.category} is not offered in zone ${input.zone.zoneId}.`,
    );
  }
  if (input.multiAttach === 'Enabled') {
    if (input.instanceId !== undefined)
      throw new EcsError('InvalidParameter.MultiAttachAndInstanceIdConflict');
    if (!MULTI_ATTACH_CATEGORIES.includes(input.category)) {
      throw new EcsError('InvalidParameter.DiskCategoryAndMultiAttachNotMatch');
    }
    if (input.zone && !input.zone.multiAttach)
      throw new EcsError('OperationDenied.ZoneNotSupportMultiAttachDisk');
  }
  checkDiskSize(input.category, input.performanceLevel, input.size);
}

export interface AttachInput {
  disk: Disk;
  instance: Instance;
  type: InstanceTypeSpec;
  image: ImageSpec | undefined;
  /** Data disks on the instance, attached or attaching. */
  instanceDataDisks: number;
  deleteWithInstance: boolean;
  bootable: boolean;
}

export function checkAttach(a: AttachInput): void {
  const { disk, instance } = a;
  const multi = disk.multiAttach === 'Enabled';
  if (multi && a.bootable) throw new EcsError('InvalidOperation.CanNotAttachMultiAttachDiskAsSystemDisk');
  if (multi && a.deleteWithInstance) throw new EcsError('DeleteWithInstance.Conflict');
  if (!isRegional(disk.category) && disk.zoneId !== instance.zoneId)
    throw new EcsError('ResourcesNotInSameZone');
  if (instance.status !== 'Running' && instance.status !== 'Stopped') {
    throw new EcsError(
      'IncorrectInstanceStatus',
      `The instance is ${instance.status}; it must be Running or Stopped.`,
    );
  }
  if (disk.busy) throw new EcsError('IncorrectDiskStatus');
  const pending = disk.pending.get(instance.instanceId);
  if (pending?.op === 'detach')
    throw new EcsError('IncorrectDiskStatus', 'The disk is detaching from this instance.');
  if (pending || disk.attachments.some((x) => x.instanceId === instance.instanceId)) {
    throw new EcsError(
      'InvalidDisk.InUse',
      'The specified disk is already attached (or attaching) to this instance.',
    );
  }
  if (!multi && (disk.attachments.length > 0 || disk.pending.size > 0)) {
    throw new EcsError(
      'IncorrectDiskStatus',
      'The current status of the disk does not support this operation. The expected disk status is Available.',
    );
  }
  if (multi) {
    if (a.type.nvmeSupport !== 'required')
      throw new EcsError('InvalidInstanceType.NotSupportMultiAttachDisk');
    if (a.image?.nvmeSupport !== 'supported') throw new EcsError('InvalidImage.NvmeUnsupported');
    const taken =
      disk.attachments.length + [...disk.pending.values()].filter((p) => p.op === 'attach').length;
    if (taken >= MAX_MULTI_ATTACH) throw new EcsError('DiskAttachedNumberExceeded');
  }
  if (a.instanceDataDisks + 1 >= a.type.diskQuantity) throw new EcsError('InstanceDiskLimitExceeded');
}

export function checkDetach(disk: Disk, instance: Instance): void {
  if (instance.status !== 'Running' && instance.status !== 'Stopped') {
    throw new EcsError(
      'IncorrectInstanceStatus',
      `The instance is ${instance.status}; it must be Running or Stopped.`,
      {
        status: 403,
      },
    );
  }
  if (disk.busy) throw new EcsError('IncorrectDiskStatus');
  const pending = disk.pending.get(instance.instanceId);
  if (pending)
    throw new EcsError('IncorrectDiskStatus', `The disk is already ${pending.op}ing on this instance.`);
  if (disk.attachments.some((x) => x.instanceId === instance.instanceId)) return;
  if (disk.attachments.length === 0 && disk.pending.size === 0)
    throw new EcsError('InvalidDisk.AlreadyDetached');
  throw new EcsError('DependencyViolation');
}

const EXPECTED_AVAILABLE =
  'The current status of the disk does not support this operation. The expected disk status is Available.';

/** DeleteDisk: only an `Available` disk (detached everywhere), and not while a snapshot is being made. */
export function checkDelete(disk: Disk, snapshotInProgress: boolean): void {
  if (disk.attachments.length > 0 || disk.pending.size > 0 || disk.busy) {
    throw new EcsError('IncorrectDiskStatus', EXPECTED_AVAILABLE);
  }
  if (snapshotInProgress) throw new EcsError('DiskCreatingSnapshot');
}

export interface ResizeInput {
  disk: Disk;
  newSize: number;
  type: 'offline' | 'online';
  /** The status of every attached instance. */
  attachedStatuses: readonly string[];
  snapshotInProgress: boolean;
  /** False plays the 2021 API, where a multi-attach disk resized offline only. */
  onlineMultiAttachResize: boolean;
}

/**
 * ResizeDisk (multi-attach-facts.md): online with every attached instance Running, offline with
 * every attached instance Stopped (a single-attach disk accepts either status), never while a
 * snapshot of the disk is being made; the new size larger than now and within the category range.
 */
export function checkResize(r: ResizeInput): void {
  const { disk } = r;
  if (disk.busy || disk.pending.size > 0) throw new EcsError('IncorrectDiskStatus');
  if (r.snapshotInProgress) throw new EcsError('DiskCreatingSnapshot');
  const multi = disk.multiAttach === 'Enabled';
  if (
    multi &&
    !r.onlineMultiAttachResize &&
    (r.type === 'online' || r.attachedStatuses.some((s) => s !== 'Stopped'))
  ) {
    throw new EcsError('InvalidOperation.MultiAttachDiskNotSupportResizeOnline');
  }
  const wanted = multi ? (r.type === 'online' ? 'Running' : 'Stopped') : undefined;
  const wrong = r.attachedStatuses.find((s) => (wanted ? s !== wanted : s !== 'Running' && s !== 'Stopped'));
  if (wrong !== undefined) {
    throw new EcsError(
      'IncorrectInstanceStatus',
      `An attached instance is ${wrong}; ${wanted ? `a multi-attach disk resizes ${r.type} with every attached instance ${wanted}` : 'it must be Running or Stopped'}.`,
      { status: 403 },
    );
  }
  if (r.newSize <= disk.size) throw new EcsError('InvalidDiskSize.TooSmall');
  checkDiskSize(disk.category, disk.performanceLevel, r.newSize);
}

export const MAX_MANUAL_SNAPSHOTS = 256;

export interface SnapshotInput {
  disk: Disk;
  name: string | undefined;
  retentionDays: number | undefined;
  manualSnapshots: number;
  snapshotInProgress: boolean;
}

/** CreateSnapshot (lifecycle-accounts-steps-facts.md): name, retention, the disk's state and the quotas. */
export function checkSnapshot(s: SnapshotInput): void {
  if (
    s.name !== undefined &&
    (s.name.length < 2 || s.name.length > 128 || /^(auto|https?:\/\/)/i.test(s.name))
  ) {
    throw new EcsError('InvalidSnapshotName.Malformed');
  }
  if (s.retentionDays !== undefined && (s.retentionDays < 1 || s.retentionDays > 65536)) {
    throw new EcsError('InvalidRetentionDays.Malformed');
  }
  const { disk } = s;
  if (disk.busy === 'Creating' || disk.busy === 'Deleting') throw new EcsError('IncorrectDiskStatus');
  if (disk.attachments.length === 0 && disk.detachedTime === null) {
    throw new EcsError(
      'IncorrectDiskStatus',
      'A disk that was never attached to an instance holds no data to snapshot.',
    );
  }
  if (s.snapshotInProgress) throw new EcsError('DiskCreatingSnapshot');
  if (s.manualSnapshots >= MAX_MANUAL_SNAPSHOTS) throw new EcsError('QuotaExceed.Snapshot');
}
