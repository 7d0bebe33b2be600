/**
 * Preflight of a resize (issue 19), as pure functions over explicit facts: the disk, its attached
 * instances, its snapshots and what every guest showed. A resize some node does not see, followed
 * by a file system grown into space that node cannot address, is an I/O error on that node; so the
 * file-system plan fails closed: anything unknown or unreadable refuses the request.
 */
import type { Check } from '../../workflow/request.js';
import { DEFAULT_ESSD_PL, SIZE_RANGES } from '../../workflow/request-builder.js';
import { MANAGED_TAG } from '../command-registry.js';
import type { DiskInfo, InstanceInfo, SnapshotInfo } from '../gateway.js';
import { error, ok } from './rules.js';

export type ResizeMode = 'online' | 'offline';

/** What one guest showed about the disk: its file system, a partition table, mounts, the OCFS2 stack. */
export type ResizeGuest =
  | {
      readonly instanceId: string;
      readonly read: true;
      readonly fstype: string | null;
      /** A partition table on the disk: the file system lives on its last partition. */
      readonly partitioned: boolean;
      readonly mountpoints: readonly string[];
      readonly readOnly: boolean;
      /** The o2cb cluster stack is online here (OCFS2 only; tunefs.ocfs2 -S needs it). */
      readonly clusterOnline: boolean;
    }
  | { readonly instanceId: string; readonly read: false; readonly why: string };

export interface ResizeFacts {
  readonly disk: DiskInfo;
  readonly newSizeGiB: number;
  readonly mode: ResizeMode;
  /** The attached instances as DescribeInstances shows them. */
  readonly instances: readonly InstanceInfo[];
  /** The disk's snapshots (DescribeSnapshots). */
  readonly snapshots: readonly SnapshotInfo[];
  /** One per attached instance; absent for an offline resize, whose guests are read once they run. */
  readonly guests?: readonly ResizeGuest[];
}

/** What happens on one node after every node sees the new size. */
export type NodeStep = 'grow' | 'reread' | 'none';

export interface GrowPlan {
  readonly fstype: string | null;
  readonly partitioned: boolean;
  /** The one node that grows the partition and the file system; null when there is nothing to grow. */
  readonly growNode: string | null;
  readonly steps: readonly { readonly instanceId: string; readonly step: NodeStep }[];
}

const SINGLE_NODE_FS: ReadonlySet<string> = new Set(['ext2', 'ext3', 'ext4', 'xfs']);

export const isManaged = (disk: DiskInfo): boolean => disk.tags[MANAGED_TAG.key] === MANAGED_TAG.value;

/** Every mutation is tag-scoped: the RAM policy allows it on managed disks only. */
export function managedRule(disk: DiskInfo): Check {
  return isManaged(disk)
    ? ok('disk_managed', `${disk.diskId} is managed by the bot.`)
    : error(
        'disk_not_managed',
        `${disk.diskId} is not managed by the bot (no ${MANAGED_TAG.key} tag); change it in the ECS console.`,
      );
}

/** InvalidDiskSize.TooSmall and InvalidDiskSize.NotSupported. */
export function newSizeRule(disk: DiskInfo, newSizeGiB: number): Check {
  if (newSizeGiB <= disk.sizeGiB) {
    return error(
      'size_not_larger',
      `${newSizeGiB} GiB is not larger than the disk's ${disk.sizeGiB} GiB; a disk only grows. Pick a larger --size.`,
    );
  }
  const key =
    disk.category === 'cloud_essd' ? `cloud_essd:${disk.performanceLevel || DEFAULT_ESSD_PL}` : disk.category;
  const range = SIZE_RANGES[key];
  const name = key.replace(':', ' ');
  if (!range)
    return error('size_out_of_range', `No size range is known for ${name}; it cannot be resized here.`);
  return newSizeGiB <= range.max
    ? ok('size_growth', `${disk.sizeGiB} GiB → ${newSizeGiB} GiB (${name} allows up to ${range.max} GiB).`)
    : error('size_out_of_range', `${newSizeGiB} GiB is above ${name}'s maximum of ${range.max} GiB.`);
}

/** ResizeDisk, CreateSnapshot and DeleteDisk all refuse while a snapshot of the disk is being made. */
export function snapshotIdleRule(snapshots: readonly SnapshotInfo[]): Check {
  const busy = snapshots.filter((s) => s.status === 'progressing');
  return busy.length === 0
    ? ok('no_snapshot_in_progress', 'No snapshot of the disk is in progress.')
    : error(
        'snapshot_in_progress',
        `Snapshot ${busy.map((s) => `${s.snapshotId} (${s.progressPercent}%)`).join(', ')} is still being created; retry once it is accomplished.`,
      );
}

/** Online: every attached instance Running; offline: every attached instance Stopped. */
export function instanceStateRule(
  disk: DiskInfo,
  mode: ResizeMode,
  instances: readonly InstanceInfo[],
): Check {
  const wanted = mode === 'online' ? 'Running' : 'Stopped';
  const status = new Map(instances.map((i) => [i.instanceId, i.status]));
  const wrong = disk.attachments
    .map((a) => ({ id: a.instanceId, status: status.get(a.instanceId) ?? 'unknown' }))
    .filter((x) => x.status !== wanted);
  if (wrong.length === 0) {
    return ok(
      `instances_${wanted.toLowerCase()}`,
      disk.attachments.length === 0
        ? 'The disk is attached nowhere: only the device grows.'
        : `Every attached instance is ${wanted} (${mode} resize).`,
    );
  }
  const named = wrong.map((x) => `${x.id} (${x.status})`).join(', ');
  return mode === 'online'
    ? error(
        'instances_not_running',
        `An online resize needs every attached instance Running; ${named} is not. Start it, or stop every instance and use --offline.`,
      )
    : error(
        'instances_not_stopped',
        `An offline resize needs every attached instance Stopped; ${named} is not. Stop it first, or resize online.`,
      );
}

/**
 * The file-system plan from every guest's facts, or the check that refuses it. OCFS2: grown once,
 * from one node where it is mounted with its stack online. ext4/XFS: only on a disk attached to
 * exactly one instance. No file system: the device only. A partition: grown on the growing node,
 * re-read (partx -u) on every other. Unknown or unreadable: refused.
 */
export function growPlan(disk: DiskInfo, guests: readonly ResizeGuest[]): GrowPlan | Check {
  const attached = disk.attachments.map((a) => a.instanceId);
  const byId = new Map(guests.map((g) => [g.instanceId, g]));
  const unread = attached.flatMap((id) => {
    const g = byId.get(id);
    if (!g) return [`${id} (not inspected)`];
    return g.read ? [] : [`${id} (${g.why})`];
  });
  if (unread.length > 0) {
    return error(
      'guest_unreadable',
      `Cannot tell what is on the disk on ${unread.join(', ')}; the bot does not resize a disk it cannot read everywhere.`,
    );
  }
  const read = attached
    .map((id) => byId.get(id))
    .filter((g): g is Extract<ResizeGuest, { read: true }> => !!g?.read);
  const fstypes = [...new Set(read.map((g) => g.fstype ?? 'none'))];
  const layouts = new Set(read.map((g) => g.partitioned));
  if (fstypes.length > 1 || layouts.size > 1) {
    return error(
      'guests_disagree',
      `The guests disagree about the disk (${read.map((g) => `${g.instanceId}: ${g.fstype ?? 'no file system'}${g.partitioned ? ' on a partition' : ''}`).join(', ')}); fix that before resizing.`,
    );
  }
  const fstype = read[0]?.fstype ?? null;
  const partitioned = read[0]?.partitioned ?? false;
  let growNode: string | null;
  if (fstype === null) growNode = partitioned ? (attached[0] ?? null) : null;
  else if (fstype === 'ocfs2') {
    const mounted = read.filter((g) => g.mountpoints.length > 0);
    const ready = mounted.find((g) => g.clusterOnline);
    if (!ready) {
      return error(
        mounted.length === 0 ? 'ocfs2_not_mounted' : 'ocfs2_stack_offline',
        mounted.length === 0
          ? 'OCFS2 grows online only from a node where it is mounted, and no node mounts it; mount it (/disk init) first.'
          : `OCFS2 is mounted on ${mounted.map((g) => g.instanceId).join(', ')} but its cluster stack is not online there; bring o2cb online first.`,
      );
    }
    growNode = ready.instanceId;
  } else if (SINGLE_NODE_FS.has(fstype)) {
    if (attached.length !== 1) {
      return error(
        'single_node_fs_shared',
        `${fstype} is a single-node file system and the disk is attached to ${attached.length} instances: that disk is already in danger. Detach it down to one instance first.`,
      );
    }
    const only = read[0];
    if (fstype === 'xfs' && only && only.mountpoints.length === 0) {
      return error('xfs_not_mounted', `XFS grows only while mounted; mount it on ${only.instanceId} first.`);
    }
    growNode = attached[0] ?? null;
  } else {
    return error(
      'fs_unknown',
      `The bot does not know how to grow ${fstype}; grow it by hand, or detach it before resizing.`,
    );
  }
  const steps = attached.map((instanceId) => ({
    instanceId,
    step: (instanceId === growNode ? 'grow' : partitioned ? 'reread' : 'none') as NodeStep,
  }));
  return { fstype, partitioned, growNode, steps };
}

export const isGrowPlan = (x: GrowPlan | Check): x is GrowPlan => 'steps' in x;

/** "i-1: rescan, grow the partition and the ocfs2 file system" and so on, one line per node. */
export function describePlan(plan: GrowPlan): string[] {
  const what = [plan.partitioned ? 'the partition' : '', plan.fstype ? `the ${plan.fstype} file system` : '']
    .filter(Boolean)
    .join(' and ');
  return plan.steps.map(({ instanceId, step }) => {
    if (step === 'grow') return `${instanceId}: rescan, then grow ${what}`;
    if (step === 'reread') return `${instanceId}: rescan, then re-read the partition size (partx -u)`;
    return `${instanceId}: rescan${plan.fstype === null ? ' (no file system: the device only)' : ''}`;
  });
}

/** Every resize check in card order; the file-system plan waits for the guests of an offline resize. */
export function resizeChecks(f: ResizeFacts): Check[] {
  const checks = [
    managedRule(f.disk),
    newSizeRule(f.disk, f.newSizeGiB),
    snapshotIdleRule(f.snapshots),
    instanceStateRule(f.disk, f.mode, f.instances),
  ];
  if (f.guests === undefined) {
    checks.push(
      ok(
        'fs_plan_after_start',
        'The file-system plan is read from every guest once the instances run again, before anything grows.',
      ),
    );
    return checks;
  }
  const plan = growPlan(f.disk, f.guests);
  checks.push(isGrowPlan(plan) ? ok('fs_plan', describePlan(plan).join('; ')) : plan);
  return checks;
}
