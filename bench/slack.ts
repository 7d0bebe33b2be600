// npm run bench:slack — click → outcome post while Slack throttles and fails (issue 20).
// The bot runs as deployed (bench/production-bot.ts: dist/main.js with a private redis-server,
// the ECS emulator as ECS_ENDPOINT, the worker, sweeper and reconciler, LOG_LEVEL=info). This
// process plays Slack: the fake Web API answers BENCH_THROTTLE (default 30 %) of writes 429 with
// `Retry-After: 1` and BENCH_FAIL (default 5 %) 500. Alice files BENCH_REQUESTS creates in a
// row; as each card is accepted Bob approves it; measured: the ack, "opened" in the reply, and
// the time from the click to the accepted outcome post that mentions Alice.
import { cpus, loadavg } from 'node:os';
import { SEED, startEmulator } from '../src/emulator/index.js';
import { type RecordedCall, retryAfterViolations } from '../test/support/fake-slack.js';
import { clickApprove, isApprovalCard, startBenchDeployment } from './production-bot.js';

const SECRET = 'bench-signing-secret';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 8);
const THROTTLE = Number(process.env.BENCH_THROTTLE ?? 0.3);
const FAIL = Number(process.env.BENCH_FAIL ?? 0.05);
const TARGET = { openedMs: 10_000, outcomeMs: 30_000, ackMs: 3_000 };
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const APPROVALS = 'C0APPROVALS';
const POLICY = `
channels: { approvals: ${APPROVALS}, audit: C0AUDIT }
actions:
  create: { approvers: { users: [${BOB}] }, quorum: 1, expiresIn: 24h }
`;

const json = (call: RecordedCall) => JSON.stringify(call.body);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const emulator = await startEmulator({ port: 0 });
const { bot, fake, slack, stop } = await startBenchDeployment({
  name: 'slack',
  policy: POLICY,
  signingSecret: SECRET,
  ecsEndpoint: emulator.endpoint,
});
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loadavg()[0]?.toFixed(1)} at start; ` +
    `faults: ${Math.round(THROTTLE * 100)} % of writes 429 (Retry-After 1), ${Math.round(FAIL * 100)} % 500`,
);
fake.faults({ throttleRate: THROTTLE, retryAfterSec: 1, failRate: FAIL, failStatus: 500 }, 7);

const acks: number[] = [];
const opened: number[] = [];
const outcomes: Promise<number>[] = [];
const ids: string[] = [];
for (let i = 1; i <= REQUESTS; i++) {
  const start = performance.now();
  const res = await slack.command({
    text: `create bench-slack-${i} --size 20 --zone ${SEED.zones.multiAttachI}`,
    userId: ALICE,
    responseUrl: fake.responseUrl(`file-${i}`),
  });
  acks.push(performance.now() - start);
  if (res.status !== 200) throw new Error(`command ${i} answered ${res.status}`);
  const reply = json(await fake.waitFor((c) => c.method === `/response/file-${i}`, 30_000));
  opened.push(performance.now() - start);
  const id = /R-[0-9A-Z]{10}/.exec(reply)?.[0];
  if (!id || !reply.includes('opened')) throw new Error(`request ${i} not opened: ${reply}`);
  ids.push(id);
}
for (const id of ids) {
  const card = await fake.waitFor(isApprovalCard(APPROVALS, id), 60_000);
  const { clicked, answeredMs } = await clickApprove({ fake, slack }, card, id, {
    userId: BOB,
    channelId: APPROVALS,
  });
  acks.push(answeredMs);
  outcomes.push(
    fake
      .waitFor(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.answer?.status === 200 &&
          c.body.reply_broadcast === 'true' &&
          json(c).includes(id) &&
          json(c).includes(ALICE) &&
          /succeeded|failed/.test(json(c)),
        120_000,
      )
      .then((call) => call.at - clicked),
  );
}
const clickToOutcome = await Promise.all(outcomes);
const cards = ids.map((id) => fake.calls.filter(isApprovalCard(APPROVALS, id)).length);
const writes = fake.calls.filter((c) => c.kind === 'api' && c.answer && c.method !== 'usergroups.users.list');
const throttled = writes.filter((c) => c.answer?.status === 429).length;
const failed = writes.filter((c) => (c.answer?.status ?? 0) >= 500).length;
const violations = retryAfterViolations(fake.calls);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `writes: ${writes.length} (${throttled} answered 429, ${failed} answered 5xx); ` +
    `writes before Retry-After: ${violations.length}; cards per request: ${[...new Set(cards)].join(', ')}`,
);
console.log(
  `ack: max ${Math.round(Math.max(...acks))} ms (target < ${TARGET.ackMs} ms: ${verdict(Math.max(...acks) < TARGET.ackMs)})`,
);
console.log(
  `"opened" reply: p50 ${seconds(percentile(opened, 50))}, max ${seconds(Math.max(...opened))} ` +
    `(target < ${seconds(TARGET.openedMs)}: ${verdict(Math.max(...opened) < TARGET.openedMs)})`,
);
console.log(
  `click → outcome post: p50 ${seconds(percentile(clickToOutcome, 50))}, max ${seconds(Math.max(...clickToOutcome))} ` +
    `(target < ${seconds(TARGET.outcomeMs)}: ${verdict(Math.max(...clickToOutcome) < TARGET.outcomeMs)})`,
);
console.log(`bot log: ${bot.log}`);
await stop();
await emulator.close();
