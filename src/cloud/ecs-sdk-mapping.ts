/** Plain-data mapping of SDK response models for the ECS adapter (`ecs-sdk-gateway.ts`). */
import type * as models from '@alicloud/ecs20140526';
import type { DiskInfo, SnapshotInfo } from './gateway.js';

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const str = (value: unknown): string =>
  typeof value === 'string' ? value : value == null ? '' : String(value);

export function toDisk(disk: models.DescribeDisksResponseBodyDisksDisk): DiskInfo {
  return {
    diskId: str(disk.diskId),
    diskName: str(disk.diskName),
    regionId: str(disk.regionId),
    zoneId: str(disk.zoneId),
    category: str(disk.category),
    performanceLevel: str(disk.performanceLevel),
    sizeGiB: Number(disk.size ?? 0),
    status: str(disk.status),
    multiAttach: disk.multiAttach === 'Enabled',
    chargeType: str(disk.diskChargeType),
    serialNumber: str(disk.serialNumber),
    attachments: (disk.attachments?.attachment ?? []).map((a) => ({
      instanceId: str(a.instanceId),
      device: str(a.device),
      attachedTime: str(a.attachedTime),
    })),
    tags: Object.fromEntries((disk.tags?.tag ?? []).map((t) => [str(t.tagKey), str(t.tagValue)])),
    detachedTime: str(disk.detachedTime),
  };
}

export function toSnapshot(s: models.DescribeSnapshotsResponseBodySnapshotsSnapshot): SnapshotInfo {
  const percent = Number.parseInt(str(s.progress), 10);
  return {
    snapshotId: str(s.snapshotId),
    snapshotName: str(s.snapshotName),
    sourceDiskId: str(s.sourceDiskId),
    // ECS reports the source size as a string.
    sourceDiskSizeGiB: Number(s.sourceDiskSize ?? 0),
    status: str(s.status),
    progressPercent: Number.isFinite(percent) ? percent : 0,
    creationTime: str(s.creationTime),
    ...(typeof s.retentionDays === 'number' && s.retentionDays > 0 ? { retentionDays: s.retentionDays } : {}),
    tags: Object.fromEntries((s.tags?.tag ?? []).map((t) => [str(t.tagKey), str(t.tagValue)])),
  };
}
