/**
 * `/disk status` and `/disk list` (read-only, no approval): one batched DescribeDisks, plus for
 * status the mount table read on the guests. A cloud failure is answered as data.
 */
import type { AssistantTiming } from '../cloud/assistant.js';
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway } from '../cloud/gateway.js';
import { type MountTable, readMounts } from '../cloud/mounts.js';
import type { CloudFailure, MountAlarm } from './ports.js';

export type DiskStatus =
  | { readonly ok: true; readonly disk: DiskInfo; readonly mounts: MountTable }
  | { readonly ok: false; readonly reason: 'no_disk'; readonly regionId: string }
  | { readonly ok: false; readonly reason: 'cloud_failed'; readonly failure: CloudFailure };

export type DiskListing =
  | { readonly ok: true; readonly regionId: string; readonly zoneId?: string; readonly disks: DiskInfo[] }
  | { readonly ok: false; readonly reason: 'cloud_failed'; readonly failure: CloudFailure };

export interface DiskQueryDeps {
  readonly gateway: EcsGateway;
  readonly defaultRegion: string;
  /** Cloud Assistant Timeout of the inspect script (a crashed guest costs this long). */
  readonly inspectTimeoutSec: number;
  readonly assistantTiming?: AssistantTiming;
  /** Raised when a single-node file system is mounted twice. */
  readonly alarm?: MountAlarm;
}

export class DiskQueries {
  constructor(private readonly deps: DiskQueryDeps) {}

  /** The disk, its attachments and who mounts it; raises the alarm in `channelId` on a double mount. */
  async status(diskId: string, channelId: string): Promise<DiskStatus> {
    const { deps } = this;
    try {
      const [disk] = await deps.gateway.describeDisks({ regionId: deps.defaultRegion, diskIds: [diskId] });
      if (!disk) return { ok: false, reason: 'no_disk', regionId: deps.defaultRegion };
      const mounts = await readMounts(deps.gateway, disk, {
        regionId: disk.regionId || deps.defaultRegion,
        timeoutSec: deps.inspectTimeoutSec,
        ...(deps.assistantTiming ? { timing: deps.assistantTiming } : {}),
      });
      if (mounts.alert)
        await deps.alarm?.raise({
          diskId: disk.diskId,
          alert: mounts.alert,
          channelId,
          names: { ...mounts.names, ...(disk.diskName ? { [disk.diskId]: disk.diskName } : {}) },
        });
      return { ok: true, disk, mounts };
    } catch (error) {
      return { ok: false, reason: 'cloud_failed', failure: describeFailure(error) };
    }
  }

  /** The multi-attach disks of a region (the bot's by default), optionally of one zone. */
  async list(where: { regionId?: string; zoneId?: string }): Promise<DiskListing> {
    const regionId = where.regionId ?? this.deps.defaultRegion;
    try {
      const disks = await this.deps.gateway.describeDisks({
        regionId,
        multiAttach: true,
        ...(where.zoneId ? { zoneId: where.zoneId } : {}),
      });
      return { ok: true, regionId, ...(where.zoneId ? { zoneId: where.zoneId } : {}), disks };
    } catch (error) {
      return { ok: false, reason: 'cloud_failed', failure: describeFailure(error) };
    }
  }
}
