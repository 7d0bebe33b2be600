// npm run bench:attach — one disk attached to 16 instances through the execution subsystem
// (BullMQ worker, shared rate limiter, DiskWatcher) in this process against the emulator with a 2 s
// attach latency, in reservation fencing mode (NVMe keys registered, then the mount table read,
// both through Cloud Assistant), compared with one attach through the same path and with a
// sequential SDK script. Prints each figure beside its target (issue 12).
import { cpus, loadavg } from 'node:os';
import type { EcsGateway } from '../src/cloud/gateway.js';
import { SEED } from '../src/emulator/index.js';
import { type CallEntry, createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const REGION = SEED.regionId;
const ATTACH_LATENCY = { baseMs: 1_900, jitterMs: 200 }; // 1.9–2.1 s
const COMMAND_LATENCY = { baseMs: 200, jitterMs: 300 }; // the emulator's default Cloud Assistant time
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
const emu = await startHarness({
  latency: { create: { baseMs: 50, jitterMs: 0 }, attach: ATTACH_LATENCY, command: COMMAND_LATENCY },
});
const sdk = emu.gateway();
const h = await executionHarness(redisUrl, sdk, {
  pollIntervalMs: POLL_MS,
  queue: {},
  run: { waitTimeoutMs: 60_000 },
  retry: {},
  rateBudget: { ratePerSecond: 10, burst: 20 },
});
const worker = h.execution.start();

/** Approve → finished, as the reporter hears it (polled every 2 ms so the figure is the subsystem's, not the probe's). */
async function throughExecution(diskId: string, instanceIds: string[]): Promise<number> {
  const started = performance.now();
  const request = await h.approved('attach', {
    diskId,
    instanceIds,
    allowSingleNodeFs: false,
    regionId: REGION,
  });
  while (!h.reporter.result(request.id)) await sleep(2);
  const took = performance.now() - started;
  const state = h.reporter.result(request.id)?.state;
  if (state !== 'succeeded') throw new Error(`${request.id} ended ${state}`);
  return took;
}

async function sequentialSdk(gateway: EcsGateway, diskId: string, instanceIds: string[]): Promise<number> {
  const started = performance.now();
  for (const instanceId of instanceIds) {
    await gateway.attachDisk({ diskId, instanceId });
    for (;;) {
      const [disk] = await gateway.describeDisks({ regionId: REGION, diskIds: [diskId] });
      if (disk?.attachments.some((a) => a.instanceId === instanceId)) break;
      await sleep(100);
    }
  }
  return performance.now() - started;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const sixteen = nvmeI.slice(0, 16);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

// Rounds alternate one attach and 16 attaches, each on a fresh disk; the calls of every 16-attach
// request are counted and the largest count is reported.
const ones: number[] = [];
const parallels: number[] = [];
const perRound: CallEntry[][] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const diskOne = await createAvailableDisk(sdk, `bench-one-${round}`);
  // Created blank the way the bot's CreateDisk tags it, so the attach fans out at once (no two-phase).
  const diskSixteen = await createAvailableDisk(sdk, `bench-sixteen-${round}`, { createdBlank: true });
  ones.push(await throughExecution(diskOne, [nvmeI[16]!]));
  await emu.clearCalls();
  parallels.push(await throughExecution(diskSixteen, sixteen));
  perRound.push(await emu.calls());
}
const one = median(ones);
const parallel = median(parallels);
const count = (...actions: string[]) =>
  Math.max(...perRound.map((calls) => calls.filter((c) => actions.includes(c.action)).length));
const calls = perRound[0] ?? [];
const sequential = await sequentialSdk(sdk, await createAvailableDisk(sdk, 'bench-sequential'), sixteen);

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
/** One line: what, the figure, the target beside it and whether it is met. */
const line = (what: string, figure: string, target: string, ok: boolean) =>
  console.log(`${what.padEnd(44)} ${figure.padEnd(30)} target ${target.padEnd(8)} ${verdict(ok)}`);
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `process: the execution subsystem in this process (BullMQ worker, Redis rate budget 10/s burst 20 per call class, DiskWatcher) against the emulator; attach latency ${ATTACH_LATENCY.baseMs}–${ATTACH_LATENCY.baseMs + ATTACH_LATENCY.jitterMs} ms, Cloud Assistant ${COMMAND_LATENCY.baseMs}–${COMMAND_LATENCY.baseMs + COMMAND_LATENCY.jitterMs} ms, DiskWatcher min poll ${POLL_MS} ms, fencing mode reservation`,
);
console.log(
  `rounds: ${ROUNDS}; one attach ${ones.map(fmt).join(', ')}; 16 attaches ${parallels.map(fmt).join(', ')}`,
);
console.log(`one attach (execution subsystem), median    ${fmt(one)}`);
line(
  '16 attaches (execution subsystem), median',
  `${fmt(parallel)} = ${(parallel / one).toFixed(2)} × one`,
  '≤ 1.15',
  parallel / one <= 1.15,
);
line(
  'AttachDisk per 16-attach request (max)',
  String(count('AttachDisk')),
  '≤ 16',
  count('AttachDisk') <= 16,
);
line(
  'DescribeDisks, preflight included (max)',
  String(count('DescribeDisks')),
  '≤ 12',
  count('DescribeDisks') <= 12,
);
const invocations = count('RunCommand', 'InvokeCommand');
line('Cloud Assistant invocations (max)', String(invocations), '≤ 2', invocations <= 2);
const polls = count('DescribeInvocationResults');
line('DescribeInvocationResults (max)', String(polls), '≤ 8', polls <= 8);
console.log(
  `ECS calls of the first 16-attach request: ${calls.length} (${[...new Set(calls.map((c) => c.action))].map((a) => `${a} ${calls.filter((c) => c.action === a).length}`).join(', ')})`,
);
console.log(
  `16 attaches (sequential SDK script)          ${fmt(sequential)}   parallel/sequential = ${(parallel / sequential).toFixed(3)} (${(sequential / parallel).toFixed(1)} × faster)`,
);

await worker.close();
await h.close();
await emu.close();
await redisServer?.stop();
