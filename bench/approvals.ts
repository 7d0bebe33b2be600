// npm run bench:approvals — listing with 10,000 pending requests, Redis memory, and
// click-to-approved latency under 50 concurrent clicks, all through the real bot over signed HTTP.
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { startBot } from '../src/bot.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { ACTION_APPROVE } from '../src/slack/blocks/request-card.js';
import { parsePolicy } from '../src/workflow/policy.js';
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from '../test/support/bot.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { signedSlackClient } from '../test/support/slack-requests.js';

const PENDING = Number(process.env.BENCH_PENDING ?? 10_000);
const LIST_RUNS = 50;
const CLICK_ROUNDS = 10;
const CONCURRENT_CLICKS = 50;

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const ms = (n: number) => `${n.toFixed(1)} ms`;

const server = await startRedisServer();
const redis = new Redis(server.url);
const fake = await startFakeSlack();
fake.on('usergroups.users.list', () => ({
  json: { ok: true, users: Array.from({ length: 60 }, (_, i) => `U0APP${i}`) },
}));
const policy = parsePolicy(
  'actions: { attach: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 7d } }',
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
  defaultRegion: 'cn-hangzhou',
  logger: createLogger('warn'),
  metrics: createMetrics(),
});
while (!bot.slack.identity.ready) await new Promise((r) => setTimeout(r, 10));
const client = signedSlackClient(`http://127.0.0.1:${bot.slack.port}/slack/events`, TEST_SIGNING_SECRET);

const memoryBefore = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
const open = (i: number) =>
  bot.service.open({
    kind: 'attach',
    requesterId: `U0REQ${i % 100}`,
    channelId: 'C0BENCH',
    params: {
      diskId: `d-bench${i}`,
      instanceIds: ['i-a', 'i-b'],
      allowSingleNodeFs: false,
      regionId: 'cn-hangzhou',
    },
    plan: [
      { action: 'AttachDisk', params: { DiskId: `d-bench${i}`, InstanceId: 'i-a' } },
      { action: 'AttachDisk', params: { DiskId: `d-bench${i}`, InstanceId: 'i-b' } },
    ],
  });
const seedStart = performance.now();
for (let i = 0; i < PENDING; i += 100)
  await Promise.all(Array.from({ length: Math.min(100, PENDING - i) }, (_, j) => open(i + j)));
const seedSeconds = (performance.now() - seedStart) / 1000;
const memoryAfter = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);

const listLatencies: number[] = [];
for (let run = 0; run < LIST_RUNS; run++) {
  const id = `list-${run}`;
  const started = performance.now();
  await client.command({ text: 'requests --pending', userId: 'U0APP1', responseUrl: fake.responseUrl(id) });
  await fake.waitFor((c) => c.method === `/response/${id}`, 10_000);
  listLatencies.push(performance.now() - started);
}
listLatencies.sort((a, b) => a - b);

const clickLatencies: number[] = [];
for (let round = 0; round < CLICK_ROUNDS; round++) {
  const requests = await Promise.all(
    Array.from({ length: CONCURRENT_CLICKS }, (_, i) => open(PENDING + round * CONCURRENT_CLICKS + i)),
  );
  await Promise.all(
    requests.map(async (opened, i) => {
      if (!opened.ok) throw new Error(opened.message);
      const request = opened.value;
      const value = JSON.stringify({ id: request.id, planHash: request.planHash });
      const started = performance.now();
      await client.click({
        userId: `U0APP${i}`,
        actionId: ACTION_APPROVE,
        value,
        messageTs: '1.1',
        responseUrl: fake.responseUrl(`c-${request.id}`),
      });
      while ((await bot.service.get(request.id))?.state !== 'approved')
        await new Promise((r) => setImmediate(r));
      clickLatencies.push(performance.now() - started);
    }),
  );
  fake.reset();
}
clickLatencies.sort((a, b) => a - b);

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
console.log(
  'measures: the bot composed in this process by startBot (no cloud: approvals only) over signed HTTP, a private redis-server, the fake Slack Web API',
);
console.log(
  `seeded ${PENDING} pending requests in ${seedSeconds.toFixed(1)} s (${(PENDING / seedSeconds).toFixed(0)} opens/s)`,
);
console.log(
  `redis memory: +${((memoryAfter - memoryBefore) / 2 ** 20).toFixed(1)} MiB, ${((memoryAfter - memoryBefore) / PENDING).toFixed(0)} bytes/request`,
);
console.log(
  `/disk requests --pending (${LIST_RUNS} runs, command to list delivered): p50 ${ms(pct(listLatencies, 50))}, p99 ${ms(pct(listLatencies, 99))}`,
);
console.log(
  `click → approved (${CLICK_ROUNDS} rounds × ${CONCURRENT_CLICKS} concurrent clicks): p50 ${ms(pct(clickLatencies, 50))}, p99 ${ms(pct(clickLatencies, 99))}`,
);

await bot.stop();
await fake.close();
redis.disconnect();
await server.stop();
