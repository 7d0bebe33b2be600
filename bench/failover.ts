// npm run bench:failover — reservation-mode failovers through the bot as deployed
// (bench/production-bot.ts: dist/main.js with a private redis-server, LOG_LEVEL=info, the policy
// file, the outbox and its pacing) against the emulator with a fixed Cloud Assistant latency. This
// process plays Slack: Alice files `/disk failover` over signed HTTP, Bob clicks Approve (signed
// `block_actions`), and every figure ends when the stand-in Web API accepts the broadcast result
// post `R-… succeeded: …`. The disk is created with the emulator's SDK and attached to both
// instances through the bot (`/disk attach`, approved), so both NVMe keys are registered. Phases:
// 1. healthy old primary, takeover hook: the bot's overhead is click → result post minus the
//    emulated latency of the Cloud Assistant invocations on the critical path (every one from the
//    click on but the old primary's own inspect, which runs alongside and is not waited for);
// 2. hung old primary (its guest never answers), no takeover: result post − the fence step's end;
// 3. for on-call, the emergency path (`--emergency`, quorum 0): command → result post, no target.
// A policy file holds one failover section, so phase 2 (no hook) runs on a second deployment with
// its own policy, on the same emulator and disk. Exits non-zero only if a failover does not succeed.
import { cpus, loadavg } from 'node:os';
import { scriptMarker } from '../src/cloud/scripts/index.js';
import { SEED } from '../src/emulator/index.js';
import { type CallEntry, createAvailableDisk, startHarness } from '../test/support/execution-emulator.js';
import type { RecordedCall } from '../test/support/fake-slack.js';
import {
  type BenchDeployment,
  clickApprove,
  isApprovalCard,
  startBenchDeployment,
  succeededPost,
} from './production-bot.js';

const SECRET = 'bench-signing-secret';
const COMMAND_MS = Number(process.env.BENCH_COMMAND_MS ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const HUNG_RUNS = Number(process.env.BENCH_HUNG_RUNS ?? 6);
const EMERGENCY_RUNS = Number(process.env.BENCH_EMERGENCY_RUNS ?? 4);
// A reviewer reads the card before clicking: by then the channel's post burst (3, then 1 per second,
// src/slack/outbox/pacing.ts) has refilled after the card, as it has for a person. On-call typing
// an emergency command waits as long after the previous result.
const READING_MS = Number(process.env.BENCH_READING_MS ?? 3_000);
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const APPROVALS = 'C0APPROVALS';
const [a, b] = [SEED.instances.nvmeI[0]!.id, SEED.instances.nvmeI[1]!.id];
const INVOCATIONS = ['RunCommand', 'InvokeCommand'];
// The hook must be a script the emulator runs (only the bot's marked ones): the inspect marker
// stands in for "mount, start". The policy takes the hook as inline text.
const HOOK = `${scriptMarker('inspect')}\necho {{serial}}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bob approves attach and failover; Alice may fail over at once. Budgets and polling: defaults. */
function policy(takeoverHook: boolean): string {
  const hook = takeoverHook ? `    takeoverHook: { script: ${JSON.stringify(HOOK)}, timeoutSec: 30 }\n` : '';
  return `
channels: { approvals: ${APPROVALS} }
actions:
  attach: { approvers: { users: [${BOB}] }, quorum: 1, expiresIn: 24h }
  failover:
    approvers: { users: [${BOB}] }
    quorum: 1
    expiresIn: 15m
    emergency: { requesters: { users: [${ALICE}] }, quorum: 0, review: required }
${hook}fencing: { mode: reservation }
`;
}

const emu = await startHarness({
  latency: {
    create: { baseMs: 20, jitterMs: 0 },
    attach: { baseMs: 20, jitterMs: 0 },
    command: { baseMs: COMMAND_MS, jitterMs: 0 },
  },
});
const loadAtStart = loadavg();
/** The deployments still running, each stopped once (at the end of its phases or on a failure). */
const running = new Set<BenchDeployment>();
async function deploy(name: string, takeoverHook: boolean): Promise<BenchDeployment> {
  const deployment = await startBenchDeployment({
    name,
    policy: policy(takeoverHook),
    signingSecret: SECRET,
    ecsEndpoint: emu.emu.endpoint,
  });
  running.add(deployment);
  return deployment;
}

async function stop(deployment: BenchDeployment): Promise<void> {
  running.delete(deployment);
  await deployment.stop();
}

/** Alice's `/disk <text>`; returns the request id once the bot's reply says it opened. */
async function file({ fake, slack }: BenchDeployment, text: string): Promise<string> {
  const tag = `file-${fake.calls.length}`;
  const res = await slack.command({ text, userId: ALICE, responseUrl: fake.responseUrl(tag) });
  if (res.status !== 200) throw new Error(`/disk ${text} answered ${res.status}`);
  const reply = JSON.stringify((await fake.waitFor((c) => c.method === `/response/${tag}`, 30_000)).body);
  const id = /R-[0-9A-Z]{10}/.exec(reply)?.[0];
  if (!id || !reply.includes('opened')) throw new Error(`/disk ${text} not opened: ${reply}`);
  return id;
}

/** Bob reads request `id`'s card, then clicks Approve; returns the click's time. */
async function approve(deployment: BenchDeployment, id: string): Promise<number> {
  const card = await deployment.fake.waitFor(isApprovalCard(APPROVALS, id), 60_000);
  await sleep(READING_MS);
  return (await clickApprove(deployment, card, id, { userId: BOB, channelId: APPROVALS })).clicked;
}

interface Step {
  readonly label: string;
  readonly ms: number;
}

/**
 * The result post's Timeline table (src/slack/blocks/execution.ts): steps back to back from the
 * decision (the click, or the emergency's filing) to the result, each rounded to 0.1 s, and the total.
 */
function timelineOf(post: RecordedCall): { steps: Step[]; totalMs: number } {
  const texts = ((post.body.blocks ?? []) as { text?: { text?: string } }[]).map((x) => x.text?.text ?? '');
  const table = texts.find((t) => t.startsWith('*Timeline*')) ?? '';
  const steps: Step[] = [];
  let totalMs = Number.NaN;
  for (const row of table.replaceAll('```', '').split('\n')) {
    const step = /^(.+?)\s{2,}(ok|failed|skipped)\s{2,}([\d.]+) s$/.exec(row);
    if (step) steps.push({ label: step[1]!, ms: Number(step[3]) * 1000 });
    const total = /^total\s+([\d.]+) s$/.exec(row);
    if (total) totalMs = Number(total[1]) * 1000;
  }
  if (!steps.some((s) => s.label.startsWith('Fence')) || Number.isNaN(totalMs))
    throw new Error(`no fence step in the result timeline: ${table}`);
  return { steps, totalMs };
}

interface Run {
  /** Click (emergency: command) → the broadcast result post accepted, in ms. */
  readonly ms: number;
  readonly steps: Step[];
  readonly totalMs: number;
  /** Cloud Assistant invocations from the click on; those on the critical path (not `from`'s alone). */
  readonly invocations: number;
  readonly critical: number;
  readonly polls: number;
}

/** The instances one invocation runs on (`InstanceId.1`, …). */
const targetsOf = (call: CallEntry) =>
  Object.entries(call.params)
    .filter(([key]) => key.startsWith('InstanceId'))
    .map(([, value]) => value);

async function failover(
  deployment: BenchDeployment,
  from: string,
  to: string,
  diskId: string,
  emergency = false,
): Promise<Run> {
  await emu.clearCalls();
  const text = `failover ${diskId} --from ${from} --to ${to}`;
  let started: number;
  let id: string;
  if (emergency) {
    await sleep(READING_MS);
    started = performance.now();
    id = await file(deployment, `${text} --emergency "bench: on-call drill"`);
  } else {
    id = await file(deployment, text);
    started = await approve(deployment, id);
  }
  const startedAtMs = Date.now() - (performance.now() - started);
  const post = await succeededPost(deployment.fake, id);
  // Filing's preflight asks Cloud Assistant too: only the calls from the click on count (the
  // emulator's log has whole milliseconds on the same clock; 5 ms of slack for the conversion).
  const calls = (await emu.calls()).filter((c) => Date.parse(c.time) >= startedAtMs - 5);
  const invocations = calls.filter((c) => INVOCATIONS.includes(c.action));
  const alongside = invocations.filter((c) => targetsOf(c).every((i) => i === from));
  return {
    ms: post.at - started,
    ...timelineOf(post),
    invocations: invocations.length,
    critical: invocations.length - alongside.length,
    polls: calls.filter((c) => c.action === 'DescribeInvocationResults').length,
  };
}

const alternate = (i: number) => (i % 2 === 0 ? [a, b] : [b, a]) as [string, string];

async function measure() {
  const diskId = await createAvailableDisk(emu.gateway(), 'bench-failover');
  const withHook = await deploy('failover-hook', true);
  const attachId = await file(withHook, `attach ${diskId} ${a} ${b}`);
  await approve(withHook, attachId);
  await succeededPost(withHook.fake, attachId);

  const healthy: Run[] = [];
  for (let i = 0; i < RUNS; i++) healthy.push(await failover(withHook, ...alternate(i), diskId));
  const emergencies: Run[] = [];
  for (let i = 0; i < EMERGENCY_RUNS; i++)
    emergencies.push(await failover(withHook, ...alternate(RUNS + i), diskId, true));
  await stop(withHook);

  const noHook = await deploy('failover-hung', false);
  const hung: Run[] = [];
  for (let i = 0; i < HUNG_RUNS; i++) {
    const [from, to] = alternate(RUNS + EMERGENCY_RUNS + i);
    // Admin crash: Running in ECS, its Cloud Assistant never answers (an invocation times out).
    await emu.admin(`instances/${from}/crash`, {});
    try {
      hung.push(await failover(noHook, from, to, diskId));
    } finally {
      await emu.admin(`instances/${from}/recover`, {});
    }
  }
  return { healthy, emergencies, hung, log: noHook.bot.log, hookLog: withHook.bot.log };
}

async function stopAll(): Promise<void> {
  for (const deployment of [...running]) await stop(deployment);
  await emu.close();
}

// A failover that does not succeed fails the bench, with the bots, Redis and the emulator stopped.
const { healthy, emergencies, hung, log, hookLog } = await measure().catch(async (error: unknown) => {
  await stopAll();
  throw error;
});
await stopAll();

const ms = (x: number) => `${Math.round(x)} ms`;
const pick = (xs: number[], q: number) =>
  [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
const stats = (xs: number[]) =>
  `median ${ms(pick(xs, 0.5))}, p90 ${ms(pick(xs, 0.9))}, max ${ms(pick(xs, 1))}`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
/** One line: what, the figure, the target beside it and whether it is met. */
const line = (what: string, figure: string, target: string, ok: boolean) =>
  console.log(`${what.padEnd(44)} ${figure.padEnd(36)} target ${target.padEnd(8)} ${verdict(ok)}`);
const stepsText = (run: Run | undefined) =>
  run?.steps.map((s) => `${s.label} ${(s.ms / 1000).toFixed(1)} s`).join(', ') ?? '';
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

const overheads = healthy.map((r) => r.ms - r.critical * COMMAND_MS);
// The fence step's end, from the result's timeline (the bot's own account: steps back to back from
// the decision, so the fence ends at the sum of the steps up to it and its own). The thread's step
// lines carry the same durations but are batched into one post a second, so when they arrive says
// nothing of the fence. Each duration is rounded to 0.1 s; the steps before the fence take a few ms
// and round down, so the figure errs on the high side (by up to about 100 ms). The click's way to
// the bot (before the decision) counts into it.
const fenceEnds = hung.map((r) => {
  const fence = r.steps.findIndex((s) => s.label.startsWith('Fence'));
  return r.steps.slice(0, fence + 1).reduce((sum, s) => sum + s.ms, 0);
});
const beyondFence = hung.map((r, i) => r.ms - (fenceEnds[i] ?? 0));
/** The result's way out once the bot has it: post accepted − the timeline's total (± 50 ms). */
const slackSide = (runs: Run[]) => stats(runs.map((r) => r.ms - r.totalMs));

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loads(loadAtStart)} at start, ${loads(loadavg())} at the end`,
);
console.log(
  `process: the bot as deployed (node dist/main.js, private redis-server, policy file, fencing mode reservation, ECS budgets and Cloud Assistant polling at their defaults) against the emulator, Cloud Assistant ${COMMAND_MS} ms per invocation; signed commands and clicks, click ${READING_MS} ms after the card; measured to the broadcast result post accepted by the Slack stand-in`,
);
console.log('');
console.log(`${RUNS} failovers, healthy old primary, takeover hook (a→b, b→a)`);
console.log(`first run's timeline: ${stepsText(healthy[0])}`);
console.log(
  `Cloud Assistant invocations from the click, per failover: ${healthy.map((r) => r.invocations).join(', ')} (on the critical path: ${healthy.map((r) => r.critical).join(', ')}; DescribeInvocationResults: ${healthy.map((r) => r.polls).join(', ')})`,
);
console.log(`click → result post                          ${stats(healthy.map((r) => r.ms))}`);
console.log(
  `emulated on the critical path                ${[...new Set(healthy.map((r) => ms(r.critical * COMMAND_MS)))].join(', ')}`,
);
console.log(`result post − the timeline's total           ${slackSide(healthy)}`);
line('overhead (total − emulated)', stats(overheads), '≤ 250 ms', pick(overheads, 0.5) <= 250);
console.log('');
console.log(`${HUNG_RUNS} failovers away from a hung old primary, no takeover configured`);
console.log(`first run's timeline: ${stepsText(hung[0])}`);
console.log(
  `Cloud Assistant invocations from the click, per failover: ${hung.map((r) => r.invocations).join(', ')}`,
);
console.log(`click → result post                          ${stats(hung.map((r) => r.ms))}`);
console.log(`fence step's end after the decision          ${stats(fenceEnds)}`);
console.log(`result post − the timeline's total           ${slackSide(hung)}`);
line('result post − fence step end', stats(beyondFence), '≤ 500 ms', pick(beyondFence, 0.5) <= 500);
console.log('');
console.log(`${EMERGENCY_RUNS} emergency failovers (quorum 0, takeover hook), for on-call: no target`);
console.log(`first run's timeline: ${stepsText(emergencies[0])}`);
console.log(`command → result post                        ${stats(emergencies.map((r) => r.ms))}`);
console.log('');
console.log(`bot logs: ${hookLog} (hook: phase 1, emergency), ${log} (hung)`);
