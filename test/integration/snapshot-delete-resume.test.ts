/**
 * Issue 19 on resume (real Redis, the emulator through the real SDK, a BullMQ worker): a worker that
 * died after CreateSnapshot leaves a snapshot tagged with the request, which the next worker finds
 * instead of taking a second one; a worker that died after DeleteDisk leaves a disk already gone,
 * which is not deleted again. Both results name the snapshot to restore from.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { CURSOR } from '../../src/jobs/steps/index.js';
import { SNAPSHOT_TAGS, snapshotClientToken } from '../../src/jobs/steps/snapshot.js';
import { DELETE_CURSOR } from '../../src/kinds/delete/steps.js';
import type { DiskRequest } from '../../src/workflow/request.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';

const REGION = SEED.regionId;
const [a, b] = SEED.instances.nvmeI.map((i) => i.id) as [string, string];
let emu: EmulatorHarness;
let h: ExecutionHarness;

beforeAll(async () => {
  emu = await startHarness();
  h = await executionHarness(inject('redisUrl'), emu.gateway(), { run: { assistantTimeoutSec: 2 } });
});
afterAll(async () => {
  await h.close();
  await emu.close();
});

async function until(gw: EcsGateway, diskId: string, done: (attached: number) => boolean): Promise<void> {
  for (;;) {
    const [d] = await gw.describeDisks({ regionId: REGION, diskIds: [diskId] });
    if (d && done(d.attachments.length) && (d.status === 'Available' || d.status === 'In_use')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A managed disk that held data once: attached to `instanceId`, then detached. */
async function usedDisk(name: string, instanceId: string): Promise<string> {
  const gw = emu.gateway();
  const diskId = await createAvailableDisk(gw, name);
  await gw.attachDisk({ diskId, instanceId });
  await until(gw, diskId, (n) => n === 1);
  await gw.detachDisk({ diskId, instanceId });
  await until(gw, diskId, (n) => n === 0);
  return diskId;
}

/** What a worker did before it died: started the request, passed the re-check, sent CreateSnapshot. */
async function diedAfterCreateSnapshot(request: DiskRequest, diskId: string): Promise<string> {
  expect((await h.service.start(request.id, 'dead-worker', { planHash: request.planHash })).ok).toBe(true);
  const step = (from: number, to: number) =>
    h.service.recordStep(request.id, { from, to, actor: 'dead-worker' });
  expect((await step(CURSOR.START, CURSOR.CHECKED)).ok).toBe(true);
  const { value } = await emu.gateway().createSnapshot({
    diskId,
    snapshotName: `shared-disk-bot ${request.id} final snapshot by UREQ`,
    tags: [
      { key: SNAPSHOT_TAGS.request, value: request.id },
      { key: SNAPSHOT_TAGS.requester, value: 'UREQ' },
    ],
    clientToken: snapshotClientToken(request.id),
  });
  expect((await step(CURSOR.CHECKED, DELETE_CURSOR.SNAPSHOT_ISSUED)).ok).toBe(true);
  return value.snapshotId;
}

async function resume(request: DiskRequest): Promise<DiskRequest> {
  const worker = h.execution.start();
  try {
    const stored = await h.service.get(request.id);
    if (!stored) throw new Error('request vanished');
    await h.execution.executor.submit(stored);
    return await h.waitFor(request.id);
  } finally {
    await worker.close();
  }
}

const on = async (action: string, diskId: string) =>
  (await emu.calls(action)).filter((c) => c.params.DiskId === diskId);

it('a delete resumed after its CreateSnapshot finds that snapshot by its tag and takes no second one', async () => {
  const diskId = await usedDisk('resume-delete-snapshot', a);
  const approved = await h.approved(
    'delete',
    { diskId, regionId: REGION, skipFinalSnapshot: false },
    { submit: false },
  );
  const snapshotId = await diedAfterCreateSnapshot(approved, diskId);
  await emu.clearCalls();
  const done = await resume(approved);
  expect(done.state).toBe('succeeded');
  expect(done.outcome?.message).toContain(`Restore from the final snapshot ${snapshotId}`);
  expect(h.reporter.steps(approved.id).map((s) => s.label)).toContain(
    'Snapshot already taken by this request',
  );
  expect(await on('CreateSnapshot', diskId)).toEqual([]);
  expect(await on('DeleteDisk', diskId)).toHaveLength(1);
  expect(await emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] })).toEqual([]);
});

it('a delete resumed after its DeleteDisk sees the disk gone and sends no second DeleteDisk', async () => {
  const diskId = await usedDisk('resume-delete-gone', b);
  const approved = await h.approved(
    'delete',
    { diskId, regionId: REGION, skipFinalSnapshot: false },
    { submit: false },
  );
  const snapshotId = await diedAfterCreateSnapshot(approved, diskId);
  const step = (from: number, to: number) =>
    h.service.recordStep(approved.id, { from, to, actor: 'dead-worker' });
  for (;;) {
    const [s] = await emu.gateway().describeSnapshots({ regionId: REGION, snapshotIds: [snapshotId] });
    if (s?.status === 'accomplished') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await step(DELETE_CURSOR.SNAPSHOT_ISSUED, DELETE_CURSOR.SNAPSHOT_DONE)).ok).toBe(true);
  expect((await step(DELETE_CURSOR.SNAPSHOT_DONE, DELETE_CURSOR.DELETING)).ok).toBe(true);
  await emu.gateway().deleteDisk({ diskId });
  await emu.clearCalls();
  const done = await resume(approved);
  expect(done.state).toBe('succeeded');
  expect(done.outcome?.message).toContain(`Restore from the final snapshot ${snapshotId}`);
  expect(await on('DeleteDisk', diskId)).toEqual([]);
  expect(await on('CreateSnapshot', diskId)).toEqual([]);
});
