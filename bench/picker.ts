// npm run bench:picker — the attach form's options handler (block_suggestion) through the real bot
// over signed HTTP, the real SDK and the ECS emulator: the first keystroke for a disk (four
// Describe calls) and every later one (filtered from the 15 s cache). Slack's limit is 3 s.
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { startBot } from '../src/bot.js';
import { SEED, startEmulator } from '../src/emulator/index.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { ACTION_ATTACH_INSTANCES, ATTACH_FIELDS, VIEW_ATTACH } from '../src/slack/blocks/attach-form.js';
import { parsePolicy } from '../src/workflow/policy.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../test/support/bot.js';
import { createAvailableDisk, sdkGateway } from '../test/support/execution-emulator.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { signedSlackClient } from '../test/support/slack-requests.js';

const DISKS = Number(process.env.BENCH_DISKS ?? 20);
const WARM = Number(process.env.BENCH_WARM ?? 500);
const QUERIES = ['', 'n', 'nv', 'nvme', 'nvme-i-1', 'g8i', 'i-bp1', 'zzz'];

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const server = await startRedisServer();
const redis = new Redis(server.url);
const emu = await startEmulator({ port: 0 });
const fake = await startFakeSlack();
const policy = parsePolicy(
  'actions: { attach: { approvers: { users: [U0APP] }, quorum: 1, expiresIn: 1d } }',
);
if (!policy.ok) throw new Error(policy.message);
const bot = await startBot({
  slack: {
    botToken: TEST_BOT_TOKEN,
    transport: { mode: 'http', signingSecret: TEST_SIGNING_SECRET },
    apiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
  },
  http: { port: 0, host: '127.0.0.1' },
  redis,
  policy: policy.value,
  defaultRegion: SEED.regionId,
  logger: createLogger('warn'),
  metrics: createMetrics(),
  cloud: { gateway: sdkGateway(emu.endpoint), connection: server.url, runWorker: false },
});
while (!bot.slack.identity.ready) await new Promise((r) => setTimeout(r, 10));
const client = signedSlackClient(`http://127.0.0.1:${bot.slack.port}/slack/events`, TEST_SIGNING_SECRET);

const disks: string[] = [];
for (let i = 0; i < DISKS; i++)
  disks.push(await createAvailableDisk(sdkGateway(emu.endpoint), `bench-picker-${i}`));

let maxOptions = 0;
async function suggest(diskId: string, value: string): Promise<number> {
  const started = performance.now();
  const res = await client.suggest({
    userId: 'U0REQ',
    actionId: ACTION_ATTACH_INSTANCES,
    blockId: ATTACH_FIELDS.instances,
    value,
    callbackId: VIEW_ATTACH,
    privateMetadata: JSON.stringify({ channelId: 'C0BENCH', diskId }),
  });
  const took = performance.now() - started;
  if (res.status !== 200) throw new Error(`options: HTTP ${res.status}`);
  maxOptions = Math.max(maxOptions, (res.json() as { options?: unknown[] }).options?.length ?? 0);
  return took;
}

const cold: number[] = [];
for (const diskId of disks) cold.push(await suggest(diskId, ''));
const warm: number[] = [];
for (let i = 0; i < WARM; i++)
  warm.push(await suggest(disks[i % disks.length]!, QUERIES[i % QUERIES.length]!));
cold.sort((a, b) => a - b);
warm.sort((a, b) => a - b);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
console.log(`eligible instances per disk: ${maxOptions} (seed: 20 NVMe in ${SEED.zones.multiAttachI})`);
console.log(
  `first keystroke (${DISKS} disks, 4 Describe calls each, shared ECS budget 10/s burst 20): min ${ms(cold[0] ?? 0)}, p50 ${ms(pct(cold, 50))}, p99 ${ms(pct(cold, 99))}, max ${ms(cold.at(-1) ?? 0)}  (limit 3000 ms)`,
);
console.log(
  `later keystrokes (${WARM}, cached list filtered): p50 ${ms(pct(warm, 50))}, p99 ${ms(pct(warm, 99))}, max ${ms(warm.at(-1) ?? 0)}  (limit 3000 ms)`,
);

await bot.stop();
await emu.close();
await fake.close();
redis.disconnect();
await server.stop();
