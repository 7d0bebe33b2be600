/**
 * Hand-over of a request whose replica dies mid-step, with the shipped timing (TIMING=production) or
 * a shorter queue timing (`HandOverSetup.queue`, for the test): two `worker-process.ts` replicas on one Redis, an attach of 16 instances or a reservation-mode
 * failover, `kill -9` of the replica running it in the middle of its mutations, and the time until
 * the survivor reports "Resumed after an interrupted attempt". Shared by the test and
 * `npm run bench:handover`.
 */
import { randomUUID } from 'node:crypto';
import { SEED } from '../../src/emulator/index.js';
import type { DiskRequest } from '../../src/workflow/request.js';
import {
  type CallEntry,
  createAvailableDisk,
  type EmulatorHarness,
  FAST_LATENCY,
  successfulMutations,
} from './execution-emulator.js';
import type { ExecutionHarness } from './execution-harness.js';
import { type SpawnedWorker, spawnWorker, type WorkerEvent } from './execution-workers.js';

const REGION = SEED.regionId;
const NVME_I = SEED.instances.nvmeI.map((i) => i.id);
export const RESUMED_LABEL = 'Resumed after an interrupted attempt';

export interface HandOver {
  readonly kind: 'attach' | 'failover';
  readonly request: DiskRequest;
  /** kill -9 → the survivor's "Resumed" report (both clocks are this machine's). */
  readonly handOverMs: number;
  readonly victim: string;
  readonly survivor: SpawnedWorker;
  /** Mutations the emulator answered OK, per target; every count must be 1. */
  readonly mutations: Map<string, number>;
  /** Mutations sent before the kill (so the kill was really mid-step). */
  readonly sentBeforeKill: number;
  readonly events: WorkerEvent[];
}

export interface HandOverSetup {
  readonly emu: EmulatorHarness;
  readonly h: ExecutionHarness;
  readonly redisUrl: string;
  /** Replicas spawned here, for the caller to stop. */
  readonly spawned: SpawnedWorker[];
  /** BullMQ lock and stalled-check timing of the replicas; absent = the shipped timing. */
  readonly queue?: { readonly lockDurationMs: number; readonly stalledIntervalMs: number };
}

async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Scripts that only read: a survivor may repeat them (e.g. the old primary's inspect) without harm. */
const READ_ONLY_SCRIPTS = new Set(['inspect', 'nvme-report']);

/**
 * Every OK RunCommand/InvokeCommand of a script that changes something, per (script, instances), from the
 * `# shared-disk-bot:<script>:` marker.
 */
export function successfulCommands(calls: readonly CallEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of calls) {
    if ((c.action !== 'RunCommand' && c.action !== 'InvokeCommand') || c.code !== 'OK') continue;
    const raw = c.params.CommandContent ?? '';
    const text = raw.includes('shared-disk-bot:') ? raw : Buffer.from(raw, 'base64').toString('utf8');
    const script = /# shared-disk-bot:([\w-]+):/.exec(text)?.[1] ?? 'other';
    if (READ_ONLY_SCRIPTS.has(script)) continue;
    const targets = Object.entries(c.params)
      .filter(([k]) => k.startsWith('InstanceId'))
      .map(([, v]) => v)
      .sort()
      .join(',');
    const key = `${script}@${targets}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function pair(setup: HandOverSetup, tag: string): Promise<SpawnedWorker[]> {
  const workers = ['a', 'b'].map((n) =>
    spawnWorker(`replica-${tag}-${n}`, {
      REDIS_URL: setup.redisUrl,
      SDB_PREFIX: setup.h.prefix,
      ECS_ENDPOINT: setup.emu.emu.endpoint,
      ...(setup.queue
        ? {
            LOCK_DURATION_MS: String(setup.queue.lockDurationMs),
            STALLED_INTERVAL_MS: String(setup.queue.stalledIntervalMs),
          }
        : { TIMING: 'production' }),
      MUTATION_CONCURRENCY: '2',
    }),
  );
  setup.spawned.push(...workers);
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

const runnerOf = (workers: SpawnedWorker[], id: string) =>
  workers.find((w) => w.events.some((e) => e.type === 'started' && e.requestId === id));

/** Kills the replica running `request` once `midStep` holds, then times the hand-over. */
async function killAndTime(
  setup: HandOverSetup,
  workers: SpawnedWorker[],
  request: DiskRequest,
  midStep: () => Promise<number | undefined>,
): Promise<Omit<HandOver, 'kind' | 'mutations'>> {
  const victim = await until(() => runnerOf(workers, request.id), 20_000, `${request.id} started`);
  const sentBeforeKill = await until(midStep, 20_000, `${request.id} mid-step`);
  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  await victim.exited;
  const survivor = workers.find((w) => w !== victim) as SpawnedWorker;
  const resumed = await until(
    () =>
      survivor.events.find(
        (e) => e.type === 'step' && e.label === RESUMED_LABEL && e.requestId === request.id,
      ),
    60_000,
    `${request.id} resumed`,
  );
  await setup.h.waitFor(request.id, ['succeeded', 'partial', 'failed'], 60_000);
  await until(
    () =>
      survivor.events.some((e) => e.type === 'finished' && e.requestId === request.id) ? true : undefined,
    10_000,
    `${request.id} finished on the survivor`,
  );
  const done = (await setup.h.service.get(request.id)) as DiskRequest;
  return {
    request: done,
    handOverMs: Number(resumed.at) - killedAt,
    victim: victim.name,
    survivor,
    sentBeforeKill,
    events: workers.flatMap((w) => w.events),
  };
}

/** Attach of 16 instances; the kill lands while the AttachDisk calls are going out. */
export async function attachHandOver(setup: HandOverSetup): Promise<HandOver> {
  const { emu, h } = setup;
  await emu.setFaults({ AttachDisk: { addedLatencyMs: 150 } });
  const diskId = await createAvailableDisk(emu.gateway(), `handover-attach-${randomUUID().slice(0, 8)}`);
  const workers = await pair(setup, 'attach');
  const sixteen = NVME_I.slice(0, 16);
  const request = await h.approved('attach', {
    diskId,
    instanceIds: sixteen,
    allowSingleNodeFs: false,
    regionId: REGION,
  });
  const ofDisk = async () => (await emu.calls('AttachDisk')).filter((c) => c.params.DiskId === diskId);
  const result = await killAndTime(setup, workers, request, async () => {
    const sent = (await ofDisk()).length;
    return sent > 0 ? sent : undefined;
  });
  await emu.setFaults({});
  return { kind: 'attach', ...result, mutations: successfulMutations(await ofDisk(), 'AttachDisk') };
}

/**
 * Reservation-mode failover from an instance the bot attached (so its key is registered) to one
 * without the disk; the kill lands while the standby's AttachDisk is being waited for.
 */
export async function failoverHandOver(setup: HandOverSetup): Promise<HandOver> {
  const { emu, h } = setup;
  const [from, to] = [NVME_I[0] as string, NVME_I[1] as string];
  const diskId = await createAvailableDisk(emu.gateway(), `handover-failover-${randomUUID().slice(0, 8)}`);
  const workers = await pair(setup, 'failover');
  const first = await h.approved('attach', {
    diskId,
    instanceIds: [from],
    allowSingleNodeFs: false,
    regionId: REGION,
  });
  const attached = await h.waitFor(first.id, ['succeeded', 'partial', 'failed'], 30_000);
  if (attached.state !== 'succeeded') throw new Error(`setup attach ended ${attached.state}`);
  // A slow attach of the standby: the kill comes while the failover waits for it.
  await emu.setLatency({ attach: { baseMs: 2_500, jitterMs: 0 } });
  const since = (await emu.calls()).reduce((max, c) => Math.max(max, c.seq), 0);
  const calls = async () => (await emu.calls()).filter((c) => c.seq > since);
  const request = await h.approved('failover', {
    diskId,
    fromInstanceId: from,
    toInstanceId: to,
    regionId: REGION,
    fencingMode: 'reservation',
  });
  const result = await killAndTime(setup, workers, request, async () => {
    const sent = (await calls()).filter(
      (c) => c.action === 'AttachDisk' && c.params.InstanceId === to,
    ).length;
    return sent > 0 ? sent : undefined;
  });
  await emu.setLatency(FAST_LATENCY);
  const after = await calls();
  const ofDisk = after.filter((c) => c.params.DiskId === diskId);
  const mutations = new Map<string, number>();
  for (const action of ['AttachDisk', 'DetachDisk'])
    for (const [k, n] of successfulMutations(ofDisk, action)) mutations.set(`${action} ${k}`, n);
  for (const [k, n] of successfulCommands(after)) mutations.set(`RunCommand ${k}`, n);
  return { kind: 'failover', ...result, mutations };
}
