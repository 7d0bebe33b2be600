import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { clientTokenFor } from '../../src/jobs/steps/create.js';
import { facts } from '../../src/kinds/registry.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import {
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
  successfulMutations,
} from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness, QUICK_RUN } from '../support/execution-harness.js';

const REGION = SEED.regionId;
const ZONE = SEED.zones.multiAttachI;
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;

beforeAll(async () => {
  emu = await startHarness({ latency: QUICK_LATENCY });
});
afterAll(async () => emu.close());
afterEach(async () => h?.close());

const createParams = (name: string): ParamsOf['create'] => ({
  name,
  sizeGiB: 40,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  regionId: REGION,
  zoneId: ZONE,
  burstingEnabled: false,
  allowDuplicateName: false,
  tags: [{ key: 'team', value: 'storage' }],
});

async function createDisk(name: string): Promise<string> {
  const request = await h.approved('create', createParams(name));
  const done = await h.waitFor(request.id);
  expect(done.state).toBe('succeeded');
  return /Created (d-\w+)/.exec(done.outcome?.message ?? '')?.[1] ?? '';
}

describe('execution end to end (real Redis, emulator, real SDK)', () => {
  it('create → attach to 16 instances → 17th refused at preflight → detach', async () => {
    await emu.reset();
    h = await executionHarness(inject('redisUrl'), emu.gateway(), { run: QUICK_RUN });
    const worker = h.execution.start();

    const create = await h.approved('create', createParams('shared-16'));
    const created = await h.waitFor(create.id);
    expect([created.state, created.outcome?.code]).toEqual(['succeeded', 'created']);
    const diskId = /Created (d-\w+)/.exec(created.outcome?.message ?? '')?.[1] ?? '';
    const [createCall] = await emu.calls('CreateDisk');
    expect(createCall?.params).toMatchObject({
      MultiAttach: 'Enabled',
      ClientToken: clientTokenFor(create.id),
      ZoneId: ZONE,
    });
    expect(clientTokenFor(create.id)).toMatch(/^[\x20-\x7e]{1,64}$/);
    expect(created.stepCursor).toBe(2);

    const sixteen = nvmeI.slice(0, 16);
    const attach = await h.approved('attach', {
      diskId,
      instanceIds: sixteen,
      allowSingleNodeFs: false,
      regionId: REGION,
    });
    const attached = await h.waitFor(attach.id);
    expect([attached.state, attached.outcome?.code]).toEqual(['succeeded', 'attached']);
    const [disk] = await emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] });
    expect(disk?.attachments.map((a) => a.instanceId).sort()).toEqual([...sixteen].sort());
    const result = h.reporter.result(attach.id);
    expect(result?.attachments).toHaveLength(16);
    expect(result?.attachments.every((a) => a.state === 'attached' && a.device.startsWith('/dev/'))).toBe(
      true,
    );
    expect(
      h.reporter.steps(attach.id).filter((s) => s.status === 'ok' && s.label.startsWith('AttachDisk')),
    ).toHaveLength(16);
    expect(
      [...successfulMutations(await emu.calls('AttachDisk'), 'AttachDisk').values()].every((n) => n === 1),
    ).toBe(true);

    const seventeenth = await facts(
      emu.gateway(),
      'attach',
      { diskId, instanceIds: [nvmeI[16]!], allowSingleNodeFs: false, regionId: REGION },
      'filing',
      { guests: { timeoutSec: 10 } },
    );
    const refusal = seventeenth.checks.find((c) => c.level === 'error');
    expect(refusal?.code).toBe('attachment_limit_exceeded');
    expect(refusal?.message).toContain('at most 16 instances; it has 16 and this adds 1 (17)');

    const detach = await h.approved('detach', {
      diskId,
      force: false,
      instanceIds: [...sixteen.slice(0, 4), nvmeI[17]!],
      regionId: REGION,
    });
    const detached = await h.waitFor(detach.id);
    expect([detached.state, detached.outcome?.code]).toEqual(['succeeded', 'detached']);
    const [after] = await emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] });
    expect(after?.attachments).toHaveLength(12);
    expect(h.reporter.steps(detach.id).find((s) => s.status === 'skipped')?.detail).toContain(nvmeI[17]);
    expect(h.reporter.result(detach.id)?.attachments.filter((a) => a.state === 'detached')).toHaveLength(4);
    await worker.close();
  });

  it('guard_changed: an instance stopped between approval and execution ends the request failed, untouched', async () => {
    await emu.reset();
    h = await executionHarness(inject('redisUrl'), emu.gateway(), { run: QUICK_RUN });
    const worker = h.execution.start();
    const diskId = await createDisk('stale');
    const request = await h.approved(
      'attach',
      { diskId, instanceIds: [nvmeI[0]!, nvmeI[1]!], allowSingleNodeFs: false, regionId: REGION },
      { submit: false },
    );
    await emu.setLatency({ stop: { baseMs: 60_000, jitterMs: 0 } });
    await emu.stopInstance(nvmeI[1]!);
    await emu.clearCalls();
    await h.execution.executor.submit(request);
    const done = await h.waitFor(request.id);
    // One meaning for every re-check (issue 18): any error the card did not show is guard_changed.
    expect([done.state, done.outcome?.code]).toEqual(['failed', 'guard_changed']);
    expect(done.outcome?.message).toContain(`${nvmeI[1]} is Stopping; AttachDisk needs Running or Stopped`);
    expect(await emu.calls('AttachDisk')).toEqual([]);
    await worker.close();
  });

  it('a second request on a locked disk waits, says who holds it, then fails with locked', async () => {
    await emu.reset();
    h = await executionHarness(inject('redisUrl'), emu.gateway(), {
      run: { ...QUICK_RUN, lockWaitMs: 600, lockRetryMs: 100 },
    });
    const diskId = await (async () => {
      const worker = h.execution.start();
      const id = await createDisk('locked');
      await worker.close();
      return id;
    })();
    const { RedisLocks } = await import('../../src/store/locks.js');
    const locks = new RedisLocks(h.redis, { prefix: h.prefix });
    const held = await locks.acquire('R-HOLDER0000', [{ kind: 'disk', id: diskId }], 30_000, Date.now());
    expect(held.ok).toBe(true);
    expect((await h.execution.lockHolder(diskId))?.requestId).toBe('R-HOLDER0000');
    const worker = h.execution.start();
    const request = await h.approved('attach', {
      diskId,
      instanceIds: [nvmeI[2]!],
      allowSingleNodeFs: false,
      regionId: REGION,
    });
    const done = await h.waitFor(request.id);
    expect([done.state, done.outcome?.code]).toEqual(['failed', 'locked']);
    expect(done.outcome?.message).toContain(`disk ${diskId} is held by request R-HOLDER0000`);
    expect(h.reporter.steps(request.id)[0]).toMatchObject({ label: 'Waiting for a lock', status: 'skipped' });
    await worker.close();
  });

  it('failover runs through its step runner (detach mode: the old primary is detached)', async () => {
    await emu.reset();
    h = await executionHarness(inject('redisUrl'), emu.gateway(), { run: QUICK_RUN });
    const worker = h.execution.start();
    const request = await h.approved('failover', {
      diskId: SEED.disks.sharedExt4.diskId,
      fromInstanceId: SEED.disks.sharedExt4.attachedTo,
      toInstanceId: nvmeI[0]!,
      regionId: REGION,
      fencingMode: 'detach',
    });
    const done = await h.waitFor(request.id);
    expect([done.state, done.outcome?.code]).toEqual(['succeeded', 'failed_over']);
    const disk = (await emu.state()).disks.find((d) => d.diskId === SEED.disks.sharedExt4.diskId);
    expect(disk?.attachments.map((a) => a.instanceId)).toEqual([nvmeI[0]]);
    await worker.close();
  });
});
