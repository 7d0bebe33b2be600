// The bot as deployed, for the benchmarks: `node --enable-source-maps dist/main.js` (the
// Dockerfile's CMD, built by scripts/build.mjs --bench) with the environment it is given, its log
// going to a file as a container's would. BENCH_PROFILE=1 adds --cpu-prof; BENCH_BOT_NODE_FLAGS
// adds node flags (diagnostics such as --trace-gc).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED } from '../src/emulator/index.js';
import { ACTION_APPROVE } from '../src/slack/blocks/request-card.js';
import { type FakeSlack, type RecordedCall, startFakeSlack } from '../test/support/fake-slack.js';
import { type RedisServerHandle, startRedisServer } from '../test/support/redis-server.js';
import { signedSlackClient } from '../test/support/slack-requests.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ProductionBot {
  readonly name: 'bot';
  /** The Slack endpoint (`/slack/events`). */
  readonly url: string;
  readonly child: ChildProcess;
  readonly log: string;
}

/**
 * The environment both benches deploy the bot with: the fake Slack, a private Redis, the emulator
 * over plain HTTP with the sandbox key; `extra` adds or overrides (policy file, zones).
 */
export function benchBotEnv(
  parts: { signingSecret: string; slackApiUrl: string; redisUrl: string; ecsEndpoint: string },
  extra: Record<string, string>,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: parts.signingSecret,
    SLACK_API_URL: parts.slackApiUrl,
    REDIS_URL: parts.redisUrl,
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
    ECS_ENDPOINT: parts.ecsEndpoint,
    ECS_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Starts the bot and returns once `/readyz` answers 200; its log is `logName` in `dir`. */
export async function startProductionBot(
  env: Record<string, string>,
  dir: string,
  logName = 'bot.log',
): Promise<ProductionBot> {
  const log = join(dir, logName);
  const out = openSync(log, 'w');
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  // Diagnostics only (e.g. --trace-gc): the figures are for the plain production command.
  const extra = process.env.BENCH_BOT_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...profile, ...extra, '--enable-source-maps', 'dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
    stdio: ['ignore', out, out],
  });
  const deadline = Date.now() + 30_000;
  let port: number | undefined;
  while (port === undefined) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the bot did not start:\n${readFileSync(log, 'utf8')}`);
    port = Number(/listening on port (\d+)/.exec(readFileSync(log, 'utf8'))?.[1]) || undefined;
    await sleep(50);
  }
  while ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status !== 200) {
    if (Date.now() > deadline) throw new Error(`the bot is not ready:\n${readFileSync(log, 'utf8')}`);
    await sleep(50);
  }
  return { name: 'bot', url: `http://127.0.0.1:${port}/slack/events`, child, log };
}

/** One replica of the deployed bot and signed Slack requests to its endpoint. */
export interface BenchReplica {
  readonly bot: ProductionBot;
  /** Signed slash commands and clicks to this replica. */
  readonly slack: ReturnType<typeof signedSlackClient>;
}

export interface BenchDeployment extends BenchReplica {
  readonly fake: FakeSlack;
  readonly redisServer: RedisServerHandle;
  /** Starts one more replica of the same bot (environment, policy) on the same Redis, Slack and emulator. */
  addReplica(): Promise<BenchReplica>;
  /** Stops every replica (if it still runs), the fake Slack and Redis; the caller's emulator is its own. */
  stop(): Promise<void>;
}

async function stopBot(bot: ProductionBot): Promise<void> {
  if (bot.child.exitCode !== null) return;
  const exited = new Promise((resolve) => bot.child.once('exit', resolve));
  bot.child.kill('SIGTERM');
  await exited;
}

/**
 * What both benches deploy: the bundle built, `policy` in a file of a fresh directory, a private
 * redis-server, the fake Slack, and the bot on them and the emulator at `ecsEndpoint`.
 */
export async function startBenchDeployment(options: {
  readonly name: string;
  readonly policy: string;
  readonly signingSecret: string;
  readonly ecsEndpoint: string;
}): Promise<BenchDeployment> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--bench'], { stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), `sdb-bench-${options.name}-`));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, options.policy);
  const redisServer = await startRedisServer();
  const fake = await startFakeSlack();
  const env = benchBotEnv(
    {
      signingSecret: options.signingSecret,
      slackApiUrl: fake.apiUrl,
      redisUrl: redisServer.url,
      ecsEndpoint: options.ecsEndpoint,
    },
    {
      MULTI_ATTACH_ZONES: `${SEED.zones.multiAttachI},${SEED.zones.multiAttachJ}`,
      POLICY_FILE: policyFile,
    },
  );
  const first = await startProductionBot(env, dir);
  const bots = [first];
  const replicaOf = (bot: ProductionBot): BenchReplica => ({
    bot,
    slack: signedSlackClient(bot.url, options.signingSecret),
  });
  return {
    ...replicaOf(first),
    fake,
    redisServer,
    addReplica: async () => {
      const bot = await startProductionBot(env, dir, `bot-${bots.length + 1}.log`);
      bots.push(bot);
      return replicaOf(bot);
    },
    stop: async () => {
      await Promise.all(bots.map(stopBot));
      await fake.close();
      await redisServer.stop();
    },
  };
}

/** Whether `call` is request `id`'s approval card in `channel`, accepted by Slack. */
export const isApprovalCard =
  (channel: string, id: string) =>
  (call: RecordedCall): boolean =>
    call.method === 'chat.postMessage' &&
    call.body.channel === channel &&
    !call.body.thread_ts &&
    call.answer?.status === 200 &&
    JSON.stringify(call.body).includes(id);

/** The approve button's value on a card (`{id, planHash}`). */
export function approveValue(card: RecordedCall): string | undefined {
  const blocks = (card.body.blocks ?? []) as { elements?: { action_id?: string; value?: string }[] }[];
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_APPROVE)?.value;
}

/** A signed Approve click on request `id`'s card; throws unless the bot answered 200. */
export async function clickApprove(
  { fake, slack }: { readonly fake: FakeSlack; readonly slack: BenchReplica['slack'] },
  card: RecordedCall,
  id: string,
  clicker: { readonly userId: string; readonly channelId: string },
): Promise<{ readonly clicked: number; readonly clickedAtMs: number; readonly answeredMs: number }> {
  const value = approveValue(card);
  if (!value) throw new Error(`no approve button on the card of ${id}`);
  const clicked = performance.now();
  const clickedAtMs = Date.now();
  const res = await slack.click({
    userId: clicker.userId,
    actionId: ACTION_APPROVE,
    value,
    channelId: clicker.channelId,
    messageTs: String((card.answer?.json as { ts?: string } | undefined)?.ts),
    responseUrl: fake.responseUrl(`approve-${id}`),
  });
  if (res.status !== 200) throw new Error(`click on ${id} answered ${res.status}`);
  return { clicked, clickedAtMs, answeredMs: performance.now() - clicked };
}

/** Request `id`'s broadcast result post once Slack accepted it; throws unless it succeeded. */
export async function succeededPost(fake: FakeSlack, id: string): Promise<RecordedCall> {
  // The result post's text starts with the request id and its final state.
  const outcome = new RegExp(`^${id} (succeeded|partial|failed):`);
  const post = await fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.answer?.status === 200 &&
      String(c.body.reply_broadcast) === 'true' &&
      outcome.test(String(c.body.text)),
    180_000,
  );
  if (!String(post.body.text).startsWith(`${id} succeeded:`))
    throw new Error(`${id} did not succeed: ${post.body.text}`);
  return post;
}

/**
 * The bot's Prometheus figures from `/metrics` (the ops routes share the Slack endpoint's server in
 * HTTP mode), keyed by name and labels as exposed (`sdb_watch_cycle_calls{action="RunCommand"}`).
 */
export async function scrapeMetrics(bot: Pick<ProductionBot, 'url'>): Promise<Map<string, number>> {
  const res = await fetch(new URL('/metrics', bot.url));
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const figures = new Map<string, number>();
  for (const row of (await res.text()).split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(row);
    if (sample) figures.set(sample[1]!, Number(sample[2]));
  }
  return figures;
}
