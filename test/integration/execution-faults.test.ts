import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import type { DiskRequest } from '../../src/workflow/request.js';
import {
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
  successfulMutations,
} from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness, QUICK_RUN } from '../support/execution-harness.js';

const REGION = SEED.regionId;
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;

beforeAll(async () => {
  emu = await startHarness({ latency: QUICK_LATENCY });
});
afterAll(async () => {
  await h?.close();
  await emu.close();
});

/** A request ended cleanly: a terminal state, an outcome, and every failure named with a code. */
function expectClean(
  request: DiskRequest,
  failures: readonly { code: string; message: string }[] = [],
): void {
  expect(['succeeded', 'partial', 'failed']).toContain(request.state);
  expect(request.outcome?.code).toMatch(/^[a-z_A-Z.]+$/);
  expect(request.outcome?.message.length).toBeGreaterThan(0);
  for (const f of failures) expect(f.message.length).toBeGreaterThan(0);
}

describe('under 30 % throttling and 10 % 5xx on every ECS call', () => {
  it('every request ends succeeded or cleanly failed, and no mutation is applied twice', async () => {
    await emu.reset();
    h = await executionHarness(inject('redisUrl'), emu.gateway(), { run: QUICK_RUN });
    const worker = h.execution.start();
    await emu.setFaults({
      '*': { throttleRate: 0.3, internalErrorRate: 0.05, unavailableRate: 0.05, retryAfterMs: 30 },
    });

    const creates = await Promise.all(
      [0, 1].map((i) =>
        h.approved('create', {
          name: `fault-${i}`,
          sizeGiB: 20,
          category: 'cloud_essd',
          performanceLevel: 'PL1',
          regionId: REGION,
          zoneId: SEED.zones.multiAttachI,
          burstingEnabled: false,
          allowDuplicateName: false,
          tags: [],
        }),
      ),
    );
    const created = await Promise.all(creates.map((r) => h.waitFor(r.id, undefined, 30_000)));
    for (const r of created) expectClean(r);
    const diskIds = created.flatMap((r) => /Created (d-\w+)/.exec(r.outcome?.message ?? '')?.[1] ?? []);
    expect(diskIds).toHaveLength(2);

    const attaches = await Promise.all(
      diskIds.map((diskId, i) =>
        h.approved('attach', {
          diskId,
          instanceIds: nvmeI.slice(i * 8, i * 8 + 8),
          allowSingleNodeFs: false,
          regionId: REGION,
        }),
      ),
    );
    for (const r of attaches) {
      const done = await h.waitFor(r.id, undefined, 30_000);
      expectClean(done, h.reporter.result(r.id)?.failures);
    }
    const detaches = await Promise.all(
      diskIds.map((diskId, i) =>
        h.approved('detach', {
          diskId,
          instanceIds: nvmeI.slice(i * 8, i * 8 + 4),
          force: false,
          regionId: REGION,
        }),
      ),
    );
    for (const r of detaches) {
      const done = await h.waitFor(r.id, undefined, 30_000);
      expectClean(done, h.reporter.result(r.id)?.failures);
    }
    await emu.setFaults({});

    const calls = await emu.calls();
    expect(calls.filter((c) => c.code.startsWith('Throttling')).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status >= 500).length).toBeGreaterThan(0);
    for (const action of ['AttachDisk', 'DetachDisk']) {
      const counts = successfulMutations(calls, action);
      expect([...counts.entries()].filter(([, n]) => n > 1)).toEqual([]);
    }
    const state = await emu.state();
    expect(state.disks.filter((d) => d.name.startsWith('fault-'))).toHaveLength(2);
    for (const diskId of diskIds) {
      const disk = state.disks.find((d) => d.diskId === diskId);
      expect(disk?.attachments.length).toBeLessThanOrEqual(4);
    }
    await worker.close();
  }, 60_000);
});
