// npm run bench:fleet — many attach requests at once against an account that throttles.
// Measures: the execution subsystem (BullMQ workers of two replicas in this process, each with its
// own Redis connections and its own RedisRateLimiter on the same keys, DiskWatcher, production
// retry policy and the default `limits.ecs` budget) against the ECS emulator through the real SDK,
// with the emulator throttling AttachDisk above a per-second quota (the account's room left by
// other tools) and 2 % of every call at random.
import { cpus } from 'node:os';
import { callClassOf, ECS_CALL_CLASSES, type EcsCallClass } from '../src/cloud/resilient-gateway.js';
import { SEED } from '../src/emulator/index.js';
import { createExecution, type ExecutionOptions } from '../src/jobs/execution.js';
import { DEFAULT_ECS_LIMITS } from '../src/workflow/policy.js';
import { createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const REQUESTS = Number(process.env.BENCH_FLEET_REQUESTS ?? 100);
const ATTACH_QUOTA = Number(process.env.BENCH_FLEET_ATTACH_QUOTA ?? 8);
const RANDOM_THROTTLE = Number(process.env.BENCH_FLEET_THROTTLE_RATE ?? 0.02);
const REGION = SEED.regionId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// 300 attachments over the 20 NVMe instances, within each type's data-disk limit: the larger
// instances (11–20) take two shares, the smaller (01–10) one. Three consecutive entries of the
// 30-entry cycle are always three different instances.
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
const cycle = [...nvmeI.slice(0, 10), ...nvmeI.slice(10), ...nvmeI.slice(10)];
const instancesOf = (i: number) => [0, 1, 2].map((k) => cycle[(3 * i + k) % cycle.length]!);

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
const emu = await startHarness();
const options: Partial<ExecutionOptions> = {
  rateBudget: DEFAULT_ECS_LIMITS,
  concurrency: 16,
  pollIntervalMs: 250,
  queue: {},
  retry: {},
  // Requests wait for each other's instance locks: give them the production wait.
  run: { waitTimeoutMs: 120_000, lockWaitMs: 600_000, lockRetryMs: 250 },
};
const h = await executionHarness(redisUrl, emu.gateway(), options);
const replicaB = createExecution({
  connection: redisUrl,
  prefix: h.prefix,
  gateway: emu.gateway(),
  service: h.service,
  reporter: h.reporter,
  ...options,
});
const workers = [h.execution.start(), replicaB.start()];

const sdk = emu.gateway();
const disks: string[] = [];
for (let i = 0; i < REQUESTS; i++) disks.push(await createAvailableDisk(sdk, `fleet-${i}`));
await emu.clearCalls();
await emu.setFaults({
  '*': { throttleRate: RANDOM_THROTTLE, retryAfterMs: 200 },
  AttachDisk: { quotaPerSecond: ATTACH_QUOTA, retryAfterMs: 1_000 },
});

const started = performance.now();
const requests = await Promise.all(
  disks.map((diskId, i) =>
    h.approved('attach', { diskId, instanceIds: instancesOf(i), allowSingleNodeFs: false, regionId: REGION }),
  ),
);
const finished = new Map<string, number>();
while (finished.size < requests.length) {
  for (const r of requests) {
    if (!finished.has(r.id) && h.reporter.result(r.id)) finished.set(r.id, performance.now() - started);
  }
  await sleep(20);
}
const wallMs = performance.now() - started;
await emu.setFaults({});
const states = requests.map((r) => h.reporter.result(r.id)?.state);
const succeeded = states.filter((s) => s === 'succeeded').length;

const calls = await emu.calls();
const times = (cls: EcsCallClass) =>
  calls.filter((c) => callClassOf(c.action) === cls).map((c) => Date.parse(c.time));
/** Most calls in any one-second window. */
function peak(sorted: number[]): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= 1_000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
const durations = [...finished.values()].sort((a, b) => a - b);
const pct = (p: number) =>
  durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))]!;
const count = (action: string, code?: string) =>
  calls.filter((c) => c.action === action && (code === undefined || c.code === code)).length;
const throttled = calls.filter((c) => c.code.startsWith('Throttling')).length;

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; measures: the execution subsystem ` +
    '(2 replicas in one process, BullMQ, shared Redis budget) → real SDK → ECS emulator',
);
console.log(
  `emulator throttling: AttachDisk above ${ATTACH_QUOTA} calls/s, ${(RANDOM_THROTTLE * 100).toFixed(0)} % of every call at random`,
);
console.log(
  `${REQUESTS} attach requests × 3 instances: ${succeeded}/${REQUESTS} succeeded (target: all)` +
    `${succeeded === REQUESTS ? '' : `; others: ${states.filter((s) => s !== 'succeeded').join(', ')}`}`,
);
console.log(
  `wall time ${(wallMs / 1000).toFixed(1)} s; per request p50 ${(pct(50) / 1000).toFixed(1)} s, max ${(pct(100) / 1000).toFixed(1)} s` +
    ` (floor from the quota: ${((3 * REQUESTS) / ATTACH_QUOTA).toFixed(1)} s)`,
);
console.log(
  `calls: ${calls.length} (${(calls.length / REQUESTS).toFixed(1)} per request), ${throttled} throttled; ` +
    `AttachDisk ${count('AttachDisk', 'OK')} OK + ${count('AttachDisk') - count('AttachDisk', 'OK')} refused`,
);
for (const cls of ECS_CALL_CLASSES) {
  const t = times(cls).sort((a, b) => a - b);
  const { callsPerSecond, burst } = DEFAULT_ECS_LIMITS[cls];
  const p = peak(t);
  console.log(
    `  ${cls.padEnd(9)} ${String(t.length).padStart(5)} calls (${(t.length / REQUESTS).toFixed(1)}/request), ` +
      `peak ${p} in any 1 s; budget ${callsPerSecond}/s, burst ${burst} → at most ${callsPerSecond + burst} ` +
      `${p <= callsPerSecond + burst ? 'within' : 'OVER'}`,
  );
}

for (const w of workers) await w.close();
await replicaB.close();
await h.close();
await emu.close();
await redisServer?.stop();
