/**
 * Preflight rules: pure functions from the request's parameters and a `WorldSnapshot` to checks.
 * One rule per multi-attach limit (docs/multi-attach-facts.md); every code is stable and every
 * message says what to change. The cloud error a rule prevents is named in its comment.
 */

import { DISK_CATEGORIES, MAX_ATTACHMENTS } from '../../commands/index.js';
import type { Check } from '../../workflow/request.js';
import { DEFAULT_ESSD_PL, SIZE_RANGES } from '../../workflow/request-builder.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import type { DiskInfo, InstanceInfo } from '../gateway.js';
import type { WorldSnapshot } from './world.js';

const REGIONAL = 'cloud_regional_disk_auto';
const PAY_AS_YOU_GO = 'PostPaid';

export const ok = (code: string, message: string): Check => ({ code, level: 'ok', message });
export const warning = (code: string, message: string): Check => ({ code, level: 'warning', message });
export const error = (code: string, message: string): Check => ({ code, level: 'error', message });

const list = (ids: readonly string[]): string => ids.join(', ');

// ── create ───────────────────────────────────────────────────────────────────────────────────

/** InvalidParameter.DiskCategoryAndMultiAttachNotMatch */
export function categoryRule(p: ParamsOf['create']): Check {
  return (DISK_CATEGORIES as readonly string[]).includes(p.category)
    ? ok('category_multi_attach', `${p.category} supports multi-attach.`)
    : error(
        'category_not_multi_attach',
        `${p.category} cannot be multi-attached; use --category cloud_essd, cloud_auto or cloud_regional_disk_auto.`,
      );
}

/** InvalidDiskSize.NotSupported */
export function sizeRule(p: ParamsOf['create']): Check {
  const key =
    p.category === 'cloud_essd' ? `cloud_essd:${p.performanceLevel ?? DEFAULT_ESSD_PL}` : p.category;
  const range = SIZE_RANGES[key];
  const name = key.replace(':', ' ');
  if (!range) return error('size_out_of_range', `No size range is known for ${name}; pick another category.`);
  return p.sizeGiB >= range.min && p.sizeGiB <= range.max
    ? ok('size_in_range', `${p.sizeGiB} GiB fits ${name} (${range.min}–${range.max} GiB).`)
    : error(
        'size_out_of_range',
        `${p.sizeGiB} GiB is outside ${name}'s range of ${range.min}–${range.max} GiB; change --size or --pl.`,
      );
}

/** OperationDenied.ZoneNotSupportMultiAttachDisk */
export function zoneSupportRule(p: ParamsOf['create'], world: WorldSnapshot): Check {
  if (p.category === REGIONAL)
    return ok('zone_regional', 'A Regional ESSD spans the region: no zone to check.');
  if (!p.zoneId)
    return error('zone_required', 'A zonal disk needs --zone (the zone of the instances it will serve).');
  if (!world.multiAttachZones) {
    return warning(
      'zone_support_unverified',
      `Multi-attach support of ${p.zoneId} is not verified (the ECS API does not report it and no zone list is configured); ECS refuses with OperationDenied.ZoneNotSupportMultiAttachDisk if it lacks it.`,
    );
  }
  return world.multiAttachZones.includes(p.zoneId)
    ? ok('zone_multi_attach', `Zone ${p.zoneId} offers multi-attach.`)
    : error(
        'zone_not_multi_attach',
        `Zone ${p.zoneId} does not offer multi-attach; pick one of ${list(world.multiAttachZones)} (where your instances are).`,
      );
}

/**
 * ECS accepts a second disk with a name the region already has; every name-based command on it is
 * ambiguous from then on. Fails closed when the names could not be listed.
 */
export function duplicateNameRule(p: ParamsOf['create'], world: WorldSnapshot): Check {
  const seen = world.sameName ?? { read: false, why: 'the names were not read' };
  if (!seen.read) {
    return p.allowDuplicateName
      ? warning(
          'duplicate_name_unverified',
          `Whether another disk is named ${p.name} could not be read (${seen.why}); --allow-duplicate-name creates it anyway.`,
        )
      : error(
          'duplicate_name_unverified',
          `Whether another disk in ${p.regionId} is already named ${p.name} could not be read (${seen.why}); try again, or add --allow-duplicate-name.`,
        );
  }
  if (seen.diskIds.length === 0)
    return ok('name_unique', `No other disk in ${p.regionId} is named ${p.name}.`);
  const owners = list(seen.diskIds);
  return p.allowDuplicateName
    ? warning(
        'duplicate_name',
        `${owners} already ${seen.diskIds.length === 1 ? 'has' : 'have'} the name ${p.name}; created anyway (--allow-duplicate-name), so commands must name these disks by id.`,
      )
    : error(
        'duplicate_name',
        `${owners} in ${p.regionId} already ${seen.diskIds.length === 1 ? 'has' : 'have'} the name ${p.name}; pick another name, or add --allow-duplicate-name to create a second disk of that name.`,
      );
}

/** InvalidParameter.MultiAttachAndInstanceIdConflict: the bot never sends InstanceId to CreateDisk. */
export function billingRule(): Check {
  return ok(
    'pay_as_you_go',
    'Billed pay-as-you-go (multi-attach disks cannot be subscription); created detached, then attached.',
  );
}

// ── the disk ─────────────────────────────────────────────────────────────────────────────────

/** InvalidDiskId.NotFound, InvalidOperation.MultiAttachDisk-family refusals, billing. */
export function diskRules(diskId: string, regionId: string, disk: DiskInfo | undefined): Check[] {
  if (!disk) {
    return [
      error('disk_not_found', `Disk ${diskId} does not exist in ${regionId}; check the id with /disk list.`),
    ];
  }
  if (!disk.multiAttach) {
    return [
      error(
        'disk_not_multi_attach',
        `Disk ${diskId} was created without multi-attach, which cannot be switched on later; create a shared disk with /disk create and copy the data.`,
      ),
    ];
  }
  if (disk.chargeType && disk.chargeType !== PAY_AS_YOU_GO) {
    return [
      error(
        'disk_not_pay_as_you_go',
        `Disk ${diskId} is billed ${disk.chargeType}; multi-attach needs pay-as-you-go. Convert it in the console first.`,
      ),
    ];
  }
  const pl = disk.performanceLevel ? ` ${disk.performanceLevel}` : '';
  return [
    ok(
      'disk_multi_attach',
      `${diskId}: multi-attach ${disk.category}${pl}, ${disk.sizeGiB} GiB, zone ${disk.zoneId || 'regional'}.`,
    ),
  ];
}

// ── instances ────────────────────────────────────────────────────────────────────────────────

export function missingRule(ids: readonly string[], world: WorldSnapshot, regionId: string): Check[] {
  const missing = ids.filter((id) => !world.instances.has(id));
  return missing.length === 0
    ? []
    : [error('instance_not_found', `No instance ${list(missing)} in ${regionId}; check the ids.`)];
}

/** ResourcesNotInSameZone (a Regional ESSD serves the whole region). */
export function sameZoneRule(disk: DiskInfo, instances: readonly InstanceInfo[]): Check[] {
  if (disk.category === REGIONAL || !disk.zoneId) return [];
  const away = instances.filter((i) => i.zoneId !== disk.zoneId);
  return away.length === 0
    ? []
    : [
        error(
          'zone_mismatch',
          `${list(away.map((i) => `${i.instanceId} (${i.zoneId})`))} not in the disk's zone ${disk.zoneId}; a disk attaches only within its zone. Pick instances in ${disk.zoneId}.`,
        ),
      ];
}

/** IncorrectInstanceStatus: AttachDisk/DetachDisk need Running or Stopped; failover's target must run. */
export function stateRule(
  instances: readonly InstanceInfo[],
  allowed: readonly string[],
  action: string,
): Check[] {
  const bad = instances.filter((i) => !allowed.includes(i.status));
  return bad.length === 0
    ? []
    : [
        error(
          'instance_state',
          `${list(bad.map((i) => `${i.instanceId} is ${i.status}`))}; ${action} needs ${allowed.join(' or ')}. Wait until it settles (or start it) and ask again.`,
        ),
      ];
}

/** InvalidInstanceType.NotSupportMultiAttachDisk */
export function nvmeTypeRule(instances: readonly InstanceInfo[], world: WorldSnapshot): Check[] {
  const bad = instances.filter((i) => world.instanceTypes.get(i.instanceType)?.nvmeSupport !== 'required');
  return bad.length === 0
    ? []
    : [
        error(
          'instance_type_not_nvme',
          `${list(bad.map((i) => `${i.instanceId} (${i.instanceType})`))} cannot attach disks over NVMe, which multi-attach needs; change the instance type to an NVMe family such as g7se or g8i.`,
        ),
      ];
}

/** No cloud error: the guest would not see the disk (or not boot). */
export function nvmeImageRule(instances: readonly InstanceInfo[], world: WorldSnapshot): Check[] {
  const bad = instances.filter((i) => world.images.get(i.imageId)?.nvmeSupport !== 'supported');
  return bad.length === 0
    ? []
    : [
        error(
          'image_not_nvme',
          `${list(bad.map((i) => `${i.instanceId} (${i.imageId})`))} runs an image without NVMe drivers, so it would not see the disk; move it to an NVMe image such as Alibaba Cloud Linux 3.`,
        ),
      ];
}

/** InstanceDiskLimitExceeded: DiskQuantity counts the system disk too. */
export function diskCapRule(instances: readonly InstanceInfo[], world: WorldSnapshot): Check[] {
  const full: string[] = [];
  const unknown: string[] = [];
  for (const i of instances) {
    const quantity = world.instanceTypes.get(i.instanceType)?.diskQuantity;
    const data = world.dataDisks.get(i.instanceId);
    if (quantity === undefined || data === undefined) unknown.push(i.instanceId);
    else if (data + 1 + 1 > quantity)
      full.push(
        `${i.instanceId} has ${data} data disks (${i.instanceType} allows ${quantity} disks including the system disk)`,
      );
  }
  const checks: Check[] = [];
  if (full.length > 0) {
    checks.push(
      error(
        'instance_disk_cap',
        `${list(full)}; detach a data disk there first or use a larger instance type.`,
      ),
    );
  }
  if (unknown.length > 0) {
    checks.push(
      warning(
        'instance_disk_cap_unknown',
        `Could not count the data disks of ${list(unknown)}; ECS refuses with InstanceDiskLimitExceeded if it is full.`,
      ),
    );
  }
  return checks;
}

/** DiskAttachedNumberExceeded */
export function attachmentLimitRule(disk: DiskInfo, adding: readonly string[]): Check {
  const after = disk.attachments.length + adding.length;
  if (after <= MAX_ATTACHMENTS) {
    return ok(
      'attachment_limit',
      `After this change the disk has ${after} of at most ${MAX_ATTACHMENTS} attachments.`,
    );
  }
  const room = Math.max(0, MAX_ATTACHMENTS - disk.attachments.length);
  return error(
    'attachment_limit_exceeded',
    `A multi-attach disk serves at most ${MAX_ATTACHMENTS} instances; it has ${disk.attachments.length} and this adds ${adding.length} (${after}). Attach to at most ${room} more, or detach some first.`,
  );
}

/** The checks an instance must pass to receive a multi-attach disk. */
export function receivingRules(
  disk: DiskInfo,
  instances: readonly InstanceInfo[],
  world: WorldSnapshot,
  states: readonly string[],
  action: string,
  options: { cap: boolean } = { cap: true },
): Check[] {
  return [
    ...sameZoneRule(disk, instances),
    ...stateRule(instances, states, action),
    ...nvmeTypeRule(instances, world),
    ...nvmeImageRule(instances, world),
    ...(options.cap ? diskCapRule(instances, world) : []),
  ];
}
