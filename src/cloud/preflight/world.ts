import { loadLifecycleFacts } from '../../kinds/snapshot/facts.js';
import type { RequestKind } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import { describeFailure } from '../explain.js';
import type {
  DiskInfo,
  ImageInfo,
  InstanceInfo,
  InstanceTypeInfo,
  ReadGateway,
  SnapshotInfo,
} from '../gateway.js';
import { type FilesystemReadOptions, type FilesystemSnapshot, readFilesystem } from './guest-view.js';
import { type InitReadOptions, loadInitWorld, type Ocfs2Snapshot } from './init-world.js';
import { type GrowReading, NO_OCFS2, readGrowFacts } from './ocfs2-grow.js';

/** What preflight knows about the cloud, fetched once per evaluation by `loadWorld`. */
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
  /** Snapshot and delete: the disk's snapshots, newest first. */
  readonly snapshots?: readonly SnapshotInfo[];
}

/** The region's disks named like the one to create, or why they could not be listed. */
export type SameNameReading =
  | { readonly read: true; readonly diskIds: readonly string[] }
  | { readonly read: false; readonly why: string };

/**
 * One DescribeDisks filtered by DiskName. A failure is kept as a fact, not thrown: the duplicate-name
 * rule fails closed with its reason on the card instead of the whole preflight failing.
 */
async function readSameName(gateway: ReadGateway, p: ParamsOf['create']): Promise<SameNameReading> {
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

const distinct = (values: readonly string[]): string[] => [...new Set(values.filter((v) => v !== ''))];

interface Targets {
  readonly all: string[];
  readonly receiving: string[];
  /** Failover: the old primary, whose guest may be the one that hung (never waited for). */
  readonly source?: string;
}

/** Per kind, total: instance ids the request touches, and the ones that may receive the disk (cap census). */
const TARGETS: { readonly [K in RequestKind]: (params: ParamsOf[K]) => Targets } = {
  create: () => ({ all: [], receiving: [] }),
  attach: (p) => ({ all: distinct(p.instanceIds), receiving: distinct(p.instanceIds) }),
  detach: (p) => ({ all: distinct(p.instanceIds), receiving: [] }),
  failover: (p) => ({
    all: distinct([p.fromInstanceId, p.toInstanceId]),
    receiving: [p.toInstanceId],
    source: p.fromInstanceId,
  }),
  init: () => ({ all: [], receiving: [] }),
  unfreeze: () => ({ all: [], receiving: [] }),
  snapshot: () => ({ all: [], receiving: [] }),
  delete: () => ({ all: [], receiving: [] }),
};

const targetsOf = <K extends RequestKind>(kind: K, params: ParamsOf[K]): Targets => TARGETS[kind](params);

/**
 * Fetches everything the rules need with batched Describe calls, in two rounds: DescribeInstances
 * (one call for all instances) and, for detach, DescribeDisks by id; then DescribeInstanceTypes and
 * DescribeImages for the distinct types and images, and ONE DescribeDisks for the receiving
 * instances' zone, which finds the disk and counts every instance's data disks at once. Only when
 * the disk is not in that zone (a request that will be refused anyway) is it looked up by id.
 * @throws CloudError when the cloud cannot be read (the caller decides whether to retry).
 */
export async function loadWorld<K extends RequestKind>(
  gateway: ReadGateway,
  kind: K,
  params: ParamsOf[K],
  options: LoadWorldOptions,
): Promise<WorldSnapshot> {
  const zones = options.multiAttachZones ? { multiAttachZones: options.multiAttachZones } : {};
  const empty = { instances: new Map(), instanceTypes: new Map(), images: new Map(), dataDisks: new Map() };
  // A freeze lives in Redis: nothing in the cloud to read.
  if (kind === 'unfreeze') return { ...empty, ...zones };
  if (kind === 'create') {
    return { ...empty, ...zones, sameName: await readSameName(gateway, params as ParamsOf['create']) };
  }
  if (kind === 'init') {
    const init = await loadInitWorld(gateway, params as ParamsOf['init'], options.guests);
    return { ...empty, ...zones, ...init };
  }
  if (kind === 'snapshot')
    return {
      ...empty,
      ...zones,
      ...(await loadLifecycleFacts(gateway, params as ParamsOf['snapshot'], options.guests)),
    };
  if (kind === 'delete')
    return {
      ...empty,
      ...zones,
      ...(await loadLifecycleFacts(gateway, params as ParamsOf['delete'], undefined)),
    };
  const { diskId, regionId } = params as ParamsOf['attach' | 'detach' | 'failover'];
  const targets = targetsOf(kind, params);
  const byId = () => gateway.describeDisks({ regionId, diskIds: [diskId] });

  const [instanceList, detachDisks] = await Promise.all([
    gateway.describeInstances({ regionId, instanceIds: targets.all }),
    kind === 'detach' ? byId() : Promise.resolve(undefined),
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
  const filesystem = disk
    ? await inspectFor(gateway, kind, disk, targets, instances, regionId, options)
    : undefined;
  const ocfs2Grow =
    kind === 'attach' && disk && filesystem
      ? await growFacts(gateway, disk, targets.all, regionId, filesystem, options.guests)
      : undefined;
  return {
    ...(disk ? { disk } : {}),
    ...(filesystem ? { filesystem } : {}),
    ...(ocfs2Grow ? { ocfs2Grow } : {}),
    instances,
    instanceTypes: byKey(types, (t) => t.instanceTypeId),
    images: byKey(images, (i) => i.imageId),
    dataDisks,
    ...zones,
  };
}

/**
 * The inspection each guard needs; undefined for kinds without one, and when nothing is added or
 * leaves (the guards judge nothing then, so a step after the fan-out costs no Cloud Assistant call).
 */
async function inspectFor(
  gateway: ReadGateway,
  kind: RequestKind,
  disk: DiskInfo,
  targets: Targets,
  instances: ReadonlyMap<string, InstanceInfo>,
  regionId: string,
  world: LoadWorldOptions,
): Promise<FilesystemSnapshot | undefined> {
  const options = world.guests;
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  if (kind === 'attach') {
    if (targets.all.every((id) => attached.has(id))) return undefined;
    return readFilesystem(gateway, disk, regionId, options);
  }
  if (kind === 'failover') {
    if (!world.reservationView) return undefined;
    // The reservation, read by the other attached guests still Running: a hung source is not waited for.
    const readers = disk.attachments.filter(
      (a) => a.instanceId !== targets.source && instances.get(a.instanceId)?.status === 'Running',
    );
    return readers.length > 0
      ? readFilesystem(
          gateway,
          disk,
          regionId,
          options,
          readers.map((a) => a.instanceId),
        )
      : undefined;
  }
  if (kind !== 'detach' || !targets.all.some((id) => attached.has(id))) return undefined;
  const leaving = disk.attachments
    .map((a) => instances.get(a.instanceId))
    .filter((i): i is InstanceInfo => i !== undefined && i.status !== 'Stopped');
  return readFilesystem(
    gateway,
    disk,
    regionId,
    options,
    leaving.map((i) => i.instanceId),
  );
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
