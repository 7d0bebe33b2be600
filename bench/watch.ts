// npm run bench:watch — one watcher cycle over 1,000 watched disks on 3,000 instances (emulator
// `--seed large`), through the execution's shared gateway (rate budget 10 calls/s, retries):
// calls per cycle by action and the cycle time, against issue 13's targets.
import { cpus } from 'node:os';
import { Redis } from 'ioredis';
import { LARGE, largeDiskId } from '../src/emulator/seed-large.js';
import { WatchService } from '../src/jobs/watch-service.js';
import { RedisWatchStore } from '../src/store/watch-store.js';
import { DEFAULT_ECS_LIMITS } from '../src/workflow/policy.js';
import { systemClock } from '../src/workflow/ports.js';
import { watchPolicySchema } from '../src/workflow/watch-policy.js';
import { startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const WATCHED = 1_000;
const TARGETS: Record<string, number> = { DescribeDisks: 10, DescribeInstances: 30, RunCommand: 30 };

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
const emu = await startHarness({ latency: { command: { baseMs: 200, jitterMs: 300 } } });
await emu.admin('reset', { seed: 'large' });
const h = await executionHarness(redisUrl, emu.gateway({ timeoutMs: 30_000 }), {
  rateBudget: DEFAULT_ECS_LIMITS,
});
const redis = new Redis(redisUrl);
const store = new RedisWatchStore(redis, { prefix: h.prefix });
for (let n = 1; n <= WATCHED; n++) {
  await store.add({
    diskId: largeDiskId(n),
    regionId: 'cn-hangzhou',
    channelId: 'C0BENCH',
    addedBy: 'U0BENCH',
    addedAt: Date.now(),
    source: 'command',
  });
}
let alerts = 0;
const settings = watchPolicySchema.parse({});
const watch = new WatchService({
  store,
  gateway: h.execution.gateway,
  settings,
  fencingMode: 'reservation',
  notifier: {
    incident: async () => {
      alerts++;
      return [];
    },
    resolved: async () => void alerts++,
    attachmentsChanged: async () => void alerts++,
  },
  clock: systemClock,
  assistantTimeoutSec: 15,
  owner: 'bench',
});
const token = await store.lease('bench', 0, 3_600_000);

const rows: { cycle: number; ms: number; calls: Record<string, number> }[] = [];
for (let cycle = 1; cycle <= 3; cycle++) {
  await emu.clearCalls();
  const report = await watch.runCycle(token);
  if (!report.committed) throw new Error('cycle not committed');
  console.error(`cycle ${cycle}: ${(report.ms / 1000).toFixed(1)} s`, report.calls);
  const calls: Record<string, number> = {};
  for (const c of await emu.calls()) calls[c.action] = (calls[c.action] ?? 0) + 1;
  rows.push({ cycle, ms: report.ms, calls });
}

const actions = ['DescribeDisks', 'DescribeInstances', 'RunCommand', 'DescribeInvocationResults'];
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(
  `world: ${LARGE.instances} + default instances, ${LARGE.attachedDisks + LARGE.spareDisks} large disks; watched ${WATCHED} (each on ${LARGE.perDisk} instances); ECS budget (calls/s) read ${DEFAULT_ECS_LIMITS.read.callsPerSecond}, assistant ${DEFAULT_ECS_LIMITS.assistant.callsPerSecond}`,
);
console.log(`| cycle | ${actions.join(' | ')} | total calls | cycle time |`);
console.log(`|---|${actions.map(() => '---|').join('')}---|---|`);
for (const r of rows) {
  const total = Object.values(r.calls).reduce((a, b) => a + b, 0);
  console.log(
    `| ${r.cycle} | ${actions.map((a) => `${r.calls[a] ?? 0}${TARGETS[a] ? ` (≤ ${TARGETS[a]})` : ''}`).join(' | ')} | ${total} | ${(r.ms / 1000).toFixed(2)} s |`,
  );
}
const worst = (a: string) => Math.max(...rows.map((r) => r.calls[a] ?? 0));
const met = Object.entries(TARGETS).every(([a, t]) => worst(a) <= t);
const share = (of: string[], perSecond: number) =>
  (
    (Math.max(...rows.map((r) => of.reduce((n, a) => n + (r.calls[a] ?? 0), 0))) /
      (perSecond * (settings.interval / 1000))) *
    100
  ).toFixed(0);
console.log(
  `targets (≤ 10 DescribeDisks, ≤ 30 DescribeInstances, ≤ 30 RunCommand): ${met ? 'met' : 'NOT met'}; ` +
    `budget share at interval ${settings.interval / 1000} s: read ${share(['DescribeDisks', 'DescribeInstances'], DEFAULT_ECS_LIMITS.read.callsPerSecond)} %, ` +
    `assistant ${share(['RunCommand', 'DescribeInvocationResults'], DEFAULT_ECS_LIMITS.assistant.callsPerSecond)} %; alerts: ${alerts}`,
);

redis.disconnect();
await h.close();
await emu.close();
await redisServer?.stop();
