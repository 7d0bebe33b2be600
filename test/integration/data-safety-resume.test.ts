/**
 * Issue 10 rule 1 on resume: a request whose worker died after the preflight re-check but before
 * any AttachDisk was sent is resumed by another worker, which judges the data-safety rules again on
 * fresh facts (real Redis, the emulator through the real SDK, a BullMQ worker).
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { CURSOR } from '../../src/jobs/steps/index.js';
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

it('resumed after the re-check, before any send: ext4 mounted meanwhile ends it guard_changed, no AttachDisk', async () => {
  const diskId = await createAvailableDisk(emu.gateway(), 'resume-guard');
  const gw = emu.gateway();
  await gw.attachDisk({ diskId, instanceId: a });
  for (;;) {
    const [d] = await gw.describeDisks({ regionId: REGION, diskIds: [diskId] });
    if (d?.attachments.some((x) => x.instanceId === a)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const approved = await h.approved(
    'attach',
    { diskId, instanceIds: [b], allowSingleNodeFs: false, regionId: REGION },
    { submit: false },
  );
  // A worker that died right after the re-check: running, cursor CHECKED, nothing sent.
  const started = await h.service.start(approved.id, 'dead-worker', { planHash: approved.planHash });
  expect(started.ok).toBe(true);
  const moved = await h.service.recordStep(approved.id, {
    from: CURSOR.START,
    to: CURSOR.CHECKED,
    actor: 'dead-worker',
  });
  expect(moved.ok).toBe(true);
  await emu.admin(`instances/${a}/disks/${diskId}/filesystem`, { fstype: 'ext4', mountpoints: ['/data'] });
  await emu.clearCalls();

  const worker = h.execution.start();
  try {
    const request = await h.service.get(approved.id);
    if (!request) throw new Error('request vanished');
    await h.execution.executor.submit(request);
    const done = await h.waitFor(approved.id);
    expect(done.state).toBe('failed');
    expect(done.outcome?.code).toBe('guard_changed');
    expect(done.outcome?.message).toContain(`holds ext4 (seen on ${a}, mounted at /data)`);
    expect((await emu.calls('AttachDisk')).filter((c) => c.params.DiskId === diskId)).toEqual([]);
  } finally {
    await worker.close();
  }
});
