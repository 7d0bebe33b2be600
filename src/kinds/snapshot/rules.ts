/** The preflight rules of `/disk snapshot`, at filing and at the CreateSnapshot moment. */
import type { DiskInfo } from '../../cloud/gateway.js';
import { guestViews } from '../../cloud/preflight/guest-view.js';
import { error, ok } from '../../cloud/preflight/rules.js';
import { snapshotChecks } from '../../cloud/preflight/snapshot-delete-rules.js';
import type { Check } from '../../workflow/request.js';
import type { ParamsOf } from '../kinds.js';
import { type LifecycleFacts, neverAttached } from './facts.js';

/** The disk as the card names it, or the error that it does not exist. */
export function diskFoundRule(p: { diskId: string; regionId: string }, disk: DiskInfo | undefined): Check {
  if (!disk)
    return error(
      'disk_not_found',
      `Disk ${p.diskId} does not exist in ${p.regionId}; check it with /disk list.`,
    );
  const pl = disk.performanceLevel ? ` ${disk.performanceLevel}` : '';
  return ok(
    'disk_found',
    `${disk.diskId}${disk.diskName ? ` (${disk.diskName})` : ''}: ${disk.category}${pl}, ${disk.sizeGiB} GiB, ${disk.status}.`,
  );
}

/** Facts a rule needs that were not read are an error, never silence. */
export const unread = (what: string): Check =>
  error('facts_unread', `${what} could not be read, so the request cannot be judged; retry.`);

export function snapshotRules(p: ParamsOf['snapshot'], world: LifecycleFacts): Check[] {
  const found = diskFoundRule(p, world.disk);
  if (!world.disk) return [found];
  if (!world.snapshots) return [found, unread(`The snapshots of ${p.diskId}`)];
  if (!world.filesystem) return [found, unread(`What the guests of ${p.diskId} show`)];
  const checks = [
    found,
    ...snapshotChecks({
      disk: world.disk,
      snapshots: world.snapshots,
      guests: guestViews(world.filesystem),
    }),
  ];
  if (neverAttached(world.disk))
    checks.push(
      error('never_attached', `${p.diskId} was never attached to an instance: it holds no data to snapshot.`),
    );
  return checks;
}
