/**
 * CreateSnapshot, DescribeSnapshots, DeleteSnapshot. A snapshot is `progressing` (Progress rising
 * linearly) until the `snapshot` latency has passed, then `accomplished`.
 */
import { EcsError } from '../errors.js';
import { checkSnapshot } from '../rules.js';
import { iso, type Snapshot, type World } from '../world.js';
import { type ActionHandler, findOr404, idempotent, paginate, requireRegion } from './common.js';

export const snapshotInProgress = (world: World, diskId: string): boolean =>
  [...world.snapshots.values()].some((s) => s.sourceDiskId === diskId && s.status === 'progressing');

const createSnapshot: ActionHandler = (ctx) =>
  idempotent(ctx, 'CreateSnapshot', () => {
    const { world, params: p } = ctx;
    const disk = findOr404(world.disks, p.required('DiskId'), 'InvalidDiskId.NotFound');
    const name = p.str('SnapshotName');
    const retentionDays = p.int('RetentionDays');
    checkSnapshot({
      disk,
      name,
      retentionDays,
      manualSnapshots: [...world.snapshots.values()].filter((s) => s.sourceDiskId === disk.diskId).length,
      snapshotInProgress: snapshotInProgress(world, disk.diskId),
    });
    const snapshotId = world.nextId('s-bp1');
    const now = world.now();
    const snapshot: Snapshot = {
      snapshotId,
      snapshotName: name ?? '',
      description: p.str('Description') ?? '',
      sourceDiskId: disk.diskId,
      sourceDiskSize: disk.size,
      sourceDiskCategory: disk.category,
      status: 'progressing',
      creationTime: now,
      doneAt: now + world.delay('snapshot'),
      retentionDays: retentionDays ?? null,
      tags: p.objects('Tag').flatMap((t) => (t.Key ? [{ key: t.Key, value: t.Value ?? '' }] : [])),
    };
    world.snapshots.set(snapshotId, snapshot);
    world.at(snapshot.doneAt, () => {
      if (snapshot.status === 'progressing') snapshot.status = 'accomplished';
    });
    return { SnapshotId: snapshotId };
  });

function progress(s: Snapshot, now: number): number {
  if (s.status !== 'progressing') return 100;
  const span = s.doneAt - s.creationTime;
  return span <= 0 ? 99 : Math.min(99, Math.floor(((now - s.creationTime) / span) * 100));
}

function snapshotView(s: Snapshot, world: World): Record<string, unknown> {
  const now = world.now();
  return {
    SnapshotId: s.snapshotId,
    SnapshotName: s.snapshotName,
    Description: s.description,
    SourceDiskId: s.sourceDiskId,
    // The real API reports the source size as a string.
    SourceDiskSize: String(s.sourceDiskSize),
    SourceDiskType: 'data',
    SourceStorageType: 'disk',
    Category: 'standard',
    SnapshotType: 'user',
    Usage: 'none',
    Status: s.status,
    Progress: `${progress(s, now)}%`,
    RemainTime: s.status === 'progressing' ? Math.max(0, Math.ceil((s.doneAt - now) / 1000)) : 0,
    Available: s.status === 'accomplished',
    Encrypted: false,
    InstantAccess: false,
    CreationTime: iso(s.creationTime),
    LastModifiedTime: iso(s.status === 'progressing' ? s.creationTime : s.doneAt),
    ...(s.retentionDays === null ? {} : { RetentionDays: s.retentionDays }),
    RegionId: world.regionId,
    Tags: { Tag: s.tags.map((t) => ({ TagKey: t.key, TagValue: t.value })) },
  };
}

/** Newest first, as the console lists them; filters: DiskId, SnapshotIds (JSON array), Status, SnapshotName. */
const describeSnapshots: ActionHandler = (ctx) => {
  requireRegion(ctx);
  const { world, params: p } = ctx;
  const diskId = p.str('DiskId');
  const ids = p.jsonStrings('SnapshotIds');
  const status = p.oneOf('Status', ['progressing', 'accomplished', 'failed', 'all'] as const, 'all');
  const name = p.str('SnapshotName');
  const matching = [...world.snapshots.values()]
    .filter(
      (s) =>
        (diskId === undefined || s.sourceDiskId === diskId) &&
        (ids === undefined || ids.includes(s.snapshotId)) &&
        (status === 'all' || s.status === status) &&
        (name === undefined || s.snapshotName === name),
    )
    .sort((a, b) => b.creationTime - a.creationTime || (a.snapshotId < b.snapshotId ? 1 : -1));
  const page = paginate(matching, p, { defaultSize: 10, maxPageSize: 100, maxResults: 100 });
  return { Snapshots: { Snapshot: page.items.map((s) => snapshotView(s, world)) }, ...page.meta };
};

const deleteSnapshot: ActionHandler = (ctx) => {
  const { world, params: p } = ctx;
  const snapshotId = p.required('SnapshotId');
  const snapshot = world.snapshots.get(snapshotId);
  if (!snapshot) throw new EcsError('InvalidSnapshotId.NotFound');
  if (snapshot.status === 'progressing') throw new EcsError('IncorrectSnapshotStatus');
  world.snapshots.delete(snapshotId);
  return {};
};

export const snapshotActions: Record<string, ActionHandler> = {
  CreateSnapshot: createSnapshot,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
};
