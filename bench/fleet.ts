// npm run bench:fleet — many attach requests at once against an account that throttles, through
// the bot as deployed: two replicas (`node dist/main.js`, bench/production-bot.ts) on one private
// redis-server, one stand-in Slack and one ECS emulator, with the policy's defaults (the default
// `limits.ecs` budget shared in Redis, the worker's default concurrency and lock wait). The
// emulator throttles AttachDisk above a per-second quota (the account's room left by other tools)
// and 2 % of every call at random. Disks are created through the emulator's SDK, not tagged blank,
// so each attach first checks the disk's content, as the old in-process bench's did. This process
// plays Slack: it files every `/disk attach` at once (signed commands), then approves every card at
// once (signed clicks), alternating the two replicas' endpoints, and times each click to the
// request's broadcast result post. Calls and throttles come from the emulator's call log from the
// first click on (filing's apart), the budget's peaks from both; each replica's `/metrics` gives the
// throttles the bot counted.
// Teams file from their own channels, one requester each (no approvals channel): Slack paces posts
// per channel (1/s after a burst of 3), so one channel for 100 cards and results would measure
// Slack's pacing, and the policy refuses a user's 31st command in a minute.
// Exits non-zero only if a request does not succeed or a class goes over its budget.
import { cpus, loadavg } from 'node:os';
import { callClassOf, ECS_CALL_CLASSES, type EcsCallClass } from '../src/cloud/resilient-gateway.js';
import { SEED } from '../src/emulator/index.js';
import { DEFAULT_ECS_LIMITS } from '../src/workflow/policy.js';
import { type CallEntry, createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import type { RecordedCall } from '../test/support/fake-slack.js';
import { type BenchReplica, clickApprove, isApprovalCard, startBenchDeployment } from './production-bot.js';

const SECRET = 'bench-signing-secret';
const REQUESTS = Number(process.env.BENCH_FLEET_REQUESTS ?? 100);
const ATTACH_QUOTA = Number(process.env.BENCH_FLEET_ATTACH_QUOTA ?? 8);
const RANDOM_THROTTLE = Number(process.env.BENCH_FLEET_THROTTLE_RATE ?? 0.02);
const CHANNELS = Number(process.env.BENCH_FLEET_CHANNELS ?? 10);
const BOB = 'U0BOB';
const POLICY = `
actions:
  attach: { approvers: { users: [${BOB}] }, quorum: 1, expiresIn: 24h }
`;
const RESULT_WAIT_MS = 900_000;
const teamOf = (i: number) => String(i % CHANNELS).padStart(2, '0');
const channelOf = (i: number) => `C0TEAM${teamOf(i)}`;
const requesterOf = (i: number) => `U0DEV${teamOf(i)}`;

// 300 attachments over the 20 NVMe instances, within each type's data-disk limit: the larger
// instances (11–20) take two shares, the smaller (01–10) one. Three consecutive entries of the
// 30-entry cycle are always three different instances.
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
const cycle = [...nvmeI.slice(0, 10), ...nvmeI.slice(10), ...nvmeI.slice(10)];
const instancesOf = (i: number) => [0, 1, 2].map((k) => cycle[(3 * i + k) % cycle.length]!);

const emu = await startHarness();
const deployment = await startBenchDeployment({
  name: 'fleet',
  policy: POLICY,
  signingSecret: SECRET,
  ecsEndpoint: emu.emu.endpoint,
});
const replicas: BenchReplica[] = [deployment, await deployment.addReplica()];
const { fake } = deployment;
const loadAtStart = loadavg();
const replicaOf = (i: number) => replicas[i % replicas.length]!;

interface Filed {
  readonly id: string;
  readonly card: RecordedCall;
  readonly channel: string;
}

/** Request `i`'s team files `/disk attach` from its channel, through replica `i mod 2`. */
async function file(i: number, diskId: string): Promise<Filed> {
  const tag = `file-${i}`;
  const channel = channelOf(i);
  const text = `attach ${diskId} ${instancesOf(i).join(' ')}`;
  const res = await replicaOf(i).slack.command({
    text,
    userId: requesterOf(i),
    channelId: channel,
    responseUrl: fake.responseUrl(tag),
  });
  if (res.status !== 200) throw new Error(`/disk ${text} answered ${res.status}`);
  const reply = JSON.stringify((await fake.waitFor((c) => c.method === `/response/${tag}`, 600_000)).body);
  const id = /R-[0-9A-Z]{10}/.exec(reply)?.[0];
  if (!id || !reply.includes('opened')) throw new Error(`/disk ${text} not opened: ${reply}`);
  return { id, card: await fake.waitFor(isApprovalCard(channel, id), 600_000), channel };
}

interface Outcome {
  readonly id: string;
  /** How the result post's text starts (`R-… succeeded:`), or why there is none. */
  readonly state: string;
  /** Click → the result post, in ms (NaN without one). */
  readonly ms: number;
  /** When the result post was accepted (performance.now()). */
  readonly at: number;
}

/** Bob clicks Approve on request `i`'s card through replica `i mod 2`; resolves at its result post. */
async function approve({ id, card, channel }: Filed, i: number): Promise<Outcome> {
  const { clicked } = await clickApprove({ fake, slack: replicaOf(i).slack }, card, id, {
    userId: BOB,
    channelId: channel,
  });
  const outcome = new RegExp(`^${id} (succeeded|partial|failed):`);
  const post = await fake
    .waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.answer?.status === 200 &&
        String(c.body.reply_broadcast) === 'true' &&
        outcome.test(String(c.body.text)),
      RESULT_WAIT_MS,
    )
    .catch(() => undefined);
  if (!post) return { id, state: 'no result post', ms: Number.NaN, at: Number.NaN };
  const state = outcome.exec(String(post.body.text))?.[1] ?? 'unknown';
  return { id, state, ms: post.at - clicked, at: post.at };
}

/** Every request filed at once, then every card approved at once; the calls from the first click on. */
async function measure() {
  const sdk = emu.gateway();
  const disks: string[] = [];
  for (let i = 0; i < REQUESTS; i++) disks.push(await createAvailableDisk(sdk, `fleet-${i}`));
  await emu.clearCalls();
  await emu.setFaults({
    '*': { throttleRate: RANDOM_THROTTLE, retryAfterMs: 200 },
    AttachDisk: { quotaPerSecond: ATTACH_QUOTA, retryAfterMs: 1_000 },
  });
  const filingStarted = performance.now();
  const filed = await Promise.all(disks.map((diskId, i) => file(i, diskId)));
  const filingMs = performance.now() - filingStarted;
  const filingCalls = await emu.calls();
  await emu.clearCalls();
  const started = performance.now();
  const outcomes = await Promise.all(filed.map(approve));
  const wallMs = Math.max(...outcomes.map((o) => o.at)) - started;
  const calls = await emu.calls();
  await emu.setFaults({});
  const botThrottles = await Promise.all(replicas.map((r) => throttlesCounted(r.bot.url)));
  return { filingMs, filingCalls, outcomes, wallMs, calls, botThrottles };
}

/** Throttled ECS calls a replica counted (`sdb_ecs_calls_total` with a Throttling code). */
async function throttlesCounted(slackUrl: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', slackUrl))).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('sdb_ecs_calls_total{') && /code="[^"]*Throttling/.test(l))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

async function stopAll(): Promise<void> {
  await deployment.stop();
  await emu.close();
}

const { filingMs, filingCalls, outcomes, wallMs, calls, botThrottles } = await measure().catch(
  async (error: unknown) => {
    await stopAll();
    throw error;
  },
);

/** Most calls in any one-second window. */
function peak(sorted: number[]): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= 1_000) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
const times = (log: CallEntry[], cls: EcsCallClass) =>
  log
    .filter((c) => callClassOf(c.action) === cls)
    .map((c) => Date.parse(c.time))
    .sort((a, b) => a - b);
const count = (action: string, code?: string) =>
  calls.filter((c) => c.action === action && (code === undefined || c.code === code)).length;
const throttledIn = (log: CallEntry[]) => log.filter((c) => c.code.startsWith('Throttling')).length;
const durations = outcomes
  .map((o) => o.ms)
  .filter((ms) => !Number.isNaN(ms))
  .sort((a, b) => a - b);
const pct = (p: number) =>
  durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))] ?? Number.NaN;
const succeeded = outcomes.filter((o) => o.state === 'succeeded');
const others = outcomes.filter((o) => o.state !== 'succeeded').map((o) => `${o.id} ${o.state}`);
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
/** One line: what, the figure, the target beside it and whether it is met. */
const line = (what: string, figure: string, target: string, ok: boolean) =>
  console.log(`${what.padEnd(44)} ${figure.padEnd(30)} target ${target.padEnd(8)} ${verdict(ok)}`);
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loads(loadAtStart)} at start, ${loads(loadavg())} at the end`,
);
console.log(
  `process: the bot as deployed, ${replicas.length} replicas (node dist/main.js each, one private redis-server, policy defaults) → ECS emulator; ` +
    `signed commands and clicks alternate the replicas; ${CHANNELS} team channels with a requester each, no approvals channel`,
);
console.log(
  `emulator throttling: AttachDisk above ${ATTACH_QUOTA} calls/s, ${(RANDOM_THROTTLE * 100).toFixed(0)} % of every call at random`,
);
console.log(
  `filing: ${REQUESTS} /disk attach at once → every card posted in ${sec(filingMs)}; ` +
    `${filingCalls.length} ECS calls (${(filingCalls.length / REQUESTS).toFixed(1)} per request), ${throttledIn(filingCalls)} throttled`,
);
line(
  `${REQUESTS} attach requests × 3 instances succeeded`,
  `${succeeded.length}/${REQUESTS}`,
  'all',
  succeeded.length === REQUESTS,
);
if (others.length > 0) console.log(`  others: ${others.join(', ')}`);
console.log(
  `wall time, first click → last result post ${sec(wallMs)} (floor from the quota: ${sec((3 * REQUESTS * 1000) / ATTACH_QUOTA)})`,
);
console.log(
  `click → result post per request: median ${sec(pct(50))}, p90 ${sec(pct(90))}, max ${sec(pct(100))}`,
);
console.log(
  `calls from the first click: ${calls.length} (${(calls.length / REQUESTS).toFixed(1)} per request), ${throttledIn(calls)} throttled; ` +
    `AttachDisk ${count('AttachDisk', 'OK')} OK + ${count('AttachDisk') - count('AttachDisk', 'OK')} refused`,
);
console.log(
  `throttled calls the replicas counted (sdb_ecs_calls_total, filing included): ${botThrottles.join(' + ')} = ` +
    `${botThrottles.reduce((a, b) => a + b, 0)}; the emulator's log: ${throttledIn(filingCalls) + throttledIn(calls)}`,
);
const actions = [...new Set(calls.map((c) => c.action))].sort((a, b) => count(b) - count(a));
console.log(`  by action: ${actions.map((a) => `${a} ${count(a)}`).join(', ')}`);
let withinBudget = true;
for (const cls of ECS_CALL_CLASSES) {
  const t = times(calls, cls);
  const { callsPerSecond, burst } = DEFAULT_ECS_LIMITS[cls];
  const p = Math.max(peak(t), peak(times(filingCalls, cls)));
  withinBudget &&= p <= callsPerSecond + burst;
  line(
    `  ${cls} peak in any 1 s (${(t.length / REQUESTS).toFixed(1)} calls/request)`,
    `${p} of ${t.length} calls`,
    `≤ ${callsPerSecond + burst}`,
    p <= callsPerSecond + burst,
  );
}
console.log(`bot logs: ${replicas.map((r) => r.bot.log).join(', ')}`);
await stopAll();
if (succeeded.length !== REQUESTS || !withinBudget) process.exitCode = 1;
