/**
 * Preflight of a snapshot and of a delete (issue 19), as pure functions over explicit facts. A
 * snapshot of a disk written by several nodes is crash-consistent at best; a delete cannot be
 * undone, so it is refused while the disk is attached anywhere and for a disk the bot does not manage.
 */
import type { Check } from '../../workflow/request.js';
import type { DiskInfo, SnapshotInfo } from '../gateway.js';
import type { GuestView } from './guest-view.js';
import { managedRule, snapshotIdleRule } from './resize-rules.js';
import { error, ok, warning } from './rules.js';

/** CreateSnapshot's limit per disk. */
export const MAX_MANUAL_SNAPSHOTS = 256;

export interface SnapshotFacts {
  readonly disk: DiskInfo;
  readonly snapshots: readonly SnapshotInfo[];
  /** What each attached guest showed (inspect); empty for a detached disk. */
  readonly guests: readonly GuestView[];
}

/** Says plainly when the copy can only be crash-consistent: mounted read-write somewhere, or unknown. */
export function consistencyRule(guests: readonly GuestView[]): Check {
  const writers = guests.filter((g) => g.read && g.mountpoints.length > 0 && !g.readOnly);
  const unread = guests.filter((g) => !g.read);
  if (writers.length > 0) {
    return warning(
      'crash_consistent',
      `Mounted read-write on ${writers.map((g) => g.instanceId).join(', ')}: the snapshot is crash-consistent only (like pulling the power), not an application-consistent copy.`,
    );
  }
  if (unread.length > 0) {
    return warning(
      'consistency_unknown',
      `Could not read ${unread.map((g) => g.instanceId).join(', ')}: if the disk is mounted read-write there, the snapshot is crash-consistent only.`,
    );
  }
  return ok('consistent_copy', 'Not mounted read-write anywhere: the snapshot is a consistent copy.');
}

export function snapshotQuotaRule(snapshots: readonly SnapshotInfo[]): Check {
  return snapshots.length < MAX_MANUAL_SNAPSHOTS
    ? ok('snapshot_quota', `${snapshots.length} of ${MAX_MANUAL_SNAPSHOTS} snapshots used.`)
    : error(
        'snapshot_quota_full',
        `The disk already has ${snapshots.length} snapshots, the most ECS keeps; delete old ones first.`,
      );
}

export function snapshotChecks(f: SnapshotFacts): Check[] {
  return [
    managedRule(f.disk),
    snapshotIdleRule(f.snapshots),
    snapshotQuotaRule(f.snapshots),
    consistencyRule(f.guests),
  ];
}

export interface DeleteFacts {
  readonly disk: DiskInfo;
  readonly snapshots: readonly SnapshotInfo[];
  /** `--skip-final-snapshot`: no copy to restore from. */
  readonly skipFinalSnapshot: boolean;
}

/** DeleteDisk needs `Available`: refused while attached, naming the instances and the detach to run. */
export function detachedRule(disk: DiskInfo): Check {
  if (disk.attachments.length > 0) {
    const ids = disk.attachments.map((a) => a.instanceId);
    return error(
      'disk_attached',
      `${disk.diskId} is still attached to ${ids.join(', ')}; detach it first: /disk detach ${disk.diskId} ${ids.join(' ')}`,
    );
  }
  return disk.status === 'Available'
    ? ok('disk_available', `${disk.diskId} is attached nowhere (Available).`)
    : error('disk_busy', `${disk.diskId} is ${disk.status}; retry once it is Available.`);
}

export function finalSnapshotRule(skip: boolean): Check {
  return skip
    ? {
        code: 'no_final_snapshot',
        level: 'danger',
        message: 'No final snapshot (--skip-final-snapshot): once deleted, the data cannot be recovered.',
      }
    : ok('final_snapshot', 'A final snapshot is taken first and kept after the delete, to restore from.');
}

export function deleteChecks(f: DeleteFacts): Check[] {
  return [
    managedRule(f.disk),
    detachedRule(f.disk),
    snapshotIdleRule(f.snapshots),
    finalSnapshotRule(f.skipFinalSnapshot),
  ];
}
