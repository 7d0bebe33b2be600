/**
 * The resize rules over one moment's facts: the disk, then `resizeChecks` (managed, size, no
 * snapshot in progress, instance states, the file-system plan from every guest). A Retry after the
 * resize (`afterResize`) is judged on the disk already having the new size and every node Running.
 * Guests that did not answer, or answered without the disk, are unreadable: the plan refuses them.
 */
import type { TargetOutcome } from '../../cloud/assistant.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import type { Ocfs2Probe } from '../../cloud/ocfs2/reports.js';
import {
  describePlan,
  type GrowPlan,
  growPlan,
  instanceStateRule,
  isGrowPlan,
  managedRule,
  type ResizeGuest,
  resizeChecks,
} from '../../cloud/preflight/resize-rules.js';
import { diskRules, error, ok } from '../../cloud/preflight/rules.js';
import type { ResizeReading, WorldSnapshot } from '../../cloud/preflight/world.js';
import type { InspectReport } from '../../cloud/scripts/index.js';
import type { Check } from '../../workflow/request.js';
import type { ResizeParams } from './params.js';

/** The data-safety rule name of the file-system plan: the fs-grow moment compares its facts. */
export const RESIZE_FS_RULE = 'resize_fs';

/** Partition-table signatures wipefs and blkid report on the whole device. */
const PARTITION_TABLES: ReadonlySet<string> = new Set(['gpt', 'dos', 'PMBR', 'atari', 'sun', 'sgi', 'bsd']);

/** One `ResizeGuest` per attached instance that was read; a mounted OCFS2 volume means its stack is online. */
export function resizeGuests(
  inspect: readonly TargetOutcome<InspectReport>[],
  probe: readonly TargetOutcome<Ocfs2Probe>[],
): ResizeGuest[] {
  const probes = new Map(probe.map((o) => [o.instanceId, o]));
  return inspect.map((o): ResizeGuest => {
    const p = probes.get(o.instanceId);
    if (!o.ok) return { instanceId: o.instanceId, read: false, why: `${o.code}: ${o.message}` };
    if (!p) return { instanceId: o.instanceId, read: false, why: 'not probed' };
    if (!p.ok) return { instanceId: o.instanceId, read: false, why: `${p.code}: ${p.message}` };
    if (!o.value.attached || !p.value.attached)
      return { instanceId: o.instanceId, read: false, why: 'the disk is not visible in the guest' };
    const fstype = o.value.fstype;
    return {
      instanceId: o.instanceId,
      read: true,
      fstype,
      partitioned: p.value.signatures.some((s) => PARTITION_TABLES.has(s.type)),
      mountpoints: o.value.mountpoints,
      readOnly: o.value.readOnly,
      // mount.ocfs2 refuses without the cluster stack, so a mounted OCFS2 volume shows it online.
      clusterOnline: fstype === 'ocfs2' && o.value.mountpoints.length > 0,
    };
  });
}

/** The plan the guests of this moment allow, or the check that refuses it (no guests read: refused). */
export function planOf(disk: DiskInfo, reading: ResizeReading | undefined): GrowPlan | Check {
  const guests = reading?.guests;
  return growPlan(disk, guests ? resizeGuests(guests.inspect, guests.probe) : []);
}

/** `ocfs2;whole-disk;grow=i-1`: what the fs-grow moment compares with the card. */
export const planFacts = (plan: GrowPlan): string =>
  `${plan.fstype ?? 'none'};${plan.partitioned ? 'partitioned' : 'whole-disk'}`;

function planCheck(disk: DiskInfo, reading: ResizeReading | undefined): Check {
  const plan = planOf(disk, reading);
  if (!isGrowPlan(plan)) return { ...plan, rule: RESIZE_FS_RULE };
  return {
    code: 'fs_plan',
    level: 'ok',
    message: `Plan per node: ${describePlan(plan).join('; ')}.`,
    rule: RESIZE_FS_RULE,
    facts: planFacts(plan),
  };
}

/** Instances attached now that were not when the request was filed (they are not locked). */
function attachmentsRule(p: ResizeParams, disk: DiskInfo): Check[] {
  if (p.instanceIds.length === 0 && disk.attachments.length === 0) return [];
  const filed = new Set(p.instanceIds);
  const added = disk.attachments.map((a) => a.instanceId).filter((id) => !filed.has(id));
  return added.length === 0
    ? []
    : [
        error(
          'attachments_changed',
          `${added.join(', ')} ${added.length === 1 ? 'was' : 'were'} attached since the request was filed; file the resize again so every node is in the plan.`,
        ),
      ];
}

export function resizeRules(p: ResizeParams, world: WorldSnapshot): Check[] {
  const disk = world.disk;
  const found = diskRules(p.diskId, p.regionId, disk);
  if (!disk || found.some((c) => c.level === 'error')) return found;
  const reading = world.resize;
  const instances = [...world.instances.values()];
  if (!reading) return [...found, error('resize_facts_missing', 'The resize facts were not read.')];
  if (p.afterResize) {
    const reached =
      disk.sizeGiB === p.sizeGiB
        ? ok('size_reached', `${p.diskId} already has ${p.sizeGiB} GiB: ResizeDisk is not called again.`)
        : error(
            'size_not_reached',
            `${p.diskId} has ${disk.sizeGiB} GiB, not the ${p.sizeGiB} GiB this Retry verifies; file a new resize instead.`,
          );
    return [
      ...found,
      ...attachmentsRule(p, disk),
      managedRule(disk),
      reached,
      instanceStateRule(disk, 'online', instances),
      planCheck(disk, reading),
    ];
  }
  // The file-system plan comes from planCheck, which carries its rule and facts for the fs-grow moment.
  const checks = resizeChecks({
    disk,
    newSizeGiB: p.sizeGiB,
    mode: p.offline ? 'offline' : 'online',
    instances,
    snapshots: reading.snapshots,
  });
  const plan = reading.guests ? [planCheck(disk, reading)] : [];
  return [
    ...found,
    ...attachmentsRule(p, disk),
    ...(reading.guests ? checks.filter((c) => c.code !== 'fs_plan_after_start') : checks),
    ...plan,
  ];
}
