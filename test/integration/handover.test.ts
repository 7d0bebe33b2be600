import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_QUEUE_TIMING, worstHandOverMs } from '../../src/jobs/execution.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';
import type { SpawnedWorker } from '../support/execution-workers.js';
import { attachHandOver, failoverHandOver, type HandOver, RESUMED_LABEL } from '../support/handover.js';

/**
 * kill -9 of the replica running a request. The shipped BullMQ timing is checked by its
 * configuration here and measured against the 10 s target by `npm run bench:handover`; the replicas
 * below run a shorter lock (4 s, renewed every second, so a 3 s stall still keeps a job) and stalled
 * check, so a hand-over takes at most 5 s by configuration; the bound has slack for a loaded machine.
 */
const TEST_QUEUE = { lockDurationMs: 4_000, stalledIntervalMs: 1_000 };
const LOADED_MACHINE_SLACK_MS = 6_000;

let emu: EmulatorHarness;
let h: ExecutionHarness | undefined;
const spawned: SpawnedWorker[] = [];

beforeAll(async () => {
  emu = await startHarness();
});
afterAll(async () => emu.close());
afterEach(async () => {
  await Promise.all(spawned.splice(0).map((w) => w.stop()));
  await h?.close();
  h = undefined;
});

async function setup() {
  await emu.reset();
  h = await executionHarness(inject('redisUrl'), emu.gateway());
  return { emu, h, redisUrl: inject('redisUrl'), spawned, queue: TEST_QUEUE };
}

function expectResumedOnce(run: HandOver): void {
  const resumed = run.events.filter((e) => e.type === 'step' && e.label === RESUMED_LABEL);
  expect(resumed.map((e) => [e.worker, e.requestId])).toEqual([[run.survivor.name, run.request.id]]);
  const finished = run.events.filter((e) => e.type === 'finished' && e.requestId === run.request.id);
  expect(finished.map((e) => e.worker)).toEqual([run.survivor.name]);
  expect(run.handOverMs).toBeLessThanOrEqual(
    worstHandOverMs({ ...DEFAULT_QUEUE_TIMING, ...TEST_QUEUE }) + LOADED_MACHINE_SLACK_MS,
  );
}

describe('hand-over after kill -9 of one of two replicas', () => {
  it('the configured worst case is under 10 s, and a live replica may stall ≈ 6 s without losing its job', () => {
    expect(worstHandOverMs()).toBeLessThanOrEqual(10_000);
    expect(DEFAULT_QUEUE_TIMING.lockDurationMs - DEFAULT_QUEUE_TIMING.lockRenewMs).toBeGreaterThanOrEqual(
      5_000,
    );
  });

  it('during an attach: the survivor resumes, finishes, and no AttachDisk is repeated', async () => {
    const run = await attachHandOver(await setup());
    expect(run.sentBeforeKill).toBeLessThan(16);
    expect([run.request.state, run.request.outcome?.code]).toEqual(['succeeded', 'attached']);
    expect(run.mutations.size).toBe(16);
    expect([...run.mutations.values()].every((n) => n === 1)).toBe(true);
    expectResumedOnce(run);
  }, 90_000);

  it('during a failover: the survivor fences and finishes, and no mutation is repeated', async () => {
    const run = await failoverHandOver(await setup());
    expect([run.request.state, run.request.outcome?.code]).toEqual(['succeeded', 'failed_over']);
    const keys = [...run.mutations.keys()];
    expect(keys.some((k) => k.startsWith('AttachDisk '))).toBe(true);
    expect(keys.some((k) => /^RunCommand nvme-(preempt|acquire)@/.test(k))).toBe(true);
    expect(Object.fromEntries([...run.mutations].filter(([, n]) => n !== 1))).toEqual({});
    expectResumedOnce(run);
  }, 90_000);
});
