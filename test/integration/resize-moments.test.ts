/**
 * Issue 19 with issue 18's mutation moments: the facts change right after one call of a resize (a
 * tripwire on the real SDK gateway runs an emulator admin change once that call returns); the next
 * mutation (ResizeDisk, the fs-grow script) must not be sent.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { EcsGateway } from '../../src/cloud/gateway.js';
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
let trip: { readonly when: (method: string) => boolean; act: () => Promise<void> } | undefined;

/** The emulator's gateway; after the first call `trip.when` matches returns, `trip.act` runs once. */
function tripwire(inner: EcsGateway): EcsGateway {
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const armed = trip;
        if (armed?.when(String(key))) {
          trip = undefined;
          await armed.act();
        }
        return out;
      };
    },
  });
}

beforeAll(async () => {
  emu = await startHarness({ latency: { ...QUICK_LATENCY, attach: { baseMs: 5, jitterMs: 0 } } });
  h = await executionHarness(inject('redisUrl'), tripwire(emu.gateway()), {
    run: { ...QUICK_RUN, assistantTimeoutSec: 2 },
  });
  worker = h.execution.start();
});
afterAll(async () => {
  await worker.close();
  await h.close();
  await emu.close();
});

/** A managed 20 GiB disk with OCFS2 mounted at /shared on `nodes`. */
async function ocfs2On(name: string, nodes: readonly string[]): Promise<string> {
  const gw = emu.gateway();
  const diskId = await createAvailableDisk(gw, name);
  for (const instanceId of nodes) {
    await gw.attachDisk({ diskId, instanceId });
    for (;;) {
      const [d] = await gw.describeDisks({ regionId: REGION, diskIds: [diskId] });
      if (d?.attachments.some((x) => x.instanceId === instanceId)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await emu.admin(`disks/${diskId}/filesystem`, { fstype: 'ocfs2' });
  for (const n of nodes)
    await emu.admin(`instances/${n}/disks/${diskId}/filesystem`, { mountpoints: ['/shared'] });
  return diskId;
}

const resize = (diskId: string, nodes: readonly string[]): ParamsOf['resize'] => ({
  diskId,
  regionId: REGION,
  sizeGiB: 40,
  offline: false,
  snapshot: true,
  afterResize: false,
  instanceIds: [...nodes],
});
const grows = async () =>
  (await emu.calls('InvokeCommand')).filter((c) =>
    Buffer.from(c.params.CommandContent ?? '', 'base64')
      .toString()
      .includes('shared-disk-bot:fs-grow'),
  );

it('a node stopped right after the snapshot started: no ResizeDisk', async () => {
  const nodes = [ids[0]!, ids[1]!];
  const diskId = await ocfs2On('moment-resize', nodes);
  await emu.clearCalls();
  trip = { when: (method) => method === 'createSnapshot', act: () => emu.stopInstance(nodes[1]!) };
  const request = await h.approved('resize', resize(diskId, nodes));
  const done = await h.waitFor(request.id);
  expect([done.state, done.outcome?.code]).toEqual(['failed', 'guard_changed']);
  expect(done.outcome?.message).toContain(
    'Stopped before ResizeDisk; the disk was not resized (the snapshot is kept).',
  );
  expect(done.outcome?.message).toContain(nodes[1]);
  expect(await emu.calls('CreateSnapshot')).toHaveLength(1);
  expect(await emu.calls('ResizeDisk')).toEqual([]);
  await emu.admin(`instances/${nodes[1]}/start`, {});
});

it('the file system changed right after ResizeDisk: every node rescanned, no fs-grow', async () => {
  const nodes = [ids[2]!, ids[3]!];
  const diskId = await ocfs2On('moment-grow', nodes);
  await emu.clearCalls();
  trip = {
    when: (method) => method === 'resizeDisk',
    act: async () => void (await emu.admin(`disks/${diskId}/filesystem`, { fstype: 'xfs' })),
  };
  const request = await h.approved('resize', resize(diskId, nodes));
  const done = await h.waitFor(request.id);
  expect([done.state, done.outcome?.code]).toEqual(['partial', 'guard_changed']);
  expect(done.outcome?.message).toContain('Every node sees the new size; nothing was grown.');
  expect(done.outcome?.message).toContain('xfs');
  expect((await emu.calls('ResizeDisk')).filter((c) => c.code === 'OK')).toHaveLength(1);
  expect(await grows()).toEqual([]);
});
