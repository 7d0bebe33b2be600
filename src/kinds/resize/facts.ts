/**
 * What the resize rules judge, read once per moment (filing, CreateSnapshot, ResizeDisk, fs-grow):
 * the disk, its attached instances, its snapshots, and on every Running attached guest what is on
 * the disk (inspect: file system and mounts; ocfs2-probe: the signatures, which show a partition
 * table). The guests of an offline resize are read once the disk has its new size (they run then).
 * No import of `preflight/world.ts` or the rules: `loadWorld` spreads this in.
 */
import type { DiskInfo, InstanceInfo, ReadGateway } from '../../cloud/gateway.js';
import { inspectDisk } from '../../cloud/mounts.js';
import { probeOcfs2 } from '../../cloud/ocfs2/run.js';
import type { InitReadOptions } from '../../cloud/preflight/init-world.js';
import type { ResizeReading } from '../../cloud/preflight/world.js';
import { clusterNameFor } from '../../workflow/ocfs2-cluster.js';
import type { ResizeParams } from './params.js';

export interface ResizeWorld {
  readonly disk?: DiskInfo;
  readonly instances: ReadonlyMap<string, InstanceInfo>;
  readonly resize?: ResizeReading;
}

/** Whether this moment reads the guests: always, except an offline resize before its ResizeDisk. */
export const readsGuests = (p: ResizeParams, disk: DiskInfo): boolean =>
  !p.offline || p.afterResize || disk.sizeGiB >= p.sizeGiB;

export async function loadResizeWorld(
  gateway: ReadGateway,
  p: ResizeParams,
  options: InitReadOptions,
): Promise<ResizeWorld> {
  const { diskId, regionId } = p;
  const [disk] = await gateway.describeDisks({ regionId, diskIds: [diskId] });
  if (!disk) return { instances: new Map() };
  const ids = disk.attachments.map((a) => a.instanceId);
  const [list, snapshots] = await Promise.all([
    ids.length > 0 ? gateway.describeInstances({ regionId, instanceIds: ids }) : Promise.resolve([]),
    gateway.describeSnapshots({ regionId, diskId }),
  ]);
  const instances = new Map(list.map((i) => [i.instanceId, i]));
  const running = ids.filter((id) => instances.get(id)?.status === 'Running');
  if (!readsGuests(p, disk)) return { disk, instances, resize: { snapshots } };
  if (running.length === 0)
    return { disk, instances, resize: { snapshots, guests: { inspect: [], probe: [] } } };
  const assistant = {
    regionId,
    timeoutSec: options.timeoutSec,
    ...(options.timing ? { timing: options.timing } : {}),
  };
  const inspect = await inspectDisk(gateway, disk, running, assistant);
  const mountpoint = inspect.flatMap((o) => (o.ok ? o.value.mountpoints : []))[0] ?? '/mnt';
  const probe = await probeOcfs2(
    gateway,
    disk,
    running,
    { mountpoint, cluster: clusterNameFor(diskId) },
    assistant,
  );
  return { disk, instances, resize: { snapshots, guests: { inspect, probe } } };
}
