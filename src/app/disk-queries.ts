/**
 * `/disk status` and `/disk list` (read-only, no approval): one batched DescribeDisks, plus for
 * status the mount table read on the guests and the size each guest sees (the `rescan` report,
 * alongside it), so a node that missed a resize shows. A cloud failure is answered as data.
 */
import type { AssistantTiming } from '../cloud/assistant.js';
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway, SnapshotInfo } from '../cloud/gateway.js';
import { type MountTable, readMounts } from '../cloud/mounts.js';
import { type RescanVerdict, verifySeenSizes } from '../cloud/preflight/rescan-verify.js';
import type { CloudFailure, MountAlarm } from './ports.js';

/** The disk's newest snapshots and how many there are, or why they could not be listed. */
export type SnapshotListing =
  | { readonly read: true; readonly total: number; readonly latest: readonly SnapshotInfo[] }
  | { readonly read: false; readonly why: string };

/** How many of the newest snapshots status returns (Slack's section limit bounds the reply). */
const LATEST_SNAPSHOTS = 5;

export type DiskStatus =
  | {
      readonly ok: true;
      readonly disk: DiskInfo;
      readonly mounts: MountTable;
      /** The size each attached guest sees next to the disk's; absent when attached nowhere. */
      readonly sizes?: RescanVerdict;
      readonly snapshots: SnapshotListing;
    }
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
      const regionId = disk.regionId || deps.defaultRegion;
      const guests = {
        regionId,
        timeoutSec: deps.inspectTimeoutSec,
        ...(deps.assistantTiming ? { timing: deps.assistantTiming } : {}),
      };
      const [mounts, snapshots] = await Promise.all([
        readMounts(deps.gateway, disk, guests),
        this.snapshots(regionId, disk.diskId),
      ]);
      const sizes = disk.attachments.length > 0 ? verifySeenSizes(disk.sizeGiB, mounts.rows) : undefined;
      if (mounts.alert)
        await deps.alarm?.raise({
          diskId: disk.diskId,
          alert: mounts.alert,
          channelId,
          names: { ...mounts.names, ...(disk.diskName ? { [disk.diskId]: disk.diskName } : {}) },
        });
      return { ok: true, disk, mounts, snapshots, ...(sizes ? { sizes } : {}) };
    } catch (error) {
      return { ok: false, reason: 'cloud_failed', failure: describeFailure(error) };
    }
  }

  /** A failure to list snapshots is shown in place of them; it does not fail the status. */
  private async snapshots(regionId: string, diskId: string): Promise<SnapshotListing> {
    try {
      const all = await this.deps.gateway.describeSnapshots({ regionId, diskId });
      return { read: true, total: all.length, latest: all.slice(0, LATEST_SNAPSHOTS) };
    } catch (error) {
      const { code, message } = describeFailure(error);
      return { read: false, why: `${code}: ${message}` };
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
