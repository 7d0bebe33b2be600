// npm run bench:ack — ack throughput and latency of the bot as deployed, beside a bare Bolt app.
// Measures two processes under the same load in the same run, alternating round by round:
//   bot:  `node --enable-source-maps dist/main.js` (the Dockerfile's CMD, built by
//         scripts/build.mjs) with the production wiring: a private redis-server, the example
//         policy file, the ECS emulator as ECS_ENDPOINT, the BullMQ worker, the expiry sweeper and
//         the reconciler, LOG_LEVEL=info with its log going to a file as a container's would;
//   bare: dist/bench/bare-server.js, a Bolt app whose only listener acks (the floor).
// This process runs the load generator, the fake Slack Web API and the emulator.
// BENCH_PROFILE=1 starts the bot with --cpu-prof and prints where the profile went;
// BENCH_BOT_NODE_FLAGS adds node flags to the bot (diagnostics such as --trace-gc).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulator } from '../src/emulator/index.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { signSlackBody, slashCommandBody } from '../test/support/slack-requests.js';
import { type LoadResult, runLoad } from './load.js';
import { benchBotEnv, startProductionBot } from './production-bot.js';

const SECRET = 'bench-signing-secret';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TOTAL = Number(process.env.BENCH_TOTAL ?? 5_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1_000);
const CONCURRENCY = 50;
const TARGET = { ratio: 0.85, p99Ms: 30 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Server {
  readonly name: 'bare' | 'bot' | 'bare+reply';
  readonly url: string;
  readonly child: ChildProcess;
}

async function startBare(apiUrl: string, replies?: Record<string, unknown>): Promise<Server> {
  const child = spawn(process.execPath, ['dist/bench/bare-server.js'], {
    env: {
      ...process.env,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: apiUrl,
      NODE_ENV: 'production',
      ...(replies ? { BARE_REPLIES: JSON.stringify(replies) } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const { port } = JSON.parse(line) as { port: number };
  return { name: replies ? 'bare+reply' : 'bare', url: `http://127.0.0.1:${port}/slack/events`, child };
}

/** One signed request, to check that a server really answers the case (not just 200). */
async function answer(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signSlackBody(SECRET, body) },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** CPU time (user + system, ms) a process has used so far; 10 ms resolution on Linux. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

execFileSync(process.execPath, ['scripts/build.mjs', '--bench'], { stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'sdb-bench-ack-'));
const redisServer = await startRedisServer();
const emulator = await startEmulator({ port: 0 });
const fake = await startFakeSlack();
const bare = await startBare(fake.apiUrl);
const bot = await startProductionBot(
  benchBotEnv(
    {
      signingSecret: SECRET,
      slackApiUrl: fake.apiUrl,
      redisUrl: redisServer.url,
      ecsEndpoint: emulator.endpoint,
    },
    { POLICY_FILE: 'manifests/policy.example.yaml' },
  ),
  dir,
);

const cases = [
  { name: '/disk help', text: 'help', expect: 'How to use /disk' },
  { name: '/disk create x --size abc (usage error)', text: 'create x --size abc', expect: '--size' },
];
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ` +
    `load average ${loadavg()[0]?.toFixed(1)} at start`,
);
console.log(
  'measures: bot = `node --enable-source-maps dist/main.js` (Dockerfile CMD) with Redis, policy file, ECS endpoint ' +
    '(emulator), worker, sweeper, reconciler, LOG_LEVEL=info; bare = Bolt app that only acks (empty body); ' +
    "bare+reply = the same bare app acking with the bot's reply body",
);
console.log(
  `${ROUNDS} rounds × ${TOTAL} requests at ${CONCURRENCY} concurrent per server and case; medians shown`,
);

// The bot's real replies, checked, then served by a bare app too (the same bytes, none of the work).
const replies: Record<string, unknown> = {};
for (const testCase of cases) {
  const body = slashCommandBody({ text: testCase.text, responseUrl: fake.responseUrl('bench') });
  const reply = await answer(bot.url, body);
  if (reply.status !== 200 || !reply.text.includes(testCase.expect))
    throw new Error(`the bot answered ${testCase.name} with ${reply.status} ${reply.text.slice(0, 200)}`);
  replies[testCase.text] = JSON.parse(reply.text);
}
const bareReply = await startBare(fake.apiUrl, replies);
const servers = [bare, bot, bareReply];

// Background work (BullMQ worker, sweeper, reconciler, Redis pings) while no request comes in.
const idle: Record<string, number> = {};
for (const server of [bare, bot]) {
  const before = cpuMs(server.child.pid!);
  await sleep(5_000);
  idle[server.name] = (cpuMs(server.child.pid!) - before) / 5;
}
console.log(`idle CPU: bare ${idle.bare?.toFixed(1)} ms/s, bot ${idle.bot?.toFixed(1)} ms/s`);

for (const testCase of cases) {
  const body = slashCommandBody({ text: testCase.text, responseUrl: fake.responseUrl('bench') });
  for (const server of servers)
    await runLoad({ url: server.url, body, secret: SECRET, total: WARMUP, concurrency: CONCURRENCY });
}
type Round = LoadResult & { cpuUsPerRequest: number };
const results = new Map<string, Round[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const testCase of cases) {
    const body = slashCommandBody({ text: testCase.text, responseUrl: fake.responseUrl('bench') });
    // Rotate who goes first so a noisy neighbour does not always hit the same server.
    for (const server of [...servers.slice(round % 3), ...servers.slice(0, round % 3)]) {
      const cpuBefore = cpuMs(server.child.pid!);
      const load = await runLoad({
        url: server.url,
        body,
        secret: SECRET,
        total: TOTAL,
        concurrency: CONCURRENCY,
      });
      const r = { ...load, cpuUsPerRequest: ((cpuMs(server.child.pid!) - cpuBefore) * 1000) / TOTAL };
      const key = `${testCase.name}|${server.name}`;
      results.set(key, [...(results.get(key) ?? []), r]);
    }
  }
}

const fmt = (rs: Round[]) =>
  `${median(rs.map((r) => r.reqPerSec))
    .toFixed(0)
    .padStart(6)} req/s  p50 ${median(rs.map((r) => r.p50))
    .toFixed(2)
    .padStart(6)} ms  p99 ${median(rs.map((r) => r.p99))
    .toFixed(2)
    .padStart(6)} ms  CPU ${median(rs.map((r) => r.cpuUsPerRequest))
    .toFixed(0)
    .padStart(4)} µs/request  non-200 ${rs.reduce((n, r) => n + r.errors, 0)}`;
for (const testCase of cases) {
  const b = results.get(`${testCase.name}|bare`)!;
  const o = results.get(`${testCase.name}|bot`)!;
  const br = results.get(`${testCase.name}|bare+reply`)!;
  const ratios = o.map((r, i) => r.reqPerSec / b[i]!.reqPerSec);
  const ratio = median(ratios);
  const p99 = median(o.map((r) => r.p99));
  console.log(`\n${testCase.name}`);
  const cpuRatio = median(b.map((r) => r.cpuUsPerRequest)) / median(o.map((r) => r.cpuUsPerRequest));
  console.log(`  bare ${fmt(b)}`);
  console.log(`  bot  ${fmt(o)}`);
  console.log(`  bare acking with the bot's reply  ${fmt(br)}`);
  console.log(
    `  bot/bare req/s: median ${ratio.toFixed(2)} (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}) ` +
      `target ≥ ${TARGET.ratio}: ${ratio >= TARGET.ratio ? 'met' : 'MISSED'}; ` +
      `bot p99 ${p99.toFixed(1)} ms, target ≤ ${TARGET.p99Ms} ms: ${p99 <= TARGET.p99Ms ? 'met' : 'MISSED'}`,
  );
  // Throughput of a CPU-bound server is 1 / CPU per request; this ratio holds on a busy machine too.
  console.log(
    `  bare/bot CPU per request: ${cpuRatio.toFixed(2)} (the req/s ratio a CPU-bound bot reaches; target ≥ ${TARGET.ratio}: ` +
      `${cpuRatio >= TARGET.ratio ? 'met' : 'MISSED'})`,
  );
}

await Promise.all(servers.map((server) => stop(server.child)));
if (process.env.BENCH_PROFILE || process.env.BENCH_BOT_NODE_FLAGS)
  console.log(`\nbot log and profile in ${dir}`);
await fake.close();
await emulator.close();
await redisServer.stop();
