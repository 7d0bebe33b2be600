/**
 * Issue 21 point 3: a guest that just timed out costs no new wait. With a crashed instance holding
 * the disk, the second `/disk status` and an attach preflight report it unreadable after one poll
 * (under 1 s of Cloud Assistant waiting, against the 1 s Timeout plus grace of the first read), and
 * the attach fails closed with why; a guest that comes back is read again at once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueries } from '../../src/app/disk-queries.js';
import { type AssistantTiming, DEFAULT_ASSISTANT_TIMING } from '../../src/cloud/assistant.js';
import { GUEST_UNRESPONSIVE, UnresponsiveGuests } from '../../src/cloud/unresponsive-guests.js';
import { SEED } from '../../src/emulator/index.js';
import { facts } from '../../src/kinds/registry.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const REGION = SEED.regionId;
const disk = SEED.disks.sharedExt4;
const crashed = disk.attachedTo;
const newcomer = SEED.instances.nvmeI[0]!.id;
let emu: EmulatorHarness;

beforeAll(async () => {
  emu = await startHarness();
});
afterAll(async () => emu.close());

/** The wiring's timing (one memory per process), with the time spent waiting on guests summed. */
function timing(): { timing: AssistantTiming; waitedMs: () => number; reset: () => void } {
  let waited = 0;
  return {
    timing: {
      ...DEFAULT_ASSISTANT_TIMING,
      sleep: (ms) => {
        waited += ms;
        return DEFAULT_ASSISTANT_TIMING.sleep(ms);
      },
      unresponsive: new UnresponsiveGuests(() => Date.now()),
    },
    waitedMs: () => waited,
    reset: () => {
      waited = 0;
    },
  };
}

const instanceVerb = async (verb: 'crash' | 'recover') => {
  const response = await fetch(`${emu.emu.url}/_emulator/instances/${crashed}/${verb}`, {
    method: 'POST',
    body: '{}',
  });
  expect(response.ok).toBe(true);
};

const invokedOn = async (instanceId: string) =>
  (await emu.calls()).filter(
    (c) =>
      ['RunCommand', 'InvokeCommand'].includes(c.action) && JSON.stringify(c.params).includes(instanceId),
  );

describe('a crashed guest costs no new wait (emulator, real SDK)', () => {
  beforeEach(async () => {
    await emu.reset();
    await instanceVerb('crash');
  });

  it('/disk status and an attach preflight after one timeout: under 1 s of waiting, unreadable with why', async () => {
    const t = timing();
    const queries = new DiskQueries({
      gateway: emu.gateway(),
      defaultRegion: REGION,
      inspectTimeoutSec: 1,
      assistantTiming: t.timing,
    });
    // The first read pays the guest's whole Timeout (a deadline on the clock; the sleeps between
    // polls sum to less when the machine is busy, so the clock is what is measured here).
    const startedAt = performance.now();
    const first = await queries.status(disk.diskId, 'CTEST');
    expect(JSON.stringify(first)).toContain('DeliveryTimeout');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1000);

    await emu.clearCalls();
    t.reset();
    const second = await queries.status(disk.diskId, 'CTEST');
    expect(JSON.stringify(second)).toContain(GUEST_UNRESPONSIVE);
    expect(await invokedOn(crashed)).toHaveLength(1);
    expect(t.waitedMs()).toBeLessThan(1000);
    await emu.clearCalls();
    t.reset();

    const reading = await facts(
      emu.gateway(),
      'attach',
      { diskId: disk.diskId, instanceIds: [newcomer], allowSingleNodeFs: false, regionId: REGION },
      'filing',
      { guests: { timeoutSec: 1, timing: t.timing } },
    );
    const refusal = reading.checks.find((c) => c.level === 'error' && c.message.includes(GUEST_UNRESPONSIVE));
    expect(refusal?.code).toBe('filesystem_unknown');
    expect(await invokedOn(crashed)).toHaveLength(1);
    expect(t.waitedMs()).toBeLessThan(1000);
  });

  it('a guest that answers again is read at once, within the memory', async () => {
    const t = { ...DEFAULT_ASSISTANT_TIMING, unresponsive: new UnresponsiveGuests(() => Date.now()) };
    const queries = new DiskQueries({
      gateway: emu.gateway(),
      defaultRegion: REGION,
      inspectTimeoutSec: 1,
      assistantTiming: t,
    });
    await queries.status(disk.diskId, 'CTEST');
    await instanceVerb('recover');
    await emu.clearCalls();
    const after = await queries.status(disk.diskId, 'CTEST');
    expect(JSON.stringify(after)).not.toContain(GUEST_UNRESPONSIVE);
    expect((await invokedOn(crashed)).length).toBeGreaterThan(0);
  });
});
