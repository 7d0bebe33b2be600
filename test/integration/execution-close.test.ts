import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { WORKER_CLOSE_GRACE_MS } from '../../src/jobs/execution.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { executionHarness } from '../support/execution-harness.js';

/** How late a close may return, and still count as "after the grace period". */
const CLOSE_BOUND_MS = WORKER_CLOSE_GRACE_MS + 2_000;
/**
 * The attach outlasts that bound by 2 s more: a close that waited for the step would come too late
 * even when the test notices the AttachDisk call a second after it went out.
 */
const ATTACH_MS = CLOSE_BOUND_MS + 2_000;

let emu: EmulatorHarness;
beforeAll(async () => {
  emu = await startHarness({
    latency: { create: { baseMs: 50, jitterMs: 0 }, attach: { baseMs: ATTACH_MS, jitterMs: 0 } },
  });
});
afterAll(async () => emu.close());

it('closing a worker with a request mid-step returns after the grace period, not when the step ends', async () => {
  const h = await executionHarness(inject('redisUrl'), emu.gateway());
  const worker = h.execution.start();
  const diskId = await createAvailableDisk(emu.gateway(), 'close-grace');
  const request = await h.approved('attach', {
    diskId,
    instanceIds: [SEED.instances.nvmeI[0]?.id ?? ''],
    allowSingleNodeFs: false,
    regionId: SEED.regionId,
  });
  // AttachDisk was sent; the attach shows up in the emulator only after ATTACH_MS.
  await expect.poll(async () => (await emu.calls('AttachDisk')).length, { timeout: 15_000 }).toBe(1);
  const started = performance.now();
  await worker.close();
  const tookMs = performance.now() - started;
  expect(tookMs).toBeGreaterThanOrEqual(WORKER_CLOSE_GRACE_MS - 50);
  expect(tookMs).toBeLessThan(CLOSE_BOUND_MS);
  // The step goes on in the background (or on another replica, had this process exited).
  expect((await h.service.get(request.id))?.state).toBe('running');
  await h.waitFor(request.id, ['succeeded'], 30_000);
  await h.close();
}, 60_000);
