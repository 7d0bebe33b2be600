/**
 * Issue 19, `/disk resize --offline`: with every attached instance Stopped the bot resizes offline,
 * then waits visibly ("waiting for 2 instances to start: 0/2 Running") until the operator starts
 * them, then verifies every node and finishes; a region still on the 2021 API gets the offline path
 * explained.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import {
  createAvailableDisk,
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
} from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness, QUICK_RUN } from '../support/execution-harness.js';

const REGION = SEED.regionId;
const ids = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;
let worker: { close(): Promise<void> };

beforeAll(async () => {
  emu = await startHarness({ latency: { ...QUICK_LATENCY, attach: { baseMs: 5, jitterMs: 0 } } });
  h = await executionHarness(inject('redisUrl'), emu.gateway(), {
    run: { ...QUICK_RUN, assistantTimeoutSec: 2 },
  });
  worker = h.execution.start();
});
afterAll(async () => {
  await worker.close();
  await h.close();
  await emu.close();
});

const until = async (what: () => Promise<boolean>) => {
  const deadline = Date.now() + 20_000;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('condition not reached in 20 s');
    await new Promise((r) => setTimeout(r, 50));
  }
};

async function attachedTo(name: string, nodes: readonly string[]): Promise<string> {
  const gw = emu.gateway();
  const diskId = await createAvailableDisk(gw, name);
  for (const instanceId of nodes) {
    await gw.attachDisk({ diskId, instanceId });
    await until(
      async () =>
        (await gw.describeDisks({ regionId: REGION, diskIds: [diskId] }))[0]?.attachments.some(
          (a) => a.instanceId === instanceId,
        ) === true,
    );
  }
  return diskId;
}

const params = (diskId: string, nodes: readonly string[], offline: boolean): ParamsOf['resize'] => ({
  diskId,
  regionId: REGION,
  sizeGiB: 30,
  offline,
  snapshot: false,
  afterResize: false,
  instanceIds: [...nodes],
});

it('offline: resizes with every instance Stopped, waits visibly until they run, then verifies every node', async () => {
  const nodes = [ids[10]!, ids[11]!];
  const diskId = await attachedTo('offline-resize', nodes);
  for (const n of nodes) await emu.stopInstance(n);
  const gw = emu.gateway();
  await until(async () =>
    (await gw.describeInstances({ regionId: REGION, instanceIds: nodes })).every(
      (i) => i.status === 'Stopped',
    ),
  );
  const request = await h.approved('resize', params(diskId, nodes, true));
  await until(async () =>
    h.reporter
      .steps(request.id)
      .some((s) => s.label.startsWith('Waiting for 2 instances to start: 0/2 Running')),
  );
  expect((await emu.calls('ResizeDisk')).find((c) => c.params.DiskId === diskId)?.params.Type).toBe(
    'offline',
  );
  expect((await h.service.get(request.id))?.state).toBe('running');
  for (const n of nodes) await emu.admin(`instances/${n}/start`, {});
  const done = await h.waitFor(request.id);
  expect([done.state, done.outcome?.code]).toEqual(['succeeded', 'ok']);
  expect(done.outcome?.message).toContain('every node sees it (2/2)');
  const labels = h.reporter.steps(request.id).map((s) => s.label);
  expect(labels).toContain('Every instance Running (2/2)');
  expect(labels).toContain('Rescanned every node (2/2 see 30 GiB)');
});

it('a region on the 2021 API refuses online: the result explains the offline path and nothing was resized', async () => {
  const nodes = [ids[12]!];
  const diskId = await attachedTo('online-refused', nodes);
  await emu.admin('region', { onlineMultiAttachResize: false });
  const request = await h.approved('resize', params(diskId, nodes, false));
  const done = await h.waitFor(request.id);
  await emu.admin('region', { onlineMultiAttachResize: true });
  expect([done.state, done.outcome?.code]).toEqual([
    'failed',
    'InvalidOperation.MultiAttachDiskNotSupportResizeOnline',
  ]);
  expect(done.outcome?.message).toContain(
    `Stop every attached instance, then file /disk resize ${diskId} --size 30 --offline`,
  );
  expect((await gw()).sizeGiB).toBe(20);
  async function gw() {
    const [d] = await emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] });
    if (!d) throw new Error('disk gone');
    return d;
  }
});
