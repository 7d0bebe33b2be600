import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { DEFAULT_WATCHER, DiskWatcher } from '../../src/jobs/disk-watcher.js';
import { systemClock } from '../../src/workflow/ports.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const REGION = SEED.regionId;
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;

beforeAll(async () => {
  emu = await startHarness({
    latency: { create: { baseMs: 10, jitterMs: 0 }, attach: { baseMs: 600, jitterMs: 0 } },
  });
});
afterAll(async () => emu.close());

describe('DiskWatcher', () => {
  it('serves every concurrent wait with one batched DescribeDisks per tick, with backoff', async () => {
    const gw = emu.gateway();
    const disks = await Promise.all([0, 1, 2].map((i) => createAvailableDisk(gw, `w-${i}`)));
    await Promise.all(disks.map((diskId, i) => gw.attachDisk({ diskId, instanceId: nvmeI[i]! })));
    await emu.clearCalls();
    const watcher = new DiskWatcher(gw, {
      clock: systemClock,
      minIntervalMs: 100,
      maxIntervalMs: 1_000,
      backoff: 0.2,
    });
    const results = await Promise.all(
      disks.map((diskId, i) =>
        watcher.watch(REGION, diskId, {
          timeoutMs: 5_000,
          until: (d) => d?.attachments.some((a) => a.instanceId === nvmeI[i]) === true,
        }),
      ),
    );
    expect(results.every((r) => r.done)).toBe(true);
    const polls = await emu.calls('DescribeDisks');
    const batches = polls.map((c) => JSON.parse(c.params.DiskIds ?? '[]') as string[]);
    // One call per tick asks for every wait still open (a disk done early drops out of later ones).
    expect(batches[0]?.sort()).toEqual([...disks].sort());
    expect(batches.every((ids, i) => i === 0 || ids.every((id) => batches[i - 1]?.includes(id)))).toBe(true);
    // ≈ 600 ms at ≥ 100 ms apart: at most 7 polls for three waits, not 3 × 7.
    expect(polls.length).toBeLessThanOrEqual(7);

    const timedOut = await watcher.watch(REGION, disks[0]!, { timeoutMs: 250, until: () => false });
    expect(timedOut.done).toBe(false);
    expect(timedOut.disk?.diskId).toBe(disks[0]);
    watcher.close();
  });

  it('a wait labelled like earlier ones is polled when the change is due, densely, not at the backoff pace', async () => {
    const gw = emu.gateway();
    const watcher = new DiskWatcher(gw, { clock: systemClock, ...DEFAULT_WATCHER });
    /** Attaches a new disk and waits for it; returns how long the wait took and its polls' ages. */
    const attachAndWait = async (i: number) => {
      const diskId = await createAvailableDisk(gw, `learn-${i}`);
      await emu.clearCalls();
      await gw.attachDisk({ diskId, instanceId: nvmeI[i]! });
      const since = Date.now();
      const result = await watcher.watch(REGION, diskId, {
        timeoutMs: 5_000,
        learn: 'AttachDisk',
        until: (d) => d?.attachments.some((a) => a.instanceId === nvmeI[i]) === true,
      });
      expect(result.done).toBe(true);
      const polls = (await emu.calls('DescribeDisks')).map((c) => Date.parse(c.time) - since);
      return { took: Date.now() - since, polls };
    };
    // Nothing learned yet: the backoff's 500 ms steps, so the 600 ms attach is seen at about 1 s.
    const first = await attachAndWait(3);
    expect(first.polls[0]).toBeGreaterThanOrEqual(DEFAULT_WATCHER.minIntervalMs - 5);
    const second = await attachAndWait(4);
    // Nothing is asked before 90 % of the fastest wait so far, then every 100 ms until it is seen.
    const [opening, ...dense] = second.polls;
    expect(opening).toBeGreaterThanOrEqual(0.9 * first.took - 50);
    const gaps = dense.map((at, i) => at - (second.polls[i] ?? 0));
    expect(gaps.every((gap) => gap < DEFAULT_WATCHER.minIntervalMs - 50)).toBe(true);
    watcher.close();
  });
});
