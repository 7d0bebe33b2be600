// npm run bench:failover — reservation-mode failovers through the execution subsystem (BullMQ
// worker, locks, preflight re-check, guard re-checks, Cloud Assistant runner, mount table) against
// the emulator with a fixed Cloud Assistant latency. Two phases:
// 1. healthy old primary, takeover hook: the bot's overhead is the total minus the emulated
//    latency of the RunCommands on the critical path (register, preempt, report, hook, inspect of
//    the standby; the old primary's own inspect runs alongside and is not waited for);
// 2. hung old primary (its guest never answers), no takeover: approve → final message against the
//    target fencing time + ≤ 500 ms, where the fence is the register/preempt/report step.
import { cpus } from 'node:os';
import { scriptMarker } from '../src/cloud/scripts/index.js';
import { SEED } from '../src/emulator/index.js';
import type { ParamsOf } from '../src/workflow/request-params.js';
import { createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const REGION = SEED.regionId;
const COMMAND_MS = Number(process.env.BENCH_COMMAND_MS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const HUNG_RUNS = Number(process.env.BENCH_HUNG_RUNS ?? 6);
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
  // A hung guest answers only when this Timeout expires; its follow-up holds a worker slot till then.
  run: { waitTimeoutMs: 60_000, assistantTimeoutSec: 5 },
  retry: {},
  rateBudget: { ratePerSecond: 100, burst: 50 },
  fencingMode: 'reservation',
});
const worker = h.execution.start();

/** Waits for the final result; returns the wall time it was handed to the reporter. */
async function until(requestId: string): Promise<number> {
  while (!h.reporter.result(requestId)) await sleep(1);
  return Date.now();
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

const params = (from: string, to: string, hook: boolean): ParamsOf['failover'] => ({
  diskId,
  fromInstanceId: from,
  toInstanceId: to,
  regionId: REGION,
  fencingMode: 'reservation',
  // The hook must be a script the emulator knows: the inspect marker stands in for "mount, start".
  ...(hook
    ? { takeoverHook: { script: `${scriptMarker('inspect')}\necho {{serial}}`, timeoutSec: 30 } }
    : {}),
});

async function failover(from: string, to: string, hook: boolean) {
  await emu.clearCalls();
  const request = await h.approved('failover', params(from, to, hook));
  const finalAt = await until(request.id);
  const result = h.reporter.result(request.id);
  if (result?.state !== 'succeeded')
    throw new Error(`${request.id} ended ${result?.state}: ${result?.outcome.message}`);
  const approvedAt = request.decision?.at ?? request.createdAt;
  const steps = result.timeline?.steps ?? [];
  const fenceMs = steps.find((s) => s.label.startsWith('Fence'))?.durationMs ?? 0;
  // Registered commands run with InvokeCommand (README, Security); count both kinds.
  const commands = (await emu.calls()).filter(
    (c) => c.action === 'RunCommand' || c.action === 'InvokeCommand',
  ).length;
  return { total: finalAt - approvedAt, fenceMs, commands, timelineMs: result.timeline?.totalMs ?? 0, steps };
}

// Phase 1: healthy old primary, takeover hook.
const rows: { total: number; emulated: number; overhead: number; steps: string }[] = [];
for (let i = 0; i < RUNS; i++) {
  const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
  const r = await failover(from, to, true);
  // The old primary's inspect runs alongside the fence, off the critical path.
  const emulated = (r.commands - 1) * COMMAND_MS;
  const steps = r.steps.map((s) => `${s.label.split(' ')[0]} ${s.durationMs} ms`).join(', ');
  rows.push({ total: r.total, emulated, overhead: r.total - emulated, steps });
}

// Phase 2: the old primary's guest hangs (admin crash: Running in ECS, Cloud Assistant never answers).
const hung: { total: number; fenceMs: number; beyond: number; timelineMs: number; steps: string }[] = [];
for (let i = 0; i < HUNG_RUNS; i++) {
  const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
  await emu.admin(`instances/${from}/crash`, {});
  try {
    const r = await failover(from, to, false);
    const steps = r.steps.map((s) => `${s.label.split(' ')[0]} ${s.durationMs} ms`).join(', ');
    hung.push({
      total: r.total,
      fenceMs: r.fenceMs,
      beyond: r.total - r.fenceMs,
      timelineMs: r.timelineMs,
      steps,
    });
  } finally {
    await emu.admin(`instances/${from}/recover`, {});
  }
}

const ms = (x: number) => `${Math.round(x)} ms`;
const pick = (xs: number[], q: number) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;
const stats = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return `median ${ms(pick(s, 0.5))}  p90 ${ms(pick(s, 0.9))}  max ${ms(pick(s, 1))}`;
};
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(
  'measures: the execution subsystem in this process (BullMQ worker, locks, Cloud Assistant runner) → real SDK → ECS emulator',
);
console.log(
  `emulated Cloud Assistant latency ${COMMAND_MS} ms per RunCommand, ${RUNS} failovers (reservation mode, takeover hook)`,
);
console.log(
  `RunCommands on the critical path: ${rows[0] ? rows[0].emulated / COMMAND_MS : 0} (register, preempt, report, hook, inspect), plus the old primary's inspect alongside`,
);
console.log(`first run steps: ${rows[0]?.steps}`);
console.log(`approve → final message   ${stats(rows.map((r) => r.total))}`);
console.log(`emulated                  ${ms(rows[0]?.emulated ?? 0)}`);
console.log(`overhead                  ${stats(rows.map((r) => r.overhead))}   (target ≤ 250 ms)`);
console.log('');
console.log(`${HUNG_RUNS} failovers away from a hung old primary (no takeover configured)`);
console.log(`first run steps: ${hung[0]?.steps}`);
console.log(`approve → final message   ${stats(hung.map((r) => r.total))}`);
console.log(`fencing (register, preempt, report)  ${stats(hung.map((r) => r.fenceMs))}`);
console.log(`final message − fencing   ${stats(hung.map((r) => r.beyond))}   (target ≤ 500 ms)`);
console.log(
  `timeline total vs measured: max gap ${ms(Math.max(...hung.map((r) => r.total - r.timelineMs)))} (the timeline counts from the same decision)`,
);

await worker.close();
await h.close();
await emu.close();
await redisServer?.stop();
