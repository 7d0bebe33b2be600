/**
 * The instances `/disk attach <disk>`'s picker offers: NVMe (type and image), in the disk's zone
 * (anywhere in the region for a Regional ESSD), Running, not attached to the disk yet. Slack asks
 * on every keystroke and wants an answer within 3 s, so one disk's list is read once (four
 * batched Describe calls) and kept for a few seconds; each keystroke only filters it.
 */
import type { DiskInfo, EcsGateway, InstanceInfo } from '../cloud/gateway.js';

/** Slack shows at most 100 options in a select menu. */
export const MAX_PICKER_OPTIONS = 100;
const CACHE_MS = 15_000;
const REGIONAL = 'cloud_regional_disk_auto';

export interface EligibleInstances {
  readonly disk: DiskInfo;
  /** Sorted by name, then id. */
  readonly instances: readonly InstanceInfo[];
}

/** Pure: keeps the instances whose name, id or type contains `query` (case-insensitive), at most `limit`. */
export function filterInstances(
  instances: readonly InstanceInfo[],
  query: string,
  limit = MAX_PICKER_OPTIONS,
): { shown: InstanceInfo[]; total: number } {
  const q = query.trim().toLowerCase();
  const matches = q
    ? instances.filter((i) =>
        [i.instanceName, i.instanceId, i.instanceType].some((s) => s.toLowerCase().includes(q)),
      )
    : [...instances];
  return { shown: matches.slice(0, limit), total: matches.length };
}

export class AttachPicker {
  private readonly cache = new Map<string, { at: number; value: Promise<EligibleInstances | undefined> }>();

  constructor(
    private readonly gateway: EcsGateway,
    readonly regionId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The disk and its eligible instances; undefined when the disk does not exist. */
  eligible(diskId: string): Promise<EligibleInstances | undefined> {
    const cached = this.cache.get(diskId);
    if (cached && this.now() - cached.at < CACHE_MS) return cached.value;
    const value = this.load(diskId);
    this.cache.set(diskId, { at: this.now(), value });
    // A failed read is not remembered: the next keystroke asks the cloud again.
    value.catch(() => this.cache.delete(diskId));
    for (const [key, entry] of this.cache) if (this.now() - entry.at >= CACHE_MS) this.cache.delete(key);
    return value;
  }

  private async load(diskId: string): Promise<EligibleInstances | undefined> {
    const [disk] = await this.gateway.describeDisks({ regionId: this.regionId, diskIds: [diskId] });
    if (!disk) return undefined;
    const zonal = disk.category !== REGIONAL && disk.zoneId;
    const running = await this.gateway.describeInstances({
      regionId: this.regionId,
      status: 'Running',
      ...(zonal ? { zoneId: disk.zoneId } : {}),
    });
    const attached = new Set(disk.attachments.map((a) => a.instanceId));
    const candidates = running.filter((i) => i.status === 'Running' && !attached.has(i.instanceId));
    const unique = (values: string[]) => [...new Set(values)].filter(Boolean);
    const [types, images] = await Promise.all([
      candidates.length > 0
        ? this.gateway.describeInstanceTypes(unique(candidates.map((i) => i.instanceType)))
        : [],
      candidates.length > 0
        ? this.gateway.describeImages({
            regionId: this.regionId,
            imageIds: unique(candidates.map((i) => i.imageId)),
          })
        : [],
    ]);
    const nvmeTypes = new Set(types.filter((t) => t.nvmeSupport === 'required').map((t) => t.instanceTypeId));
    const nvmeImages = new Set(images.filter((i) => i.nvmeSupport === 'supported').map((i) => i.imageId));
    const instances = candidates
      .filter((i) => nvmeTypes.has(i.instanceType) && nvmeImages.has(i.imageId))
      .sort(
        (a, b) => a.instanceName.localeCompare(b.instanceName) || a.instanceId.localeCompare(b.instanceId),
      );
    return { disk, instances };
  }
}
