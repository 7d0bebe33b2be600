/**
 * What the snapshot and delete rules judge, read once per moment: the disk, its snapshots and, for
 * a snapshot, what every attached guest that may be writing shows (inspect). Shared by both
 * kinds' `facts` (execution.ts).
 */
import type { DiskInfo, ReadGateway, SnapshotInfo } from '../../cloud/gateway.js';
import {
  type FilesystemReadOptions,
  type FilesystemSnapshot,
  readFilesystem,
} from '../../cloud/preflight/guest-view.js';

export interface LifecycleFacts {
  /** Absent when the cloud does not know the disk. */
  readonly disk?: DiskInfo;
  /** The disk's snapshots, newest first (DescribeSnapshots). */
  readonly snapshots?: readonly SnapshotInfo[];
  /** Snapshot only: inspect on every attached instance that is not Stopped (a Stopped one writes nothing). */
  readonly filesystem?: FilesystemSnapshot;
}

/**
 * One DescribeDisks and one DescribeSnapshots; with `guests`, DescribeInstances and one inspect
 * invocation on the attached instances that may be writing.
 * @throws CloudError when the cloud cannot be read (the caller decides whether to retry).
 */
export async function loadLifecycleFacts(
  gateway: ReadGateway,
  p: { readonly diskId: string; readonly regionId: string },
  guests: FilesystemReadOptions | undefined,
): Promise<LifecycleFacts> {
  const [[disk], snapshots] = await Promise.all([
    gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] }),
    gateway.describeSnapshots({ regionId: p.regionId, diskId: p.diskId }),
  ]);
  if (!disk) return { snapshots };
  if (!guests) return { disk, snapshots };
  const attached = disk.attachments.map((a) => a.instanceId);
  const instances =
    attached.length === 0
      ? []
      : await gateway.describeInstances({ regionId: p.regionId, instanceIds: attached });
  const stopped = new Set(instances.filter((i) => i.status === 'Stopped').map((i) => i.instanceId));
  const readers = attached.filter((id) => !stopped.has(id));
  const filesystem =
    readers.length === 0
      ? { outcomes: [] }
      : await readFilesystem(gateway, disk, p.regionId, guests, readers);
  return { disk, snapshots, filesystem };
}

/** ECS refuses a snapshot of a disk that was never attached: it holds no data. */
export const neverAttached = (disk: DiskInfo): boolean => disk.attachments.length === 0 && !disk.detachedTime;
