/**
 * Resize, snapshots and delete through the real SDK adapter against the emulator, under the shipped
 * RAM policy: the cloud calls, the guest sizes the rescan script reports (one node kept stale from
 * the admin API), the grow script refusing while a node is behind, and the delete rules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import { describeFailure } from '../../src/cloud/explain.js';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import {
  deleteAndVerify,
  growFileSystem,
  rescanEveryNode,
  waitForDiskSize,
  waitForSnapshot,
} from '../../src/cloud/lifecycle.js';
import type { GrowPlan } from '../../src/cloud/preflight/resize-rules.js';
import { SEED } from '../../src/emulator/index.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const REGION = SEED.regionId;
const [n1, n2, n3] = SEED.instances.nvmeI.map((i) => i.id) as [string, string, string];
const fast = { baseMs: 30, jitterMs: 0 };
let h: EmulatorHarness;

beforeAll(async () => {
  h = await startHarness({
    latency: {
      create: fast,
      attach: fast,
      detach: fast,
      delete: fast,
      resize: fast,
      start: fast,
      stop: fast,
    },
  });
});
afterAll(async () => h.close());
beforeEach(async () => {
  await h.reset();
  await h.admin('region', { onlineMultiAttachResize: true });
  await h.setLatency({
    create: fast,
    attach: fast,
    detach: fast,
    delete: fast,
    resize: fast,
    start: fast,
    stop: fast,
    snapshot: { baseMs: 300, jitterMs: 0 },
  });
});

async function caught(run: () => Promise<unknown>): Promise<CloudError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CloudError) return error;
    throw error;
  }
  throw new Error('expected a CloudError');
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
}

const describeDisk = async (gw: EcsGateway, diskId: string) =>
  (await gw.describeDisks({ regionId: REGION, diskIds: [diskId] }))[0];

async function sharedDisk(gw: EcsGateway, name: string, on: readonly string[]): Promise<string> {
  const diskId = await createAvailableDisk(gw, name);
  for (const instanceId of on) await gw.attachDisk({ diskId, instanceId });
  await until(
    () => describeDisk(gw, diskId),
    (d) => d?.attachments.length === on.length && d.status === 'In_use',
  );
  return diskId;
}

const OPTIONS = { regionId: REGION, timeoutSec: 30 };
const POLL = {
  intervalMs: 20,
  timeoutMs: 10_000,
  now: Date.now,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};
const rescan = async (gw: EcsGateway, diskId: string, expectGiB: number) =>
  rescanEveryNode(gw, (await describeDisk(gw, diskId))!, expectGiB, 0, OPTIONS);
/** OCFS2 mounted on n1 with its stack online: the plan grows it there once. */
const ocfs2Plan = (on: string[]): GrowPlan => ({
  fstype: 'ocfs2',
  partitioned: false,
  growNode: on[0]!,
  steps: on.map((instanceId, i) => ({ instanceId, step: i === 0 ? 'grow' : 'none' })),
});
const grow = async (gw: EcsGateway, diskId: string, on: string[]) =>
  growFileSystem(gw, (await describeDisk(gw, diskId))!, ocfs2Plan(on), OPTIONS);

interface LifecycleState {
  disks: {
    diskId: string;
    size: number;
    fsSize: number | null;
    attachments: { instanceId: string; guestSize: number }[];
  }[];
}

describe('resize of an OCFS2 disk on three nodes, one kept stale', () => {
  it('snapshot first; online resize; the rescan names the stale node; nothing grows until every node sees it', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-ocfs2', [n1, n2, n3]);
    await h.admin(`disks/${diskId}/filesystem`, { fstype: 'ocfs2' });
    await h.admin(`instances/${n1}/disks/${diskId}/filesystem`, { mountpoints: ['/srv/shared'] });

    const { value: snap } = await gw.createSnapshot({
      diskId,
      snapshotName: 'before resize by alice: grow to 40',
      retentionDays: 7,
      tags: [{ key: 'shared-disk-bot:request', value: 'r-1' }],
      clientToken: 'snap-r-1',
    });
    expect(snap.snapshotId).toMatch(/^s-/);
    const [progressing] = await gw.describeSnapshots({ regionId: REGION, snapshotIds: [snap.snapshotId] });
    expect(progressing).toMatchObject({ status: 'progressing', sourceDiskId: diskId, sourceDiskSizeGiB: 20 });
    expect(progressing?.progressPercent).toBeLessThan(100);
    const busy = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 40, type: 'online', clientToken: 'rz-busy' }),
    );
    expect(busy.cloudCode).toBe('DiskCreatingSnapshot');
    const done = await waitForSnapshot(gw, REGION, snap.snapshotId, POLL);
    expect(done.ok && done.value).toMatchObject({
      snapshotId: snap.snapshotId,
      progressPercent: 100,
      retentionDays: 7,
      tags: { 'shared-disk-bot:request': 'r-1', 'shared-disk-bot:managed': 'true' },
    });

    await h.admin(`instances/${n3}/stale-size`, { stale: true });
    await gw.resizeDisk({ diskId, newSizeGiB: 40, type: 'online', clientToken: 'rz-1' });
    // The same token again is the same call: answered without a second resize.
    await gw.resizeDisk({ diskId, newSizeGiB: 40, type: 'online', clientToken: 'rz-1' });
    const mismatch = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 50, type: 'online', clientToken: 'rz-1' }),
    );
    expect(mismatch.cloudCode).toBe('IdempotentParameterMismatch');
    expect((await waitForDiskSize(gw, REGION, diskId, 40, POLL)).ok).toBe(true);

    const first = await rescan(gw, diskId, 40);
    expect(first.rows.map((r) => [r.instanceId, r.seenGiB])).toEqual([
      [n1, 40],
      [n2, 40],
      [n3, 20],
    ]);
    expect(first.behind).toEqual([n3]);
    // Growing now would put the file system beyond the end of n3's device: the guest refuses.
    const early = await grow(gw, diskId, [n1, n2, n3]);
    expect(early).toMatchObject({ ok: false, code: 'grow_filesystem_failed' });
    expect(!early.ok && early.message).toContain(`${n3} still sees 20 GiB`);
    let state = (await h.admin('state')) as LifecycleState;
    expect(state.disks.find((d) => d.diskId === diskId)?.fsSize).toBe(20);

    await h.admin(`instances/${n3}/stale-size`, { stale: false });
    const second = await rescan(gw, diskId, 40);
    expect(second.allSee).toBe(true);
    const grown = await grow(gw, diskId, [n1, n2, n3]);
    expect(grown.ok && grown.value).toEqual([
      { role: 'filesystem', reports: [expect.objectContaining({ fstype: 'ocfs2', grown: true })] },
    ]);
    state = (await h.admin('state')) as LifecycleState;
    const after = state.disks.find((d) => d.diskId === diskId);
    expect(after?.fsSize).toBe(40);
    expect(after?.attachments.map((a) => a.guestSize)).toEqual([40, 40, 40]);
    expect((await h.calls('ResizeDisk')).filter((c) => c.code === 'OK')).toHaveLength(2);
  });

  it('a stale node sees the new size after a reboot; offline resize with every instance Stopped', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-offline', [n1, n2]);
    const running = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 30, type: 'offline', clientToken: 'rz-off-1' }),
    );
    expect(running.cloudCode).toBe('IncorrectInstanceStatus');
    for (const id of [n1, n2]) await h.stopInstance(id);
    // Both Stopped, not merely Stopping: the offline resize below needs every instance Stopped.
    await until(
      () => gw.describeInstances({ regionId: REGION, instanceIds: [n1, n2] }),
      (instances) => instances.length === 2 && instances.every((i) => i.status === 'Stopped'),
    );
    const stoppedOnline = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 30, type: 'online', clientToken: 'rz-off-2' }),
    );
    expect(stoppedOnline.message).toContain('Stopped');
    expect(stoppedOnline.cloudCode).toBe('IncorrectInstanceStatus');
    await gw.resizeDisk({ diskId, newSizeGiB: 30, type: 'offline', clientToken: 'rz-off-3' });
    await until(
      () => describeDisk(gw, diskId),
      (d) => d?.sizeGiB === 30,
    );
    for (const id of [n1, n2]) await h.admin(`instances/${id}/start`, {});
    const seen = await rescan(gw, diskId, 30);
    expect(seen.allSee).toBe(true);
  });

  it('a region on the 2021 API answers the older error, and the explanation gives the offline path', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-legacy', [n1]);
    await h.admin('region', { onlineMultiAttachResize: false });
    const e = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 30, type: 'online', clientToken: 'rz-l' }),
    );
    expect(e.cloudCode).toBe('InvalidOperation.MultiAttachDiskNotSupportResizeOnline');
    expect(describeFailure(e).message).toMatch(/^this region still resizes a multi-attach disk offline only/);
    const small = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 10, type: 'offline', clientToken: 'x' }),
    );
    expect(small.cloudCode).toBe('InvalidOperation.MultiAttachDiskNotSupportResizeOnline');
  });

  it('bad sizes get the InvalidDiskSize codes', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-sizes', [n1]);
    const small = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 20, type: 'online', clientToken: 's1' }),
    );
    expect(small.cloudCode).toBe('InvalidDiskSize.TooSmall');
    const big = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 70_000, type: 'online', clientToken: 's2' }),
    );
    expect(big.cloudCode).toBe('InvalidDiskSize.NotSupported');
  });
});

describe('faults and the call log', () => {
  it('fault injection and the call log cover the new actions like the others', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-faults', [n1]);
    await h.clearCalls();
    await h.setFaults({ CreateSnapshot: { internalErrorRate: 1 }, ResizeDisk: { throttleRate: 1 } });
    const failed = await caught(() => gw.createSnapshot({ diskId, snapshotName: 'x1', clientToken: 'f-1' }));
    expect([failed.cloudCode, failed.retryable]).toEqual(['InternalError', true]);
    const throttled = await caught(() =>
      gw.resizeDisk({ diskId, newSizeGiB: 30, type: 'online', clientToken: 'f-2' }),
    );
    expect([throttled.cloudCode, throttled.retryable]).toEqual(['Throttling.User', true]);
    await h.setFaults({});
    await gw.describeSnapshots({ regionId: REGION, diskId });
    const calls = await h.calls();
    expect(calls.map((c) => [c.action, c.code])).toEqual([
      ['CreateSnapshot', 'InternalError'],
      ['ResizeDisk', 'Throttling.User'],
      ['DescribeSnapshots', 'OK'],
    ]);
    expect((await gw.describeSnapshots({ regionId: REGION, diskId })).length).toBe(0);
  });
});

describe('delete', () => {
  it('refused while attached or while a snapshot is made; after detach deleted and gone; the final snapshot stays', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-delete', [n1]);
    expect((await caught(() => gw.deleteDisk({ diskId }))).cloudCode).toBe('IncorrectDiskStatus');
    await gw.detachDisk({ diskId, instanceId: n1 });
    await until(
      () => describeDisk(gw, diskId),
      (d) => d?.status === 'Available',
    );
    const { value: snap } = await gw.createSnapshot({
      diskId,
      snapshotName: 'final copy',
      clientToken: 'final-1',
    });
    expect((await caught(() => gw.deleteDisk({ diskId }))).cloudCode).toBe('DiskCreatingSnapshot');
    await until(
      async () =>
        (await gw.describeSnapshots({ regionId: REGION, snapshotIds: [snap.snapshotId] }))[0]?.status,
      (s) => s === 'accomplished',
    );
    const deleted = await deleteAndVerify(gw, REGION, diskId, POLL);
    expect(deleted.ok && deleted.value.requestId).toBeTruthy();
    expect(await describeDisk(gw, diskId)).toBeUndefined();
    // Already gone: proven by DescribeDisks, not deleted again.
    expect(await deleteAndVerify(gw, REGION, diskId, POLL)).toEqual({ ok: true, value: { requestId: null } });
    // ECS ignores a DeleteDisk of an unknown id, but under the tag-scoped policy a gone disk has no
    // tag to match, so RAM refuses it: a resumed delete must look with DescribeDisks first.
    expect((await caught(() => gw.deleteDisk({ diskId }))).cloudCode).toBe('Forbidden.RAM');
    // The final snapshot outlives the disk; the bot may delete the snapshots it took.
    expect(await gw.describeSnapshots({ regionId: REGION, diskId })).toHaveLength(1);
    await gw.deleteSnapshot({ snapshotId: snap.snapshotId });
    expect(await gw.describeSnapshots({ regionId: REGION, diskId })).toEqual([]);
  });

  it('the shipped policy never lets the bot resize, snapshot or delete a disk it does not manage', async () => {
    const gw = h.gateway();
    const diskId = SEED.disks.plain.diskId;
    await h.admin('tags', { resource: 'disk', id: diskId, tags: [] });
    for (const call of [
      () => gw.deleteDisk({ diskId }),
      () => gw.resizeDisk({ diskId, newSizeGiB: 40, type: 'offline', clientToken: 'u-1' }),
      () => gw.createSnapshot({ diskId, snapshotName: 'not mine', clientToken: 'u-2' }),
    ]) {
      expect((await caught(call)).cloudCode).toBe('Forbidden.RAM');
    }
    expect(await describeDisk(gw, diskId)).toBeDefined();
  });

  it('the bot deletes only the snapshots it took (they carry the managed tag)', async () => {
    const gw = h.gateway();
    const diskId = await sharedDisk(gw, 'lifecycle-snapshots', [n1]);
    const { value } = await gw.createSnapshot({ diskId, snapshotName: 'someone else', clientToken: 'o-1' });
    await waitForSnapshot(gw, REGION, value.snapshotId, POLL);
    await h.admin('tags', { resource: 'snapshot', id: value.snapshotId, tags: [] });
    expect((await caught(() => gw.deleteSnapshot({ snapshotId: value.snapshotId }))).cloudCode).toBe(
      'Forbidden.RAM',
    );
    expect(await gw.describeSnapshots({ regionId: REGION, diskId })).toHaveLength(1);
  });
});
