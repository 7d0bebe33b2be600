/**
 * The preflight rules of `/disk delete`, at filing and at each of its moments (the final snapshot,
 * DeleteDisk): the disk exists, is managed by the bot, is attached nowhere (`Available`), has no
 * snapshot in progress, and what the final snapshot will be.
 */

import { ok } from '../../cloud/preflight/rules.js';
import { deleteChecks } from '../../cloud/preflight/snapshot-delete-rules.js';
import type { Check } from '../../workflow/request.js';
import type { ParamsOf } from '../kinds.js';
import { type LifecycleFacts, neverAttached } from '../snapshot/facts.js';
import { diskFoundRule, unread } from '../snapshot/rules.js';

export function deleteRules(p: ParamsOf['delete'], world: LifecycleFacts): Check[] {
  const found = diskFoundRule(p, world.disk);
  const disk = world.disk;
  if (!disk) return [found];
  if (!world.snapshots) return [found, unread(`The snapshots of ${p.diskId}`)];
  const checks = deleteChecks({ disk, snapshots: world.snapshots, skipFinalSnapshot: p.skipFinalSnapshot });
  // ECS refuses a snapshot of a disk never attached; it holds no data, so there is nothing to keep.
  const blank = ok(
    'final_snapshot_not_needed',
    `${p.diskId} was never attached to an instance: it holds no data, so no final snapshot is taken.`,
  );
  return [found, ...checks.map((c) => (c.code === 'final_snapshot' && neverAttached(disk) ? blank : c))];
}
