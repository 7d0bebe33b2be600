// npm run bench:handover — how long a request waits when the replica running it dies. Process
// measured: two replicas as separate Node processes (test/support/worker-process.ts: the real
// execution subsystem — BullMQ worker, locks, rate limiter, runner — with the shipped timing,
// TIMING=production) on one Redis, against the ECS emulator. Each round kills (SIGKILL) the replica
// running an attach of 16 instances while its AttachDisk calls go out, or a reservation-mode
// failover while it waits for the standby's attach, and times kill → the survivor's
// "Resumed after an interrupted attempt". Every round also checks no mutation was repeated.
import { cpus, loadavg } from 'node:os';
import { DEFAULT_QUEUE_TIMING, worstHandOverMs } from '../src/jobs/execution.js';
import { startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import type { SpawnedWorker } from '../test/support/execution-workers.js';
import { attachHandOver, failoverHandOver, type HandOver } from '../test/support/handover.js';
import { startRedisServer } from '../test/support/redis-server.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_MS = 10_000;

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? (redisServer?.url as string);
const emu = await startHarness();
const spawned: SpawnedWorker[] = [];
const rows: { kind: string; ms: number; repeated: number; state: string }[] = [];

for (let i = 0; i < ROUNDS; i++) {
  for (const scenario of [attachHandOver, failoverHandOver]) {
    await emu.reset();
    const h = await executionHarness(redisUrl, emu.gateway());
    let run: HandOver;
    try {
      run = await scenario({ emu, h, redisUrl, spawned });
    } finally {
      await Promise.all(spawned.splice(0).map((w) => w.stop()));
      await h.close();
    }
    const repeated = [...run.mutations.values()].filter((n) => n > 1).length;
    rows.push({ kind: run.kind, ms: run.handOverMs, repeated, state: run.request.state });
    console.log(
      `round ${i + 1} ${run.kind.padEnd(8)} hand-over ${(run.handOverMs / 1000).toFixed(2)} s, ${run.request.state}, ` +
        `${run.mutations.size} mutations, ${repeated} repeated`,
    );
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const t = DEFAULT_QUEUE_TIMING;
console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`,
);
console.log(
  'measures: two replicas as separate Node processes (test/support/worker-process.ts, shipped timing) on one Redis → ECS emulator',
);
console.log(
  `timing: lockDuration ${t.lockDurationMs} ms, lock renewal every ${t.lockRenewMs} ms, stalledInterval ${t.stalledIntervalMs} ms ` +
    `→ worst case by configuration ${s(worstHandOverMs())}`,
);
for (const kind of ['attach', 'failover']) {
  const ms = rows
    .filter((r) => r.kind === kind)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)] ?? 0;
  const max = ms[ms.length - 1] ?? 0;
  console.log(
    `${kind.padEnd(8)} hand-over median ${s(median)}  max ${s(max)}   (target ≤ ${s(TARGET_MS)}: ${max <= TARGET_MS ? 'met' : 'MISSED'})`,
  );
}
const bad = rows.filter((r) => r.repeated > 0 || r.state !== 'succeeded');
console.log(`rounds with a repeated mutation or not succeeded: ${bad.length} of ${rows.length}`);

await emu.close();
await redisServer?.stop();
