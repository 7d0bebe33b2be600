// npm run bench:watch — the watch's cost over 1,000 watched disks on 3,000 instances (emulator
// `--seed large`, each disk attached to 3 instances with OCFS2 mounted), through the bot as deployed
// (bench/production-bot.ts: dist/main.js with a private redis-server, LOG_LEVEL=info, the outbox,
// the worker, sweeper and reconciler; policy defaults but the watch interval and the command rate).
// This process plays Slack: the 1,000 disks are enrolled as a user does, `/disk watch <disk>` over
// signed HTTP from ten channels, and every first look must reach the stand-in Web API. Then it
// measures whole watcher cycles after the enrolment: the ECS calls of a cycle by action from the
// emulator's call log (cleared between two cycles), and the cycle time from the bot's own
// `sdb_watch_cycle_seconds` histogram on /metrics (its sum grows by exactly that cycle's time;
// the call log's first-to-last span, printed beside it, misses the cycle's Redis reads, its
// verdicts and its commit). Exits non-zero only if the enrolment or the measurement fails.
import { cpus, loadavg } from 'node:os';
import { LARGE, largeDiskId } from '../src/emulator/seed-large.js';
import { DEFAULT_ECS_LIMITS } from '../src/workflow/policy.js';
import { type CallEntry, startHarness } from '../test/support/execution-emulator.js';
import type { RecordedCall } from '../test/support/fake-slack.js';
import { scrapeMetrics, startBenchDeployment } from './production-bot.js';

const SECRET = 'bench-signing-secret';
const WATCHED = 1_000;
// Short enough that a measured cycle comes quickly; the cycle's Cloud Assistant timeout (half the
// interval) stays far above the guests' 0.2–0.5 s.
const INTERVAL_SEC = Number(process.env.BENCH_WATCH_INTERVAL_SEC ?? 20);
const CYCLES = Math.max(1, Number(process.env.BENCH_CYCLES ?? 2));
const DEFAULT_INTERVAL_SEC = 60;
const CHANNELS = Array.from({ length: 10 }, (_, i) => `C0WATCH${i}`);
// Commands in flight at once: a few people enrolling disks, not a flood.
const CONCURRENCY = 8;
const ALICE = 'U0ALICE';
const COMMAND_LATENCY = { baseMs: 200, jitterMs: 300 }; // the emulator's default Cloud Assistant time
const INVOCATIONS = ['RunCommand', 'InvokeCommand'];
// A cycle waits up to 5 s for Slack to take each alert; what the outbox sends later still counts.
const SETTLE_MS = 5_000;
const POLICY = `
rateLimit: { commandsPerMinute: 10000 }
watch: { interval: ${INTERVAL_SEC}s }
`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const emu = await startHarness({ latency: { command: COMMAND_LATENCY } });
await emu.admin('reset', { seed: 'large' });
const loadAtStart = loadavg();
const deployment = await startBenchDeployment({
  name: 'watch',
  policy: POLICY,
  signingSecret: SECRET,
  ecsEndpoint: emu.emu.endpoint,
});
const { bot, fake, slack } = deployment;

const isFirstLook = (c: RecordedCall) =>
  c.method === 'chat.postMessage' &&
  c.answer?.status === 200 &&
  String(c.body.text).startsWith('Now watching');
/** The watch's own posts and edits in its channels: alerts, reminders, resolutions, notices. */
const isWatchMessage = (c: RecordedCall) =>
  (c.method === 'chat.postMessage' || c.method === 'chat.update') &&
  c.answer?.status === 200 &&
  CHANNELS.includes(String(c.body.channel)) &&
  !isFirstLook(c);

/** `/disk watch` of large disk `n`, as Alice types it in one of the channels; throws unless adopted. */
async function enrol(n: number): Promise<void> {
  const diskId = largeDiskId(n);
  const tag = `watch-${n}`;
  const res = await slack.command({
    text: `watch ${diskId}`,
    userId: ALICE,
    channelId: CHANNELS[n % CHANNELS.length],
    responseUrl: fake.responseUrl(tag),
  });
  if (res.status !== 200) throw new Error(`/disk watch ${diskId} answered ${res.status}`);
  const reply = JSON.stringify((await fake.waitFor((c) => c.method === `/response/${tag}`, 120_000)).body);
  if (!reply.includes(`Watching`)) throw new Error(`/disk watch ${diskId} not adopted: ${reply}`);
}

async function until(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(250);
  }
}

interface Enrolment {
  /** First command → last reply. */
  readonly answeredMs: number;
  /** First command → the last first look accepted by Slack. */
  readonly firstLooksMs: number;
  readonly calls: CallEntry[];
  readonly cycles: number;
}

async function enrolAll(): Promise<Enrolment> {
  await emu.clearCalls();
  const cyclesBefore = (await scrapeMetrics(bot)).get('sdb_watch_cycle_seconds_count') ?? 0;
  const started = performance.now();
  let next = 1;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next <= WATCHED) await enrol(next++);
    }),
  );
  const answeredMs = performance.now() - started;
  const firstLooks = () => fake.calls.filter(isFirstLook).length;
  await until(
    () => firstLooks() >= WATCHED,
    20 * 60_000,
    () => `the first looks (${firstLooks()} of ${WATCHED})`,
  );
  const cycles = ((await scrapeMetrics(bot)).get('sdb_watch_cycle_seconds_count') ?? 0) - cyclesBefore;
  return { answeredMs, firstLooksMs: performance.now() - started, calls: await emu.calls(), cycles };
}

interface Cycle {
  /** The cycle's own time, from the bot's histogram. */
  readonly ms: number;
  /** First to last ECS call of the cycle in the emulator's log. */
  readonly spanMs: number;
  readonly calls: Record<string, number>;
  /** The bot's own per-cycle count (`sdb_watch_cycle_calls`), by action. */
  readonly botCalls: Record<string, number>;
  /** Watch messages the cycle put in the outbox (`sdb_watch_alerts_total`), by kind and phase. */
  readonly alerts: Record<string, number>;
  /** Watch posts and edits Slack accepted from the cycle's start to `SETTLE_MS` after its end. */
  readonly posted: number;
}

/** Polls /metrics until the watcher has finished one more cycle than in `after`. */
async function cycleEnd(after: Map<string, number>): Promise<Map<string, number>> {
  const before = after.get('sdb_watch_cycle_seconds_count') ?? 0;
  const deadline = Date.now() + Math.max(4 * INTERVAL_SEC * 1000, 300_000);
  for (;;) {
    const now = await scrapeMetrics(bot);
    const count = now.get('sdb_watch_cycle_seconds_count') ?? 0;
    if (count === before + 1) return now;
    if (count > before + 1) throw new Error('a cycle ended unseen between two scrapes');
    if (Date.now() > deadline) throw new Error('no watcher cycle ended in time');
    await sleep(100);
  }
}

const labelled = (figures: Map<string, number>, name: string, label: RegExp) =>
  Object.fromEntries(
    [...figures]
      .filter(([key]) => key.startsWith(`${name}{`))
      .map(([key, value]) => [label.exec(key)?.slice(1).join('/') ?? key, value]),
  );
const byAction = (calls: CallEntry[]) => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.action] = (out[c.action] ?? 0) + 1;
  return out;
};

/**
 * Whole cycles after the enrolment. The call log is cleared after each cycle ends; a cycle that
 * began before the clear (it followed a cycle longer than the interval at once) is not measured,
 * only its time kept.
 */
async function measureCycles(): Promise<{ cycles: Cycle[]; unmeasuredMs: number[] }> {
  let previous = await scrapeMetrics(bot);
  const cycles: Cycle[] = [];
  const unmeasuredMs: number[] = [];
  while (cycles.length < CYCLES) {
    if (unmeasuredMs.length > CYCLES + 4)
      throw new Error(`no cycle began after the log was cleared: ${unmeasuredMs.map(seconds).join(', ')}`);
    await emu.clearCalls();
    const clearedAt = performance.now();
    const ended = await cycleEnd(previous);
    const endedAt = performance.now();
    const sum = (figures: Map<string, number>) => figures.get('sdb_watch_cycle_seconds_sum') ?? 0;
    const ms = (sum(ended) - sum(previous)) * 1000;
    if (endedAt - ms < clearedAt) {
      unmeasuredMs.push(ms);
      previous = ended;
      continue;
    }
    const log = await emu.calls();
    const times = log.map((c) => Date.parse(c.time));
    await sleep(SETTLE_MS);
    const alertsNow = labelled(ended, 'sdb_watch_alerts_total', /kind="([^"]*)",phase="([^"]*)"/);
    const alertsBefore = labelled(previous, 'sdb_watch_alerts_total', /kind="([^"]*)",phase="([^"]*)"/);
    cycles.push({
      ms,
      spanMs: times.length > 0 ? Math.max(...times) - Math.min(...times) : 0,
      calls: byAction(log),
      botCalls: labelled(ended, 'sdb_watch_cycle_calls', /action="([^"]*)"/),
      alerts: Object.fromEntries(
        Object.entries(alertsNow)
          .map(([key, value]) => [key, value - (alertsBefore[key] ?? 0)])
          .filter(([, value]) => value !== 0),
      ),
      posted: fake.calls.filter((c) => isWatchMessage(c) && c.at >= endedAt - ms && c.at <= performance.now())
        .length,
    });
    previous = ended;
  }
  return { cycles, unmeasuredMs };
}

async function stopAll(): Promise<void> {
  await deployment.stop();
  await emu.close();
}

// A failed enrolment or measurement fails the bench, with the bot, Redis and the emulator stopped.
const { enrolment, cycles, unmeasuredMs } = await (async () => {
  const enrolment = await enrolAll();
  return { enrolment, ...(await measureCycles()) };
})().catch(async (error: unknown) => {
  await stopAll();
  throw error;
});

const count = (calls: Record<string, number>, actions: string[]) =>
  actions.reduce((n, a) => n + (calls[a] ?? 0), 0);
const worst = (actions: string[]) => Math.max(...cycles.map((c) => count(c.calls, actions)));
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
/** One line: what, the figure, the target beside it and whether it is met. */
const line = (what: string, figure: string, target: string, ok: boolean) =>
  console.log(`${what.padEnd(44)} ${figure.padEnd(30)} target ${target.padEnd(8)} ${verdict(ok)}`);
const list = (figures: Record<string, number>) =>
  Object.entries(figures)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || 'none';
/**
 * The share of a budget class the largest cycle takes at `intervalSec`, from the bot's own count:
 * the budget is charged once per gateway call, so a result poll read in two pages costs one.
 */
const share = (actions: string[], perSecond: number, intervalSec: number) => {
  const charged = Math.max(...cycles.map((c) => count(c.botCalls, actions)));
  return `${((charged / (perSecond * intervalSec)) * 100).toFixed(0)} %`;
};
const READS = ['DescribeDisks', 'DescribeInstances'];
const ASSISTANT = [...INVOCATIONS, 'DescribeInvocationResults'];

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loads(loadAtStart)} at start, ${loads(loadavg())} at the end`,
);
console.log(
  `process: the bot as deployed (node dist/main.js, private redis-server, policy defaults but watch.interval ${INTERVAL_SEC} s and rateLimit.commandsPerMinute 10000, fencing mode reservation) against the emulator; Cloud Assistant ${COMMAND_LATENCY.baseMs}–${COMMAND_LATENCY.baseMs + COMMAND_LATENCY.jitterMs} ms; ECS budget (calls/s) read ${DEFAULT_ECS_LIMITS.read.callsPerSecond}, assistant ${DEFAULT_ECS_LIMITS.assistant.callsPerSecond}`,
);
console.log(
  `world: ${LARGE.instances} large + default instances, ${LARGE.attachedDisks + LARGE.spareDisks} large disks; watched ${WATCHED} (each on ${LARGE.perDisk} instances), from ${CHANNELS.length} channels`,
);
console.log(
  `enrolment: ${WATCHED} × /disk watch over signed HTTP, ${CONCURRENCY} at a time: all answered in ${seconds(enrolment.answeredMs)}, all first looks posted by ${seconds(enrolment.firstLooksMs)}; ${enrolment.cycles} watcher cycles ran meanwhile; ECS calls ${enrolment.calls.length}${enrolment.calls.length >= 10_000 ? ' (the log keeps the last 10,000)' : ''}: ${list(byAction(enrolment.calls))}`,
);
console.log(
  `cycles after the enrolment that began before the call log was cleared (not measured): ${unmeasuredMs.map(seconds).join(', ') || 'none'}`,
);
const actions = ['DescribeDisks', 'DescribeInstances', ...INVOCATIONS, 'DescribeInvocationResults'];
console.log(`| cycle | ${actions.join(' | ')} | total calls | cycle time (metrics) | call-log span |`);
console.log(`|---|${actions.map(() => '---|').join('')}---|---|---|`);
cycles.forEach((c, i) => {
  const total = Object.values(c.calls).reduce((a, b) => a + b, 0);
  console.log(
    `| ${i + 1} | ${actions.map((a) => c.calls[a] ?? 0).join(' | ')} | ${total} | ${(c.ms / 1000).toFixed(2)} s | ${(c.spanMs / 1000).toFixed(2)} s |`,
  );
});
for (const [i, c] of cycles.entries())
  console.log(
    `cycle ${i + 1}: the bot's own count ${list(c.botCalls)}; watch messages into the outbox ${list(c.alerts)}; watch posts and edits Slack accepted ${c.posted}`,
  );
line(
  'DescribeDisks per cycle (max)',
  String(worst(['DescribeDisks'])),
  '≤ 10',
  worst(['DescribeDisks']) <= 10,
);
line(
  'DescribeInstances per cycle (max)',
  String(worst(['DescribeInstances'])),
  '≤ 30',
  worst(['DescribeInstances']) <= 30,
);
line(
  'Cloud Assistant invocations per cycle (max)',
  String(worst(INVOCATIONS)),
  '≤ 30',
  worst(INVOCATIONS) <= 30,
);
console.log(
  `cycle time: ${cycles.map((c) => `${(c.ms / 1000).toFixed(2)} s`).join(', ')}; budget share of the largest cycle at the default ${DEFAULT_INTERVAL_SEC} s interval: read ${share(READS, DEFAULT_ECS_LIMITS.read.callsPerSecond, DEFAULT_INTERVAL_SEC)}, assistant ${share(ASSISTANT, DEFAULT_ECS_LIMITS.assistant.callsPerSecond, DEFAULT_INTERVAL_SEC)} (at this bench's ${INTERVAL_SEC} s: ${share(READS, DEFAULT_ECS_LIMITS.read.callsPerSecond, INTERVAL_SEC)}, ${share(ASSISTANT, DEFAULT_ECS_LIMITS.assistant.callsPerSecond, INTERVAL_SEC)})`,
);
console.log(`alerts of the first cycle after the enrolment (information): ${cycles[0]?.posted ?? 0}`);
console.log(`bot log: ${bot.log}`);
await stopAll();
