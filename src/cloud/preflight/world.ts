import { describeFailure } from '../explain.js';
import type { DiskInfo, ImageInfo, InstanceInfo, InstanceTypeInfo, ReadGateway } from '../gateway.js';
import { type FilesystemReadOptions, type FilesystemSnapshot, readFilesystem } from './guest-view.js';
import type { InitReadOptions, Ocfs2Snapshot } from './init-world.js';
import { type GrowReading, NO_OCFS2, readGrowFacts } from './ocfs2-grow.js';

/** What preflight knows about the cloud, fetched once per moment by the kind's `facts`. */
export interface WorldSnapshot {
  /** The disk the request names; absent when the cloud does not know it (and for create). */
  readonly disk?: DiskInfo;
  readonly instances: ReadonlyMap<string, InstanceInfo>;
  readonly instanceTypes: ReadonlyMap<string, InstanceTypeInfo>;
  readonly images: ReadonlyMap<string, ImageInfo>;
  /**
   * Data disks attached to each instance that may receive the disk. ECS has no batched per-instance
   * count, so it is counted from one zone-wide DescribeDisks (the instances' zone) instead of one
   * call per instance; an instance missing here has an unknown count and the cap rule says so.
   */
  readonly dataDisks: ReadonlyMap<string, number>;
  /**
   * Zones known to offer multi-attach. The ECS API cannot tell (DescribeZones lists categories, not
   * multi-attach), so this is configuration; undefined = not configured, and the rule warns.
   */
  readonly multiAttachZones?: readonly string[];
  /**
   * When asked for, what the inspect script saw: attach — on every current attachment (the
   * file-system guard); detach — on every Running instance the disk leaves (the mount guard).
   */
  readonly filesystem?: FilesystemSnapshot;
  /** Init only, when asked for: what `ocfs2-probe` saw on every Running attached guest. */
  readonly ocfs2?: Ocfs2Snapshot;
  /** Attach, when asked for: probes for growing the cluster, or `no_ocfs2` when inspect saw none. */
  readonly ocfs2Grow?: GrowReading;
  /** Create: the disks of the region that already have the requested name (one DescribeDisks). */
  readonly sameName?: SameNameReading;
}

/** The region's disks named like the one to create, or why they could not be listed. */
export type SameNameReading =
  | { readonly read: true; readonly diskIds: readonly string[] }
  | { readonly read: false; readonly why: string };

/**
 * One DescribeDisks filtered by DiskName. A failure is kept as a fact, not thrown: the duplicate-name
 * rule fails closed with its reason on the card instead of the whole preflight failing.
 */
export async function readSameName(
  gateway: ReadGateway,
  p: { readonly regionId: string; readonly name: string },
): Promise<SameNameReading> {
  try {
    const disks = await gateway.describeDisks({ regionId: p.regionId, diskName: p.name });
    return { read: true, diskIds: disks.filter((d) => d.diskName === p.name).map((d) => d.diskId) };
  } catch (cause) {
    const failure = describeFailure(cause);
    return { read: false, why: `${failure.code}: ${failure.message}` };
  }
}

export interface LoadWorldOptions {
  /** Configuration (zones known to offer multi-attach), not a fact: see `WorldSnapshot`. */
  readonly multiAttachZones?: readonly string[];
  /**
   * How the guests are read through Cloud Assistant. Not optional: every guest fact a kind's rules
   * judge is always read (attach: the file system and OCFS2 slots; detach: the mounts; init: the
   * probe), so a rule never sees "not asked" where it would see "unknown".
   */
  readonly guests: FilesystemReadOptions;
  /**
   * Failover: read the reservation on the other attached guests, so the card says who holds the
   * disk (a fenced node never shows as holding it). Filing only: it words checks the re-checks do
   * not compare, and each read is a Cloud Assistant round trip on the failover's critical path.
   */
  readonly reservationView?: boolean;
}

const byKey = <T>(items: readonly T[], key: (item: T) => string): Map<string, T> =>
  new Map(items.map((item) => [key(item), item]));

/** Drops empty and repeated ids. */
export const distinct = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ''))];

/** The instances a request touches, and the ones that may receive the disk (cap census). */
export interface Targets {
  readonly all: string[];
  readonly receiving: string[];
  /** Failover: the old primary, whose guest may be the one that hung (never waited for). */
  readonly source?: string;
}

/** The world of a kind that reads no disk or instance (create, init and unfreeze add their own facts). */
export function emptyWorld(options: LoadWorldOptions): WorldSnapshot {
  return {
    instances: new Map(),
    instanceTypes: new Map(),
    images: new Map(),
    dataDisks: new Map(),
    ...(options.multiAttachZones ? { multiAttachZones: options.multiAttachZones } : {}),
  };
}

/** What a kind's guest reads get to work with: the disk as described and the instances it touches. */
export interface GuestReadInput {
  readonly gateway: ReadGateway;
  readonly disk: DiskInfo;
  readonly targets: Targets;
  readonly instances: ReadonlyMap<string, InstanceInfo>;
  readonly regionId: string;
  readonly options: LoadWorldOptions;
}

/** The guest facts a kind's rules judge, read through Cloud Assistant. */
export type GuestReading = Pick<WorldSnapshot, 'filesystem' | 'ocfs2Grow'>;

/** How a kind that names a disk and instances reads them (its `facts`, see `loadDiskWorld`). */
export interface DiskWorldReads {
  /** Describe the disk by id up front (detach: its instances need not be in the census zone). */
  readonly describeById: boolean;
  /** The guest reads of the kind's rules, run when the disk was found. */
  readonly guests: (input: GuestReadInput) => Promise<GuestReading>;
}

/**
 * Fetches everything the rules of a kind that names a disk and instances need, with batched
 * Describe calls, in two rounds: DescribeInstances (one call for all instances) and, when asked
 * for, DescribeDisks by id; then DescribeInstanceTypes and DescribeImages for the distinct types
 * and images, and ONE DescribeDisks for the receiving instances' zone, which finds the disk and
 * counts every instance's data disks at once. Only when the disk is not in that zone (a request
 * that will be refused anyway) is it looked up by id. Then the kind's guest reads.
 * @throws CloudError when the cloud cannot be read (the caller decides whether to retry).
 */
export async function loadDiskWorld(
  gateway: ReadGateway,
  named: { readonly diskId: string; readonly regionId: string },
  targets: Targets,
  options: LoadWorldOptions,
  reads: DiskWorldReads,
): Promise<WorldSnapshot> {
  const { diskId, regionId } = named;
  const byId = () => gateway.describeDisks({ regionId, diskIds: [diskId] });

  const [instanceList, detachDisks] = await Promise.all([
    gateway.describeInstances({ regionId, instanceIds: targets.all }),
    reads.describeById ? byId() : Promise.resolve(undefined),
  ]);
  const instances = byKey(instanceList, (i) => i.instanceId);
  const receiving = targets.receiving.flatMap((id) => instances.get(id) ?? []);
  const censusZones = distinct(receiving.map((i) => i.zoneId));
  const [types, images, census] = await Promise.all([
    gateway.describeInstanceTypes(distinct(receiving.map((i) => i.instanceType))),
    gateway.describeImages({ regionId, imageIds: distinct(receiving.map((i) => i.imageId)) }),
    Promise.all(censusZones.map((zoneId) => gateway.describeDisks({ regionId, zoneId, dataOnly: true }))),
  ]);
  const zoneDisks = census.flat();
  const dataDisks = new Map<string, number>();
  for (const zoneId of censusZones) {
    for (const i of receiving) if (i.zoneId === zoneId) dataDisks.set(i.instanceId, 0);
  }
  for (const d of zoneDisks) {
    for (const a of d.attachments) {
      const n = dataDisks.get(a.instanceId);
      if (n !== undefined) dataDisks.set(a.instanceId, n + 1);
    }
  }
  const disk =
    detachDisks?.[0] ??
    zoneDisks.find((d) => d.diskId === diskId) ??
    (detachDisks ? undefined : (await byId())[0]);
  const guests = disk ? await reads.guests({ gateway, disk, targets, instances, regionId, options }) : {};
  return {
    ...emptyWorld(options),
    ...(disk ? { disk } : {}),
    ...(guests.filesystem ? { filesystem: guests.filesystem } : {}),
    ...(guests.ocfs2Grow ? { ocfs2Grow: guests.ocfs2Grow } : {}),
    instances,
    instanceTypes: byKey(types, (t) => t.instanceTypeId),
    images: byKey(images, (i) => i.imageId),
    dataDisks,
  };
}

/**
 * Attach: the file system on every current attachment, and, when a current node shows OCFS2, the
 * probes for growing the cluster. Nothing when nothing is added (the guards judge nothing then, so
 * a step after the fan-out costs no Cloud Assistant call).
 */
export async function readAdding(input: GuestReadInput): Promise<GuestReading> {
  const { gateway, disk, targets, regionId, options } = input;
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  if (targets.all.every((id) => attached.has(id))) return {};
  const filesystem = await readFilesystem(gateway, disk, regionId, options.guests);
  const ocfs2Grow = await growFacts(gateway, disk, targets.all, regionId, filesystem, options.guests);
  return { filesystem, ocfs2Grow };
}

/** Detach: the mounts on every attached instance not Stopped, when any named instance has the disk. */
export async function readLeaving(input: GuestReadInput): Promise<GuestReading> {
  const { gateway, disk, targets, instances, regionId, options } = input;
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  if (!targets.all.some((id) => attached.has(id))) return {};
  const leaving = disk.attachments
    .map((a) => instances.get(a.instanceId))
    .filter((i): i is InstanceInfo => i !== undefined && i.status !== 'Stopped');
  const filesystem = await readFilesystem(
    gateway,
    disk,
    regionId,
    options.guests,
    leaving.map((i) => i.instanceId),
  );
  return { filesystem };
}

/**
 * Failover at filing (`reservationView`): the reservation, read by the other attached guests still
 * Running, so the card says who holds the disk. A hung source is not waited for.
 */
export async function readReservationView(input: GuestReadInput): Promise<GuestReading> {
  const { gateway, disk, targets, instances, regionId, options } = input;
  if (!options.reservationView) return {};
  const readers = disk.attachments.filter(
    (a) => a.instanceId !== targets.source && instances.get(a.instanceId)?.status === 'Running',
  );
  if (readers.length === 0) return {};
  const filesystem = await readFilesystem(
    gateway,
    disk,
    regionId,
    options.guests,
    readers.map((a) => a.instanceId),
  );
  return { filesystem };
}

/** Only when a current node shows OCFS2: probe current nodes and newcomers for growing the cluster. */
function growFacts(
  gateway: ReadGateway,
  disk: DiskInfo,
  adding: readonly string[],
  regionId: string,
  filesystem: FilesystemSnapshot,
  options: InitReadOptions,
): Promise<GrowReading> {
  const seen = filesystem.outcomes.flatMap((o) => (o.ok && o.value.fstype === 'ocfs2' ? [o.value] : []));
  if (seen.length === 0) return Promise.resolve(NO_OCFS2);
  const mountpoint = seen.flatMap((r) => r.mountpoints)[0] ?? null;
  const ids = [...disk.attachments.map((a) => a.instanceId), ...adding];
  return readGrowFacts(gateway, disk, ids, mountpoint, regionId, options);
}
