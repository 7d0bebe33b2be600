/** DescribeDisks: filters, both paging styles, and the disk model exactly as the SDK casts it. */
import { invalid } from '../errors.js';
import { type Disk, diskStatus, iso, serialOf, type World } from '../world.js';
import { type ActionHandler, paginate, requireRegion } from './common.js';

/** Baseline IOPS by category and level: the public formulas, capped per level. */
function iops(disk: Disk): number {
  const per: Record<string, [number, number]> = {
    'cloud_essd:PL0': [12, 10000],
    'cloud_essd:PL1': [50, 50000],
    'cloud_essd:PL2': [50, 100000],
    'cloud_essd:PL3': [50, 1000000],
    cloud_auto: [50, 50000],
    cloud_regional_disk_auto: [50, 50000],
    cloud_essd_entry: [30, 6000],
    cloud_efficiency: [8, 5000],
    cloud_ssd: [30, 25000],
  };
  const [perGiB, cap] = per[
    disk.category === 'cloud_essd' ? `cloud_essd:${disk.performanceLevel}` : disk.category
  ] ?? [0, 300];
  return Math.min(1800 + perGiB * disk.size, cap);
}

/** The wire shape of one disk; a multi-attach disk leaves the top-level InstanceId/Device empty. */
function diskView(disk: Disk, world: World): Record<string, unknown> {
  const single = disk.multiAttach === 'Disabled' ? disk.attachments[0] : undefined;
  return {
    DiskId: disk.diskId,
    DiskName: disk.diskName,
    Description: disk.description,
    RegionId: world.regionId,
    ZoneId: disk.zoneId,
    Category: disk.category,
    PerformanceLevel: disk.performanceLevel,
    Size: disk.size,
    Status: diskStatus(disk),
    Type: 'data',
    Portable: true,
    Encrypted: false,
    KMSKeyId: '',
    DeleteWithInstance: disk.deleteWithInstance,
    DeleteAutoSnapshot: true,
    EnableAutoSnapshot: false,
    EnableAutomatedSnapshotPolicy: false,
    AutoSnapshotPolicyId: '',
    DiskChargeType: 'PostPaid',
    MultiAttach: disk.multiAttach,
    SerialNumber: serialOf(disk.diskId),
    CreationTime: iso(disk.creationTime),
    InstanceId: single?.instanceId ?? '',
    Device: single?.device ?? '',
    AttachedTime: single ? iso(single.attachedTime) : '',
    DetachedTime: disk.detachedTime === null ? '' : iso(disk.detachedTime),
    ExpiredTime: '2999-09-08T16:00Z',
    ImageId: '',
    SourceSnapshotId: '',
    ProductCode: '',
    ResourceGroupId: '',
    StorageSetId: '',
    BdfId: '',
    IOPS: iops(disk),
    BurstingEnabled: false,
    Attachments: {
      Attachment: disk.attachments.map((a) => ({
        InstanceId: a.instanceId,
        Device: a.device,
        AttachedTime: iso(a.attachedTime),
      })),
    },
    Tags: { Tag: disk.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) },
    OperationLocks: { OperationLock: [] },
    MountInstances: { MountInstance: [] },
    MountInstanceNum: 0,
    Placement: { ZoneIds: disk.zoneId },
  };
}

const STATUSES = ['Creating', 'Available', 'Attaching', 'In_use', 'Detaching', 'ReIniting', 'All'] as const;

const describeDisks: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { params: p, world } = ctx;
  const ids = p.jsonStrings('DiskIds');
  const name = p.str('DiskName');
  const zoneId = p.str('ZoneId');
  const status = p.oneOf('Status', STATUSES, 'All');
  const multiAttach = p.oneOf('MultiAttach', ['Enabled', 'Disabled', 'LegacyShared', 'All'] as const, 'All');
  const category = p.str('Category');
  const instanceId = p.str('InstanceId');
  const diskType = p.oneOf('DiskType', ['all', 'system', 'data'] as const, 'all');
  const tags = p.objects('Tag');
  if (tags.some((t) => !t.Key)) throw invalid('Tag.N.Key', 'a tag filter needs a key');
  const matches = [...world.disks.values()].filter(
    (d) =>
      (ids === undefined || ids.includes(d.diskId)) &&
      (name === undefined || d.diskName === name) &&
      (zoneId === undefined || d.zoneId === zoneId) &&
      (status === 'All' || diskStatus(d) === status) &&
      (multiAttach === 'All' || d.multiAttach === multiAttach) &&
      (category === undefined || category === 'all' || d.category === category) &&
      (instanceId === undefined || d.attachments.some((a) => a.instanceId === instanceId)) &&
      diskType !== 'system' &&
      tags.every((t) =>
        d.tags.some((x) => x.key === t.Key && (t.Value === undefined || x.value === t.Value)),
      ),
  );
  const page = paginate(matches, p, { defaultSize: 10, maxPageSize: 100, maxResults: 500 });
  return { ...page.meta, Disks: { Disk: page.items.map((d) => diskView(d, world)) } };
};

export const describeDiskActions: Record<string, ActionHandler> = { DescribeDisks: describeDisks };
