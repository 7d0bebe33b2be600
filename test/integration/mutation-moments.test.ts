/**
 * Issue 18: every mutation follows the re-check of its own moment, also mid-request and after a
 * crash. The facts change right after one call of the request (a tripwire on the real SDK gateway
 * runs an emulator admin change once that call returns); the next mutation must not be sent.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { FAILOVER_CURSOR } from '../../src/jobs/steps/failover.js';
import { CURSOR } from '../../src/jobs/steps/index.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import { createAvailableDisk, type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';
import { Tripwire } from '../support/tripwire.js';

const REGION = SEED.regionId;
const ids = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;
let worker: { close(): Promise<void> };

const wire = new Tripwire();

beforeAll(async () => {
  emu = await startHarness({
    latency: { attach: { baseMs: 5, jitterMs: 0 }, detach: { baseMs: 5, jitterMs: 0 } },
  });
  h = await executionHarness(inject('redisUrl'), wire.wrap(emu.gateway()), {
    run: { assistantTimeoutSec: 2 },
  });
  worker = h.execution.start();
});
afterAll(async () => {
  await worker.close();
  await h.close();
  await emu.close();
});

async function attachedTo(diskId: string, instanceIds: readonly string[]): Promise<void> {
  const gw = emu.gateway();
  for (const instanceId of instanceIds) {
    await gw.attachDisk({ diskId, instanceId });
    for (;;) {
      const [d] = await gw.describeDisks({ regionId: REGION, diskIds: [diskId] });
      if (d?.attachments.some((x) => x.instanceId === instanceId)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const failover = (diskId: string, from: string, to: string): ParamsOf['failover'] => ({
  diskId,
  fromInstanceId: from,
  toInstanceId: to,
  regionId: REGION,
  fencingMode: 'detach',
});
const sentTo = async (action: string, diskId: string) =>
  (await emu.calls(action)).filter((c) => c.params.DiskId === diskId).map((c) => c.params.InstanceId);

it('failover (detach fencing): the standby stopped right after the fence gets no AttachDisk', async () => {
  const [from, to] = [ids[0]!, ids[1]!];
  const diskId = await createAvailableDisk(emu.gateway(), 'moment-failover');
  await attachedTo(diskId, [from]);
  await emu.clearCalls();
  wire.arm({
    when: (method, args) =>
      method === 'detachDisk' && (args[0] as { instanceId: string }).instanceId === from,
    act: () => emu.stopInstance(to),
  });
  const request = await h.approved('failover', failover(diskId, from, to));
  const done = await h.waitFor(request.id);
  expect([done.state, done.outcome?.code]).toEqual(['failed', 'guard_changed']);
  expect(done.outcome?.message).toContain(`${to} is St`);
  expect(await sentTo('DetachDisk', diskId)).toEqual([from]);
  expect(await sentTo('AttachDisk', diskId)).toEqual([]);
  await emu.admin(`instances/${to}/start`, {});
});

it('failover resumed after a crash past the fence: the standby stopped meanwhile gets no AttachDisk', async () => {
  const [from, to] = [ids[2]!, ids[3]!];
  const diskId = await createAvailableDisk(emu.gateway(), 'moment-failover-resume');
  await attachedTo(diskId, [from]);
  const request = await h.approved('failover', failover(diskId, from, to), { submit: false });
  // A worker that fenced (DetachDisk of the old primary landed) and died before the standby attach.
  const started = await h.service.start(request.id, 'dead-worker', { planHash: request.planHash });
  expect(started.ok).toBe(true);
  for (const [from_, to_] of [
    [CURSOR.START, CURSOR.CHECKED],
    [CURSOR.CHECKED, FAILOVER_CURSOR.FENCE_GUARD],
    [FAILOVER_CURSOR.FENCE_GUARD, FAILOVER_CURSOR.FENCED],
  ] as const) {
    expect((await h.service.recordStep(request.id, { from: from_, to: to_, actor: 'dead-worker' })).ok).toBe(
      true,
    );
  }
  await emu.admin(`disks/${diskId}/detach`, { instanceId: from });
  await emu.stopInstance(to);
  await emu.clearCalls();
  const resumed = await h.service.get(request.id);
  if (!resumed) throw new Error('request vanished');
  await h.execution.executor.submit(resumed);
  const done = await h.waitFor(request.id);
  expect([done.state, done.outcome?.code]).toEqual(['failed', 'guard_changed']);
  expect(await sentTo('AttachDisk', diskId)).toEqual([]);
  await emu.admin(`instances/${to}/start`, {});
});
