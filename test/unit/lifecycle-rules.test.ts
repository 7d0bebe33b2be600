/** The resize, snapshot and delete preflight rules and the rescan verification, over plain facts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo, SnapshotInfo } from '../../src/cloud/gateway.js';
import { growPhases, snapshotName } from '../../src/cloud/lifecycle.js';
import type { GuestView } from '../../src/cloud/preflight/guest-view.js';
import { rescanAdvice, rescanLines, verifyRescan } from '../../src/cloud/preflight/rescan-verify.js';
import {
  describePlan,
  type GrowPlan,
  growPlan,
  isGrowPlan,
  newSizeRule,
  type ResizeGuest,
  resizeChecks,
} from '../../src/cloud/preflight/resize-rules.js';
import { deleteChecks, snapshotChecks } from '../../src/cloud/preflight/snapshot-delete-rules.js';
import { callClassOf } from '../../src/cloud/resilient-gateway.js';
import type { RescanReport } from '../../src/cloud/scripts/index.js';
import type { Check } from '../../src/workflow/request.js';
import { attachmentsOn, diskInfo } from '../support/disk-info.js';

const MANAGED = { 'shared-disk-bot:managed': 'true' };
const disk = (over: Partial<DiskInfo> = {}): DiskInfo => diskInfo({ sizeGiB: 60, tags: MANAGED, ...over });
const on = (...ids: string[]) => attachmentsOn(ids);
const instance = (instanceId: string, status = 'Running'): InstanceInfo => ({
  instanceId,
  instanceName: instanceId,
  status,
  zoneId: 'cn-hangzhou-i',
  instanceType: 'ecs.g7se.large',
  imageId: 'img',
});
const guest = (
  instanceId: string,
  over: Partial<Extract<ResizeGuest, { read: true }>> = {},
): ResizeGuest => ({
  instanceId,
  read: true,
  fstype: 'ocfs2',
  partitioned: false,
  mountpoints: ['/srv/shared'],
  readOnly: false,
  clusterOnline: true,
  ...over,
});
/** i-1, i-2 and i-3, each showing the same facts. */
const threeGuests = (over: Partial<Extract<ResizeGuest, { read: true }>>) =>
  ['i-1', 'i-2', 'i-3'].map((id) => guest(id, over));
const snapshot = (status: string, id = 's-1'): SnapshotInfo => ({
  snapshotId: id,
  snapshotName: 'x',
  sourceDiskId: 'd-1',
  sourceDiskSizeGiB: 60,
  status,
  progressPercent: status === 'progressing' ? 40 : 100,
  creationTime: '',
  tags: {},
});
const codes = (checks: readonly Check[], level: Check['level'] = 'error') =>
  checks.filter((c) => c.level === level).map((c) => c.code);
const plan = (x: GrowPlan | Check): GrowPlan => {
  if (!isGrowPlan(x)) throw new Error(`refused: ${x.code} ${x.message}`);
  return x;
};
const refused = (x: GrowPlan | Check): Check => {
  if (isGrowPlan(x)) throw new Error('expected a refusal');
  return x;
};

describe('resize: size, snapshot, managed, instance states', () => {
  it('a larger size within the range passes and says old → new', () => {
    expect(newSizeRule(disk(), 80)).toMatchObject({
      level: 'ok',
      message: expect.stringContaining('60 GiB → 80 GiB'),
    });
  });

  it('property: the size rule passes exactly for sizes above the current one up to the PL maximum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.integer({ min: 20, max: 65_536 }), (next, now) => {
        const c = newSizeRule(disk({ sizeGiB: now }), next);
        expect(c.level === 'ok').toBe(next > now && next <= 65_536);
      }),
    );
  });

  it('refuses a smaller size, a size above the range, and an unknown category', () => {
    expect(newSizeRule(disk(), 60).code).toBe('size_not_larger');
    expect(newSizeRule(disk(), 70_000).code).toBe('size_out_of_range');
    expect(newSizeRule(disk({ category: 'cloud_efficiency' }), 80).code).toBe('size_out_of_range');
  });

  const facts = (over = {}) => ({
    disk: disk({ attachments: on('i-1', 'i-2') }),
    newSizeGiB: 80,
    mode: 'online' as const,
    instances: [instance('i-1'), instance('i-2')],
    snapshots: [snapshot('accomplished')],
    guests: [guest('i-1'), guest('i-2')],
    ...over,
  });

  it('online with every instance Running, no snapshot in progress, managed: no error', () => {
    expect(codes(resizeChecks(facts()))).toEqual([]);
  });

  it('names what blocks it: a snapshot in progress, an unmanaged disk, an instance in the wrong state', () => {
    const checks = resizeChecks(
      facts({
        disk: disk({ attachments: on('i-1', 'i-2'), tags: {} }),
        snapshots: [snapshot('progressing', 's-busy')],
        instances: [instance('i-1'), instance('i-2', 'Stopped')],
      }),
    );
    expect(codes(checks)).toEqual(['disk_not_managed', 'snapshot_in_progress', 'instances_not_running']);
    expect(checks.find((c) => c.code === 'snapshot_in_progress')?.message).toContain('s-busy (40%)');
    expect(checks.find((c) => c.code === 'instances_not_running')?.message).toContain('i-2 (Stopped)');
  });

  it('offline needs every instance Stopped, and reads the file-system plan once they run again', () => {
    const stopped = [instance('i-1', 'Stopped'), instance('i-2', 'Stopped')];
    const checks = resizeChecks(facts({ mode: 'offline', instances: stopped, guests: undefined }));
    expect(codes(checks)).toEqual([]);
    expect(checks.map((c) => c.code)).toContain('fs_plan_after_start');
    const running = resizeChecks(facts({ mode: 'offline', guests: undefined }));
    expect(codes(running)).toEqual(['instances_not_stopped']);
  });
});

describe('resize: the file-system plan per node', () => {
  const three = disk({ attachments: on('i-1', 'i-2', 'i-3') });

  it('OCFS2 on three nodes: grown once, from a node where it is mounted with its stack online', () => {
    const p = plan(
      growPlan(three, [
        guest('i-1', { mountpoints: [] }),
        guest('i-2', { clusterOnline: false }),
        guest('i-3'),
      ]),
    );
    expect(p.growNode).toBe('i-3');
    expect(p.steps).toEqual([
      { instanceId: 'i-1', step: 'none' },
      { instanceId: 'i-2', step: 'none' },
      { instanceId: 'i-3', step: 'grow' },
    ]);
    expect(describePlan(p)[2]).toBe('i-3: rescan, then grow the ocfs2 file system');
  });

  it('OCFS2 mounted nowhere, or only where the stack is offline: refused', () => {
    expect(refused(growPlan(three, threeGuests({ mountpoints: [] }))).code).toBe('ocfs2_not_mounted');
    expect(refused(growPlan(three, threeGuests({ clusterOnline: false }))).code).toBe('ocfs2_stack_offline');
  });

  it('a partition: grown on one node, re-read (partx -u) on every other', () => {
    const p = plan(growPlan(three, threeGuests({ partitioned: true })));
    expect(p.steps.map((s) => s.step)).toEqual(['grow', 'reread', 'reread']);
    expect(describePlan(p)[1]).toBe('i-2: rescan, then re-read the partition size (partx -u)');
  });

  it('ext4 or XFS: grown on the only instance; on two or more the request is refused', () => {
    const one = disk({ attachments: on('i-1') });
    expect(plan(growPlan(one, [guest('i-1', { fstype: 'ext4' })])).growNode).toBe('i-1');
    const two = disk({ attachments: on('i-1', 'i-2') });
    for (const fstype of ['ext4', 'xfs']) {
      const c = refused(growPlan(two, [guest('i-1', { fstype }), guest('i-2', { fstype })]));
      expect(c.code).toBe('single_node_fs_shared');
      expect(c.message).toContain('already in danger');
    }
    expect(refused(growPlan(one, [guest('i-1', { fstype: 'xfs', mountpoints: [] })])).code).toBe(
      'xfs_not_mounted',
    );
  });

  it('no file system: the device only, nothing grown', () => {
    const p = plan(growPlan(three, threeGuests({ fstype: null, mountpoints: [] })));
    expect(p).toMatchObject({ fstype: null, growNode: null });
    expect(describePlan(p)[0]).toBe('i-1: rescan (no file system: the device only)');
  });

  it('fails closed: an unreadable or missing guest, an unknown file system, guests that disagree', () => {
    const unread = growPlan(three, [guest('i-1'), { instanceId: 'i-2', read: false, why: 'agent offline' }]);
    expect(refused(unread)).toMatchObject({ code: 'guest_unreadable' });
    expect(refused(unread).message).toContain('i-2 (agent offline)');
    expect(refused(unread).message).toContain('i-3 (not inspected)');
    const one = disk({ attachments: on('i-1') });
    expect(refused(growPlan(one, [guest('i-1', { fstype: 'btrfs' })])).code).toBe('fs_unknown');
    const two = disk({ attachments: on('i-1', 'i-2') });
    expect(refused(growPlan(two, [guest('i-1'), guest('i-2', { fstype: null })])).code).toBe(
      'guests_disagree',
    );
  });
});

describe('snapshot and delete rules', () => {
  const view = (instanceId: string, readOnly: boolean, mounted = true): GuestView => ({
    instanceId,
    read: true,
    fstype: 'ocfs2',
    mountpoints: mounted ? ['/srv'] : [],
    readOnly,
  });

  it('a snapshot says plainly when the copy is crash-consistent only', () => {
    const d = disk({ attachments: on('i-1', 'i-2') });
    const rw = snapshotChecks({ disk: d, snapshots: [], guests: [view('i-1', true), view('i-2', false)] });
    expect(codes(rw, 'warning')).toEqual(['crash_consistent']);
    expect(rw.find((c) => c.code === 'crash_consistent')?.message).toContain('i-2');
    const ro = snapshotChecks({
      disk: d,
      snapshots: [],
      guests: [view('i-1', true), view('i-2', false, false)],
    });
    expect(codes(ro, 'warning')).toEqual([]);
    const unread = snapshotChecks({
      disk: d,
      snapshots: [],
      guests: [{ instanceId: 'i-1', read: false, why: 'x' }],
    });
    expect(codes(unread, 'warning')).toEqual(['consistency_unknown']);
  });

  it('a snapshot is refused while one is in progress, at the quota, and on an unmanaged disk', () => {
    const many = Array.from({ length: 256 }, (_, i) => snapshot('accomplished', `s-${i}`));
    expect(codes(snapshotChecks({ disk: disk({ tags: {} }), snapshots: many, guests: [] }))).toEqual([
      'disk_not_managed',
      'snapshot_quota_full',
    ]);
    expect(codes(snapshotChecks({ disk: disk(), snapshots: [snapshot('progressing')], guests: [] }))).toEqual(
      ['snapshot_in_progress'],
    );
  });

  it('a delete is refused while attached, naming the instances and the /disk detach to run', () => {
    const checks = deleteChecks({
      disk: disk({ attachments: on('i-1', 'i-2') }),
      snapshots: [],
      skipFinalSnapshot: false,
    });
    expect(codes(checks)).toEqual(['disk_attached']);
    expect(checks.find((c) => c.code === 'disk_attached')?.message).toContain('/disk detach d-1 i-1 i-2');
  });

  it('a detached managed disk may be deleted; skipping the final snapshot is a danger (red on the card); unmanaged is refused', () => {
    const free = disk({ status: 'Available' });
    expect(codes(deleteChecks({ disk: free, snapshots: [], skipFinalSnapshot: false }))).toEqual([]);
    expect(codes(deleteChecks({ disk: free, snapshots: [], skipFinalSnapshot: true }), 'danger')).toEqual([
      'no_final_snapshot',
    ]);
    expect(
      codes(deleteChecks({ disk: { ...free, tags: {} }, snapshots: [], skipFinalSnapshot: false })),
    ).toEqual(['disk_not_managed']);
    expect(
      codes(deleteChecks({ disk: disk({ status: 'Creating' }), snapshots: [], skipFinalSnapshot: false })),
    ).toEqual(['disk_busy']);
  });
});

describe('rescan verification', () => {
  const report = (sizeGiB: number): RescanReport => ({
    device: '/dev/nvme1n1',
    sizeBytes: sizeGiB * 1024 ** 3,
    sizeGiB,
    expectGiB: 80,
    sees: sizeGiB >= 80,
    attempts: 1,
    method: 'nvme-ns-rescan',
  });
  const seen = (instanceId: string, gib: number): TargetOutcome<RescanReport> => ({
    ok: true,
    instanceId,
    value: report(gib),
  });

  it('every node at the new size: go on', () => {
    const v = verifyRescan(80, ['i-1', 'i-2'], [seen('i-1', 80), seen('i-2', 80)]);
    expect(v.allSee).toBe(true);
    expect(rescanLines(v)).toEqual(['i-1 sees 80 GiB ✓', 'i-2 sees 80 GiB ✓']);
  });

  it('one node still on the old size, one silent: stop before any grow, name them, say what to do', () => {
    const v = verifyRescan(
      80,
      ['i-1', 'i-2', 'i-3'],
      [
        seen('i-1', 80),
        seen('i-2', 60),
        { ok: false, instanceId: 'i-3', state: 'failed', code: 'exit_3', message: 'no device' },
      ],
    );
    expect(v).toMatchObject({ allSee: false, behind: ['i-2', 'i-3'] });
    expect(rescanLines(v, (id) => `node ${id}`)).toEqual([
      'node i-1 sees 80 GiB ✓',
      'node i-2 still sees 60 GiB ✗',
      'node i-3 did not report a size ✗ (no device)',
    ]);
    expect(rescanAdvice(v)).toMatch(
      /^i-2, i-3 do not see 80 GiB yet, so no file system was grown\. Reboot them/,
    );
    expect(rescanAdvice(v)).toContain('never resizes again');
  });

  it('an attached node missing from the outcomes counts as not seeing it', () => {
    const v = verifyRescan(80, ['i-1', 'i-2'], [seen('i-1', 80)]);
    expect(v.behind).toEqual(['i-2']);
  });
});

describe('execution helpers without the cloud', () => {
  it('the new calls share the budget of their class: mutations and one read', () => {
    const calls = ['ResizeDisk', 'CreateSnapshot', 'DeleteSnapshot', 'DeleteDisk', 'DescribeSnapshots'];
    expect(calls.map(callClassOf).join(' ')).toBe('mutate mutate mutate mutate read');
  });

  it("the grow phases run partition, the other nodes' re-read, then the file system", () => {
    const three = disk({ attachments: on('i-1', 'i-2', 'i-3') });
    const parted = plan(growPlan(three, threeGuests({ partitioned: true })));
    expect(growPhases(parted)).toEqual([
      { role: 'partition', instanceIds: ['i-1'] },
      { role: 'reread', instanceIds: ['i-2', 'i-3'] },
      { role: 'filesystem', instanceIds: ['i-1'] },
    ]);
    const whole = plan(growPlan(three, [guest('i-1'), guest('i-2'), guest('i-3')]));
    expect(growPhases(whole)).toEqual([{ role: 'filesystem', instanceIds: ['i-1'] }]);
    const blank = plan(growPlan(three, threeGuests({ fstype: null })));
    expect(growPhases(blank)).toEqual([]);
  });

  it('property: a snapshot name is 2-128 characters, never starts with auto and has no control characters', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.option(fc.string(), { nil: undefined }),
        (requester, id, reason) => {
          const name = snapshotName({
            requestId: id,
            action: 'resize',
            requester,
            ...(reason === undefined ? {} : { reason }),
          });
          expect(name.length).toBeGreaterThanOrEqual(2);
          expect(name.length).toBeLessThanOrEqual(128);
          expect(name.startsWith('auto')).toBe(false);
          expect(/\p{Cc}/u.test(name)).toBe(false);
        },
      ),
    );
    expect(snapshotName({ requestId: 'r-12', action: 'resize', requester: 'alice', reason: 'logs' })).toBe(
      'shared-disk-bot r-12 resize by alice: logs',
    );
  });
});
