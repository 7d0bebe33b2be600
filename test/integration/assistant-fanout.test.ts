/**
 * One invocation (InvokeCommand of the registered script) per fan-out: an attach to 16 instances in reservation fencing mode registers all
 * 16 NVMe keys in ONE invocation (each host derives its key from {{ACS::InstanceId}}) and reads the
 * mount table in one more, through the execution subsystem, the real SDK and the emulator.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { reservationKeyFor } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import {
  createAvailableDisk,
  type EmulatorHarness,
  FAST_LATENCY,
  startHarness,
} from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';
import { reservationOf } from '../support/failover-harness.js';

const sixteen = SEED.instances.nvmeI.slice(0, 16).map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;
let worker: { close(): Promise<void> };

beforeAll(async () => {
  emu = await startHarness({ latency: { ...FAST_LATENCY, command: { baseMs: 100, jitterMs: 100 } } });
  h = await executionHarness(inject('redisUrl'), emu.gateway(), { fencingMode: 'reservation' });
  worker = h.execution.start();
});
afterAll(async () => {
  await worker.close();
  await h.close();
  await emu.close();
});

it('attach to 16 hosts: one invocation registers every host’s own key, one more reads the mounts', async () => {
  // Created blank as /disk create makes it: a disk of unknown content would first go to one host
  // and be inspected (issue 10's two-phase attach), which is one more invocation.
  const diskId = await createAvailableDisk(emu.gateway(), 'fanout-sixteen', { createdBlank: true });
  await emu.clearCalls();
  const request = await h.approved('attach', {
    diskId,
    instanceIds: sixteen,
    allowSingleNodeFs: false,
    regionId: SEED.regionId,
  });
  expect((await h.waitFor(request.id)).state).toBe('succeeded');

  // Registered commands (README, Security): invocations, never a free RunCommand.
  expect(await emu.calls('RunCommand')).toHaveLength(0);
  const runs = await emu.calls('InvokeCommand');
  expect(runs).toHaveLength(2);
  for (const run of runs) {
    const targets = Object.keys(run.params).filter((k) => /^InstanceId\.\d+$/.test(k));
    expect(targets).toHaveLength(16);
    // The same Parameters for every host: nothing per host is sent.
    expect(Object.keys(JSON.parse(run.params.Parameters ?? '{}') as object)).toEqual(['serial']);
  }
  expect((await emu.calls('DescribeInvocationResults')).length).toBeLessThanOrEqual(8);

  const reservation = await reservationOf(emu, diskId);
  expect(new Map(reservation?.registrants.map((r) => [r.instanceId, r.key]))).toEqual(
    new Map(sixteen.map((id) => [id, reservationKeyFor(id)])),
  );
  const registered = h.reporter.steps(request.id).find((s) => s.label === 'Register NVMe reservation keys');
  expect(registered).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^16 instance/) });
});
