/**
 * The emulated cloud's state. Slow operations never block a response: they are scheduled as events
 * with a due time, and `settle()` applies every due event in time order before each request reads or
 * changes state. Nothing runs on a timer, so an idle emulator does no work and a fake clock drives
 * transitions deterministically.
 */
import { createHash } from 'node:crypto';

export const LATENCY_KINDS = [
  'create',
  'attach',
  'detach',
  'delete',
  'resize',
  'snapshot',
  'start',
  'stop',
  'command',
] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];
export interface LatencySpec {
  baseMs: number;
  jitterMs: number;
}
export type LatencyConfig = Record<LatencyKind, LatencySpec>;

export const DEFAULT_LATENCY: LatencyConfig = {
  create: { baseMs: 200, jitterMs: 300 },
  snapshot: { baseMs: 300, jitterMs: 300 },
  attach: { baseMs: 200, jitterMs: 300 },
  detach: { baseMs: 200, jitterMs: 300 },
  delete: { baseMs: 0, jitterMs: 0 },
  resize: { baseMs: 200, jitterMs: 300 },
  start: { baseMs: 300, jitterMs: 300 },
  stop: { baseMs: 300, jitterMs: 300 },
  command: { baseMs: 200, jitterMs: 300 },
};

export interface Timing {
  now(): number;
  /** In [0, 1); drives jitter and fault draws so tests can pin both. */
  random(): number;
  latency: LatencyConfig;
}

export interface Zone {
  zoneId: string;
  localName: string;
  multiAttach: boolean;
  diskCategories: string[];
  instanceTypes: string[];
}

export interface InstanceTypeSpec {
  instanceTypeId: string;
  family: string;
  cpuCoreCount: number;
  memoryGiB: number;
  /** Cloud disks per instance, the system disk included (so data disks ≤ DiskQuantity − 1). */
  diskQuantity: number;
  nvmeSupport: 'required' | 'unsupported';
}

export interface ImageSpec {
  imageId: string;
  imageName: string;
  osName: string;
  nvmeSupport: 'supported' | 'unsupported';
}

export type InstanceStatus = 'Running' | 'Stopped' | 'Starting' | 'Stopping';

export interface Instance {
  instanceId: string;
  instanceName: string;
  zoneId: string;
  instanceType: string;
  imageId: string;
  status: InstanceStatus;
  /** Hung guest: the API still says Running but Cloud Assistant never answers. */
  crashed: boolean;
  creationTime: number;
  privateIp: string;
  /** Bumped on every status change so a stale scheduled transition can tell it was superseded. */
  generation: number;
  /** What RAM tag conditions (`ecs:tag/<key>`) see; set by the seed or the admin API. */
  tags?: { key: string; value: string }[];
}

export interface Attachment {
  instanceId: string;
  /** What the ECS API reports (`/dev/xvdb`); the guest sees `hostDevice` instead. */
  device: string;
  /** What the guest sees (`/dev/nvme1n1`); the bot finds it by serial, as on a real host. */
  hostDevice: string;
  attachedTime: number;
}

export interface PendingOp {
  op: 'attach' | 'detach';
  token: number;
  device: string;
  hostDevice: string;
}

export interface Disk {
  diskId: string;
  diskName: string;
  description: string;
  zoneId: string;
  category: string;
  performanceLevel: string;
  size: number;
  multiAttach: 'Enabled' | 'Disabled';
  /** A slow operation in flight on the whole disk; any other operation meanwhile is IncorrectDiskStatus. */
  busy: 'Creating' | 'Resizing' | 'Deleting' | null;
  attachments: Attachment[];
  pending: Map<string, PendingOp>;
  deleteWithInstance: boolean;
  tags: { key: string; value: string }[];
  creationTime: number;
  detachedTime: number | null;
  /** Written by a format on any host, so every host of a shared disk sees it. */
  fstype: string | null;
}

export interface Mount {
  mountpoints: string[];
  readOnly: boolean;
}

export interface Reservation {
  /** instanceId → registered key. */
  registrants: Map<string, string>;
  holder: string | null;
}

export type InvocationStatus = 'Pending' | 'Running' | 'Success' | 'Failed' | 'Timeout';

export interface InvocationTarget {
  instanceId: string;
  status: InvocationStatus;
  exitCode: number | null;
  output: string;
  dropped: number;
  errorCode: string;
  errorInfo: string;
  startTime: number | null;
  finishTime: number | null;
  updateTime: number;
}

export interface Invocation {
  invokeId: string;
  commandId: string;
  name: string;
  /** The script as Base64, as DescribeInvocations reports it. */
  commandContent: string;
  parameters: Record<string, string> | null;
  timeoutSec: number;
  creationTime: number;
  targets: InvocationTarget[];
}

export type SnapshotStatus = 'progressing' | 'accomplished' | 'failed';

export interface Snapshot {
  snapshotId: string;
  snapshotName: string;
  description: string;
  sourceDiskId: string;
  sourceDiskSize: number;
  sourceDiskCategory: string;
  status: SnapshotStatus;
  creationTime: number;
  /** When it turns `accomplished`; Progress grows linearly up to then. */
  doneAt: number;
  retentionDays: number | null;
  tags: { key: string; value: string }[];
}

/**
 * How this emulated region answers: `onlineMultiAttachResize: false` plays a region still on the
 * 2021 API, where a multi-attach disk resizes only offline. Configuration: a world reset keeps it.
 */
export interface RegionBehaviour {
  onlineMultiAttachResize: boolean;
}

interface ScheduledEvent {
  at: number;
  seq: number;
  run: () => void;
}

/** Real ECS ids are a region prefix plus lower-case alphanumerics; hashing a name keeps them stable. */
export function stableId(prefix: string, name: string): string {
  return `${prefix}${createHash('sha256').update(name).digest('hex').slice(0, 17)}`;
}

export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class World {
  readonly regionId = 'cn-hangzhou';
  readonly zones = new Map<string, Zone>();
  readonly instanceTypes = new Map<string, InstanceTypeSpec>();
  readonly images = new Map<string, ImageSpec>();
  readonly instances = new Map<string, Instance>();
  readonly disks = new Map<string, Disk>();
  /** Keyed by `mountKey(instanceId, diskId)`. */
  readonly mounts = new Map<string, Mount>();
  readonly reservations = new Map<string, Reservation>();
  readonly invocations = new Map<string, Invocation>();
  readonly snapshots = new Map<string, Snapshot>();
  /**
   * The size a guest sees, keyed by `mountKey(instanceId, diskId)`, only while it differs from the
   * disk's: an online resize leaves every guest on the old size until a rescan (or a boot).
   */
  readonly guestSizes = new Map<string, number>();
  /** Instances whose NVMe controller ignores a rescan until they reboot (admin `stale-size`). */
  readonly staleSize = new Set<string>();
  /** The file system's size per disk, only while it is smaller than the disk (grown by `fs-grow`). */
  readonly fsSizes = new Map<string, number>();
  /** `${action}\n${ClientToken}` → the first call's parameters and answer. */
  readonly idempotency = new Map<string, { fingerprint: string; body: Record<string, unknown> }>();
  private events: ScheduledEvent[] = [];
  private seq = 0;
  private tokens = 0;
  private counters = new Map<string, number>();

  /** `idNamespace` keeps the ids of new resources distinct between the worlds of several accounts. */
  constructor(
    readonly timing: Timing,
    readonly behaviour: RegionBehaviour = { onlineMultiAttachResize: true },
    private readonly idNamespace = '',
  ) {}

  now(): number {
    return this.timing.now();
  }

  delay(kind: LatencyKind): number {
    const { baseMs, jitterMs } = this.timing.latency[kind];
    return Math.max(0, baseMs + Math.floor(this.timing.random() * jitterMs));
  }

  /** Runs `run` once the clock reaches `at`, at the first request from then on. */
  at(at: number, run: () => void): void {
    this.events.push({ at, seq: this.seq++, run });
  }

  /**
   * Applies every due event in (time, sequence) order, including events the due ones schedule in
   * the past. The due events are split off and sorted once, so thousands of invocation targets
   * (`--seed large`) settle in O(n log n) rather than O(n²).
   */
  settle(): void {
    const now = this.now();
    const order = (a: ScheduledEvent, b: ScheduledEvent) => a.at - b.at || a.seq - b.seq;
    const due = this.events.filter((e) => e.at <= now).sort(order);
    if (due.length === 0) return;
    this.events = this.events.filter((e) => e.at > now);
    for (let i = 0; i < due.length; i++) {
      const before = this.events.length;
      due[i]?.run();
      if (this.events.length === before) continue;
      const added = this.events.splice(before);
      const late = added.filter((e) => e.at <= now);
      this.events.push(...added.filter((e) => e.at > now));
      if (late.length > 0) due.splice(i + 1, due.length, ...[...due.slice(i + 1), ...late].sort(order));
    }
  }

  /** Identifies one scheduled operation, so its completion can tell whether it was superseded. */
  token(): number {
    this.tokens += 1;
    return this.tokens;
  }

  /** Deterministic per world, so a reset emulator hands out the same ids in the same order. */
  nextId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return stableId(prefix, `${this.idNamespace}${prefix}${n}`);
  }
}

export const mountKey = (instanceId: string, diskId: string): string => `${instanceId}/${diskId}`;

/** ECS shows one status per disk; for a multi-attach disk a detach in flight wins over an attach. */
export function diskStatus(disk: Disk): string {
  if (disk.busy === 'Creating') return 'Creating';
  const ops = [...disk.pending.values()].map((p) => p.op);
  if (ops.includes('detach')) return 'Detaching';
  if (ops.includes('attach')) return 'Attaching';
  return disk.attachments.length > 0 ? 'In_use' : 'Available';
}

/** Real ECS falls back to the disk id without `d-` when a disk has no other serial. */
export const serialOf = (diskId: string): string => diskId.replace(/^d-/, '');

/** What the guest of `instanceId` sees of the disk: its size unless it missed a resize. */
export const guestSize = (world: World, instanceId: string, disk: Disk): number =>
  world.guestSizes.get(mountKey(instanceId, disk.diskId)) ?? disk.size;

/** The disk's file system size, or null without one. */
export const fsSize = (world: World, disk: Disk): number | null =>
  disk.fstype === null ? null : (world.fsSizes.get(disk.diskId) ?? disk.size);

/** A boot re-reads every NVMe namespace: the guest sees each disk's real size again. */
export function rebootGuest(world: World, instanceId: string): void {
  world.staleSize.delete(instanceId);
  for (const d of world.disks.values()) world.guestSizes.delete(mountKey(instanceId, d.diskId));
}
