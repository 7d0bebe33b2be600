// npm run bench:ack — ack latency and throughput of the bot against a bare Bolt app.
// Each server is compiled JS in its own process; this process generates signed slash commands.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { slashCommandBody } from '../test/support/slack-requests.js';
import { type LoadResult, runLoad } from './load.js';

const SECRET = 'bench-signing-secret';
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1_000);
const CONCURRENT_TOTAL = Number(process.env.BENCH_CONCURRENT_TOTAL ?? 20_000);
const CONCURRENCY = 50;

async function startServer(script: string, apiUrl: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: apiUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return { port: (JSON.parse(line) as { port: number }).port, child };
}

const fmt = (r: LoadResult) =>
  `${r.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(6)} ms`;

execFileSync('node', ['scripts/build.mjs', '--bench'], { stdio: 'inherit' });
const fake = await startFakeSlack();
const cases = [
  { name: '/disk help', text: 'help' },
  { name: '/disk create (fails validation)', text: 'create x --size abc' },
];
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
);
for (const testCase of cases) {
  const body = slashCommandBody({ text: testCase.text, responseUrl: fake.responseUrl('bench') });
  const results: Record<string, { seq: LoadResult; conc: LoadResult }> = {};
  for (const kind of ['bare', 'bot'] as const) {
    const server = await startServer(`dist/bench/${kind}-server.js`, fake.apiUrl);
    const url = `http://127.0.0.1:${server.port}/slack/events`;
    await runLoad({ url, body, secret: SECRET, total: 500, concurrency: CONCURRENCY }); // warm-up
    const seq = await runLoad({ url, body, secret: SECRET, total: SEQUENTIAL, concurrency: 1 });
    const conc = await runLoad({
      url,
      body,
      secret: SECRET,
      total: CONCURRENT_TOTAL,
      concurrency: CONCURRENCY,
    });
    server.child.kill('SIGTERM');
    results[kind] = { seq, conc };
  }
  const { bare, bot } = results as Record<'bare' | 'bot', { seq: LoadResult; conc: LoadResult }>;
  console.log(`\n${testCase.name}`);
  console.log(
    `  sequential ${SEQUENTIAL}:   bare ${fmt(bare.seq)}\n                     bot  ${fmt(bot.seq)}`,
  );
  console.log(
    `  ${CONCURRENCY} concurrent ${CONCURRENT_TOTAL}: bare ${fmt(bare.conc)}\n                     bot  ${fmt(bot.conc)}`,
  );
  console.log(
    `  ratio bot/bare (req/s): sequential ${(bot.seq.reqPerSec / bare.seq.reqPerSec).toFixed(2)}, ` +
      `concurrent ${(bot.conc.reqPerSec / bare.conc.reqPerSec).toFixed(2)}; non-200: bare ${bare.conc.errors}, bot ${bot.conc.errors}`,
  );
}
await fake.close();
