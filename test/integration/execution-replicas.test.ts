import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import {
  createAvailableDisk,
  type EmulatorHarness,
  startHarness,
  successfulMutations,
} from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';
import { type SpawnedWorker, spawnWorker } from '../support/execution-workers.js';

const REGION = SEED.regionId;
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
let emu: EmulatorHarness;
let h: ExecutionHarness;
let workers: SpawnedWorker[] = [];

beforeAll(async () => {
  emu = await startHarness();
});
afterAll(async () => emu.close());
afterEach(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  workers = [];
  await h?.close();
});

function replicas(names: string[], extra: Record<string, string> = {}): SpawnedWorker[] {
  workers = names.map((name) =>
    spawnWorker(name, {
      REDIS_URL: inject('redisUrl'),
      SDB_PREFIX: h.prefix,
      ECS_ENDPOINT: emu.emu.endpoint,
      ...extra,
    }),
  );
  return workers;
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('replicas in separate processes', () => {
  it('kill -9 of the worker mid-attach: the other replica resumes and the request completes exactly once', async () => {
    await emu.reset();
    // Each AttachDisk answers after 150 ms and only two are in flight, so sending 16 takes ≈ 1.2 s.
    await emu.setFaults({ AttachDisk: { addedLatencyMs: 150 } });
    h = await executionHarness(inject('redisUrl'), emu.gateway());
    const diskId = await createAvailableDisk(emu.gateway(), 'replicas-crash');
    const [a, b] = replicas(['replica-a', 'replica-b'], { MUTATION_CONCURRENCY: '2' });
    await Promise.all([a!.ready, b!.ready]);

    const sixteen = nvmeI.slice(0, 16);
    const request = await h.approved('attach', {
      diskId,
      instanceIds: sixteen,
      allowSingleNodeFs: false,
      regionId: REGION,
    });
    const victim = await until(() =>
      workers.find((w) => w.events.some((e) => e.type === 'started' && e.requestId === request.id)),
    );
    await until(async () => ((await emu.calls('AttachDisk')).length > 0 ? true : undefined));
    victim.child.kill('SIGKILL');
    await victim.exited;
    const sentBeforeKill = (await emu.calls('AttachDisk')).length;
    expect(sentBeforeKill).toBeLessThan(16);

    const done = await h.waitFor(request.id, ['succeeded', 'partial', 'failed'], 30_000);
    expect([done.state, done.outcome?.code]).toEqual(['succeeded', 'attached']);
    const survivor = workers.find((w) => w !== victim)!;
    await until(() => (survivor.events.some((e) => e.type === 'finished') ? true : undefined));
    expect(survivor.events.filter((e) => e.type === 'finished' && e.requestId === request.id)).toHaveLength(
      1,
    );
    expect(
      survivor.events.some((e) => e.type === 'step' && e.label === 'Resumed after an interrupted attempt'),
    ).toBe(true);
    const [after] = await emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] });
    expect(after?.attachments.map((x) => x.instanceId).sort()).toEqual([...sixteen].sort());
    const counts = successfulMutations(await emu.calls('AttachDisk'), 'AttachDisk');
    expect(counts.size).toBe(16);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const audit = await new RedisAuditLog(h.redis, { prefix: h.prefix }).forRequest(request.id);
    expect(audit.filter((e) => e.event === 'finished')).toHaveLength(1);
    expect(audit.filter((e) => e.event === 'started')).toHaveLength(1);
  }, 45_000);

  it('two replicas on one Redis share the work without running any request twice', async () => {
    await emu.reset();
    await emu.setFaults({});
    h = await executionHarness(inject('redisUrl'), emu.gateway());
    const disks = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => createAvailableDisk(emu.gateway(), `replicas-pair-${i}`)),
    );
    const [a, b] = replicas(['replica-a', 'replica-b'], { CONCURRENCY: '1' });
    await Promise.all([a!.ready, b!.ready]);
    const requests = await Promise.all(
      disks.map((diskId, i) =>
        h.approved('attach', {
          diskId,
          instanceIds: nvmeI.slice(i * 3, i * 3 + 3),
          allowSingleNodeFs: false,
          regionId: REGION,
        }),
      ),
    );
    for (const r of requests) expect((await h.waitFor(r.id, undefined, 30_000)).state).toBe('succeeded');
    // The reporter hears of the end right after the store records it; give the last line time to arrive.
    const finished = () => workers.flatMap((w) => w.events).filter((e) => e.type === 'finished');
    await until(() => (finished().length >= requests.length ? true : undefined));
    const all = workers.flatMap((w) => w.events);
    for (const r of requests) {
      expect(all.filter((e) => e.type === 'started' && e.requestId === r.id)).toHaveLength(1);
      expect(all.filter((e) => e.type === 'finished' && e.requestId === r.id)).toHaveLength(1);
    }
    expect(workers.every((w) => w.events.some((e) => e.type === 'finished'))).toBe(true);
    const counts = successfulMutations(await emu.calls('AttachDisk'), 'AttachDisk');
    expect(counts.size).toBe(18);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 45_000);
});
