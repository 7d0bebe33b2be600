// npm run bench:failover — reservation-mode failovers through the execution subsystem (BullMQ
// worker, locks, preflight re-check, Cloud Assistant runner, mount table) against the emulator with
// a fixed Cloud Assistant latency. The bot's overhead is the total minus the emulated latencies:
// every RunCommand here runs alone on the critical path (register, preempt, report, hook, inspect).
import { cpus } from 'node:os';
import { scriptMarker } from '../src/cloud/scripts/index.js';
import { SEED } from '../src/emulator/index.js';
import { createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const REGION = SEED.regionId;
const COMMAND_MS = Number(process.env.BENCH_COMMAND_MS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const [a, b] = [SEED.instances.nvmeI[0]!.id, SEED.instances.nvmeI[1]!.id];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
const emu = await startHarness({
  latency: {
    create: { baseMs: 20, jitterMs: 0 },
    attach: { baseMs: 20, jitterMs: 0 },
    command: { baseMs: COMMAND_MS, jitterMs: 0 },
  },
});
const sdk = emu.gateway();
const h = await executionHarness(redisUrl, sdk, {
  pollIntervalMs: 50,
  queue: {},
  run: { waitTimeoutMs: 60_000, assistantTimeoutSec: 30 },
  retry: {},
  rateBudget: { ratePerSecond: 100, burst: 50 },
  fencingMode: 'reservation',
});
const worker = h.execution.start();

async function until(requestId: string): Promise<number> {
  const started = performance.now();
  while (!h.reporter.result(requestId)) await sleep(1);
  return performance.now() - started;
}

// A shared disk attached to both instances through the bot, so both keys are registered.
const diskId = await createAvailableDisk(sdk, 'bench-failover');
const attach = await h.approved('attach', {
  diskId,
  instanceIds: [a, b],
  allowSingleNodeFs: false,
  regionId: REGION,
});
await until(attach.id);
if (h.reporter.result(attach.id)?.state !== 'succeeded') throw new Error('setup attach failed');

// The hook must be a script the emulator knows: the inspect marker stands in for "mount, start".
const takeoverHook = { script: `${scriptMarker('inspect')}\necho {{serial}}`, timeoutSec: 30 };
const rows: { total: number; emulated: number; overhead: number; steps: string }[] = [];
for (let i = 0; i < RUNS; i++) {
  const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
  await emu.clearCalls();
  const started = performance.now();
  const request = await h.approved('failover', {
    diskId,
    fromInstanceId: from,
    toInstanceId: to,
    regionId: REGION,
    fencingMode: 'reservation',
    takeoverHook,
  });
  await until(request.id);
  const total = performance.now() - started;
  const result = h.reporter.result(request.id);
  if (result?.state !== 'succeeded')
    throw new Error(`${request.id} ended ${result?.state}: ${result?.outcome.message}`);
  const commands = (await emu.calls('RunCommand')).length;
  const emulated = commands * COMMAND_MS;
  const steps = (result.timeline?.steps ?? [])
    .map((s) => `${s.label.split(' ')[0]} ${s.durationMs} ms`)
    .join(', ');
  rows.push({ total, emulated, overhead: total - emulated, steps });
}

const ms = (x: number) => `${Math.round(x)} ms`;
const sorted = (k: 'total' | 'overhead') => rows.map((r) => r[k]).sort((x, y) => x - y);
const pick = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(
  'measures: the execution subsystem in this process (BullMQ worker, locks, Cloud Assistant runner) → real SDK → ECS emulator',
);
console.log(
  `emulated Cloud Assistant latency ${COMMAND_MS} ms per RunCommand, ${RUNS} failovers (reservation mode, takeover hook)`,
);
console.log(
  `RunCommand calls per failover: ${rows[0] ? rows[0].emulated / COMMAND_MS : 0} (register, preempt, report, hook, inspect)`,
);
console.log(`first run steps: ${rows[0]?.steps}`);
console.log(
  `total     median ${ms(pick(sorted('total'), 0.5))}  p90 ${ms(pick(sorted('total'), 0.9))}  max ${ms(pick(sorted('total'), 1))}`,
);
console.log(`emulated  ${ms(rows[0]?.emulated ?? 0)}`);
console.log(
  `overhead  median ${ms(pick(sorted('overhead'), 0.5))}  p90 ${ms(pick(sorted('overhead'), 0.9))}  max ${ms(pick(sorted('overhead'), 1))}   (target ≤ 250 ms)`,
);

await worker.close();
await h.close();
await emu.close();
await redisServer?.stop();
