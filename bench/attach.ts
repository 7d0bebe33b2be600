// npm run bench:attach — one disk attached to 16 instances through the execution subsystem
// (BullMQ worker, shared rate limiter, DiskWatcher) against the emulator with a 2 s attach latency,
// compared with one attach through the same path and with a sequential SDK script.
import { cpus } from 'node:os';
import type { EcsGateway } from '../src/cloud/gateway.js';
import { SEED } from '../src/emulator/index.js';
import { createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import { executionHarness } from '../test/support/execution-harness.js';
import { startRedisServer } from '../test/support/redis-server.js';

const REGION = SEED.regionId;
const ATTACH_LATENCY = { baseMs: 1_900, jitterMs: 200 }; // 1.9–2.1 s
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
const redisUrl = process.env.REDIS_URL ?? redisServer!.url;
const emu = await startHarness({ latency: { create: { baseMs: 50, jitterMs: 0 }, attach: ATTACH_LATENCY } });
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

const [diskOne, diskSixteen, diskSequential] = [
  await createAvailableDisk(sdk, 'bench-one'),
  // Created blank the way the bot's CreateDisk tags it, so the attach fans out at once (no two-phase).
  await createAvailableDisk(sdk, 'bench-sixteen', { createdBlank: true }),
  await createAvailableDisk(sdk, 'bench-sequential'),
];
const sixteen = nvmeI.slice(0, 16);

const one = await throughExecution(diskOne, [nvmeI[16]!]);
await emu.clearCalls();
const parallel = await throughExecution(diskSixteen, sixteen);
const calls = await emu.calls();
const count = (action: string) => calls.filter((c) => c.action === action).length;
const attachCalls = count('AttachDisk');
const describeCalls = count('DescribeDisks');
// NVMe key registration and the mount table run through Cloud Assistant after the attach itself.
const runCommands = count('RunCommand');
const invocationPolls = count('DescribeInvocationResults');
const sequential = await sequentialSdk(sdk, diskSequential, sixteen);

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
console.log(
  `emulator attach latency ${ATTACH_LATENCY.baseMs}–${ATTACH_LATENCY.baseMs + ATTACH_LATENCY.jitterMs} ms; DiskWatcher min poll ${POLL_MS} ms`,
);
console.log(`one attach (execution subsystem)        ${fmt(one)}`);
console.log(
  `16 attaches (execution subsystem)       ${fmt(parallel)}   = ${(parallel / one).toFixed(2)} × one attach   (target ≤ 1.25)`,
);
const mean = ATTACH_LATENCY.baseMs + ATTACH_LATENCY.jitterMs / 2;
console.log(`16 attaches vs the mean raw attach latency (${fmt(mean)}): ${(parallel / mean).toFixed(2)} ×`);
console.log(
  `16 attaches (sequential SDK script)     ${fmt(sequential)}   parallel/sequential = ${(parallel / sequential).toFixed(3)} (${(sequential / parallel).toFixed(1)} × faster)`,
);
console.log(
  `calls during the 16-attach request: AttachDisk ${attachCalls}, DescribeDisks ${describeCalls} (target ≤ 12, preflight's one included)`,
);
console.log(
  `Cloud Assistant during it: RunCommand ${runCommands}, DescribeInvocationResults ${invocationPolls}`,
);

await worker.close();
await h.close();
await emu.close();
await redisServer?.stop();
