/**
 * The preflight rules of the kinds that read the cloud, each evaluated on one `WorldSnapshot`;
 * every kind names its rules in its `execution.ts` (src/kinds).
 */
import type { Check } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import { singleNodeFsRule } from './guard.js';
import { detachMountRule } from './mount-guard.js';
import { ocfs2GrowRule } from './ocfs2-grow.js';
import { failoverHolderChecks, fstypeRead, reservationRead } from './reservation-facts.js';
import {
  attachmentLimitRule,
  billingRule,
  categoryRule,
  diskRules,
  duplicateNameRule,
  error,
  missingRule,
  ok,
  receivingRules,
  sizeRule,
  stateRule,
  warning,
  zoneSupportRule,
} from './rules.js';
import type { WorldSnapshot } from './world.js';

const ATTACHABLE = ['Running', 'Stopped'];

export function createChecks(p: ParamsOf['create'], world: WorldSnapshot): Check[] {
  return [
    categoryRule(p),
    sizeRule(p),
    zoneSupportRule(p, world),
    duplicateNameRule(p, world),
    billingRule(),
  ];
}

export function attachChecks(p: ParamsOf['attach'], world: WorldSnapshot): Check[] {
  const disk = world.disk;
  const diskChecks = diskRules(p.diskId, p.regionId, disk);
  const missing = missingRule(p.instanceIds, world, p.regionId);
  if (!disk || diskChecks.some((c) => c.level === 'error')) return [...diskChecks, ...missing];
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  const already = p.instanceIds.filter((id) => attached.has(id));
  const adding = [...new Set(p.instanceIds.filter((id) => !attached.has(id)))];
  const receiving = adding.flatMap((id) => world.instances.get(id) ?? []);
  const checks = [...diskChecks, ...missing, attachmentLimitRule(disk, adding)];
  if (already.length > 0) {
    checks.push(ok('already_attached', `Already attached to ${already.join(', ')}: skipped.`));
  }
  const instanceChecks = receivingRules(disk, receiving, world, ATTACHABLE, 'AttachDisk');
  checks.push(...instanceChecks, ...singleNodeFsRule(disk, adding, p.allowSingleNodeFs, world.filesystem));
  checks.push(...ocfs2GrowRule(disk, adding, world.instances, world.ocfs2Grow));
  if (receiving.length > 0 && !instanceChecks.some((c) => c.level === 'error') && missing.length === 0) {
    checks.push(
      ok(
        'instances_ready',
        `${receiving.length} ${receiving.length === 1 ? 'instance' : 'instances'} ready: same zone, Running or Stopped, NVMe type and image, room for another data disk.`,
      ),
    );
  }
  if (adding.length === 0 && p.finishes) {
    checks.push(
      ok(
        'attach_finish',
        `Finishes ${p.finishes}: already attached to every instance named, so no AttachDisk is sent; the steps after the attach that did not complete (joining the OCFS2 cluster and mounting, registering NVMe keys) run again, each skipping what is done.`,
      ),
    );
  } else if (adding.length === 0) {
    checks.push(warning('nothing_to_attach', 'The disk is already attached to every instance named.'));
  }
  return checks;
}

export function detachChecks(p: ParamsOf['detach'], world: WorldSnapshot): Check[] {
  const disk = world.disk;
  const diskChecks = diskRules(p.diskId, p.regionId, disk);
  const missing = missingRule(p.instanceIds, world, p.regionId);
  if (!disk || diskChecks.some((c) => c.level === 'error')) return [...diskChecks, ...missing];
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  const absent = p.instanceIds.filter((id) => !attached.has(id) && world.instances.has(id));
  const leaving = p.instanceIds.flatMap((id) => (attached.has(id) ? (world.instances.get(id) ?? []) : []));
  const checks = [
    ...diskChecks,
    ...missing,
    ...stateRule(leaving, ATTACHABLE, 'DetachDisk'),
    ...detachMountRule(disk, leaving, p.force, world.filesystem),
  ];
  if (absent.length > 0) checks.push(ok('not_attached', `Not attached to ${absent.join(', ')}: skipped.`));
  if (leaving.length === 0) {
    checks.push(warning('nothing_to_detach', 'The disk is attached to none of the instances named.'));
  } else {
    checks.push(
      ok(
        'detach_ready',
        `Detaches from ${leaving.length} ${leaving.length === 1 ? 'instance' : 'instances'}; ${disk.attachments.length - leaving.length} stay attached.`,
      ),
    );
  }
  return checks;
}

/** design.md §8 step 1: disk multi-attach; target Running, same zone, NVMe; source attached. */
export function failoverChecks(p: ParamsOf['failover'], world: WorldSnapshot): Check[] {
  const disk = world.disk;
  const diskChecks = diskRules(p.diskId, p.regionId, disk);
  const missing = missingRule([p.fromInstanceId, p.toInstanceId], world, p.regionId);
  if (!disk || diskChecks.some((c) => c.level === 'error')) return [...diskChecks, ...missing];
  const attached = new Set(disk.attachments.map((a) => a.instanceId));
  const checks = [...diskChecks, ...missing];
  const fromStatus = world.instances.get(p.fromInstanceId)?.status;
  const fstype = fstypeRead(world.filesystem);
  checks.push(
    ...failoverHolderChecks(p, disk, reservationRead(world.filesystem), {
      ...(fromStatus ? { status: fromStatus } : {}),
      ...(fstype ? { fstype } : {}),
    }),
  );
  const target = world.instances.get(p.toInstanceId);
  if (!target) return checks;
  if (p.fromInstanceId === p.toInstanceId) {
    checks.push(error('same_instance', '--from and --to name the same instance; name the standby in --to.'));
  }
  const receives = !attached.has(p.toInstanceId);
  checks.push(
    receives
      ? attachmentLimitRule(disk, [p.toInstanceId])
      : ok('to_attached', `${p.toInstanceId} already has the disk attached: failover needs no AttachDisk.`),
  );
  // An instance that already has the disk needs no free disk slot, so the cap rule is left out.
  checks.push(...receivingRules(disk, [target], world, ['Running'], 'failover', { cap: receives }));
  return checks;
}
