/**
 * What `/disk init` preflight reads: the disk by id, its attached instances (DescribeInstances,
 * private IPs included) and the `ocfs2-probe` of every Running attached guest (one
 * RunCommand). No import of `world.ts` (that would close a cycle): init's `facts` spreads this in.
 */
import type { AssistantTiming, TargetOutcome } from '../assistant.js';
import type { DiskInfo, InstanceInfo, ReadGateway } from '../gateway.js';
import type { Ocfs2Probe } from '../ocfs2/reports.js';
import { probeOcfs2 } from '../ocfs2/run.js';

export interface Ocfs2Snapshot {
  readonly outcomes: readonly TargetOutcome<Ocfs2Probe>[];
}

export interface InitWorld {
  readonly disk?: DiskInfo;
  readonly instances: ReadonlyMap<string, InstanceInfo>;
  readonly ocfs2?: Ocfs2Snapshot;
}

export interface InitReadOptions {
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
}

export async function loadInitWorld(
  gateway: ReadGateway,
  params: { diskId: string; regionId: string; mountpoint: string; cluster: string },
  probe: InitReadOptions,
): Promise<InitWorld> {
  const { diskId, regionId } = params;
  const [disk] = await gateway.describeDisks({ regionId, diskIds: [diskId] });
  if (!disk) return { instances: new Map() };
  const ids = disk.attachments.map((a) => a.instanceId);
  const list = ids.length > 0 ? await gateway.describeInstances({ regionId, instanceIds: ids }) : [];
  const instances = new Map(list.map((i) => [i.instanceId, i]));
  const running = ids.filter((id) => instances.get(id)?.status === 'Running');
  const outcomes = await probeOcfs2(gateway, disk, running, params, {
    regionId,
    timeoutSec: probe.timeoutSec,
    ...(probe.timing ? { timing: probe.timing } : {}),
  });
  return { disk, instances, ocfs2: { outcomes } };
}
