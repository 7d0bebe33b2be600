/**
 * The sandbox (design.md §9): everything a newcomer needs to try the bot with no Slack workspace
 * and no cloud account. Redis, the ECS emulator, a Slack Web API stand-in, the real bot over its
 * real signed HTTP endpoint, and a web console that plays the Slack client. Everything binds to
 * 127.0.0.1; `stop()` closes it all in reverse order of start.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningBot, startBot } from '../bot.js';
import { accountRoles, buildCloudGateway } from '../cloud/cloud-gateway.js';
import { LATENCY_KINDS, type LatencyKind, type LatencySpec, SEED, startEmulator } from '../emulator/index.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createRedis, type RedisClient } from '../store/connection.js';
import type { Policy } from '../workflow/policy.js';
import { type RunningConsole, startConsole } from './console/server.js';
import type { SandboxPace } from './env.js';
import { Interactions } from './interactions.js';
import { CHANNELS, SANDBOX_ACCOUNTS, sandboxPolicy } from './people.js';
import { SlackPlatform } from './platform.js';
import { RedisUnavailableError, startSandboxRedis } from './redis.js';
import { type SlackApiStandIn, startSlackApi } from './slack-api.js';
import { SlackFaults } from './slack-faults.js';
import { WorkflowStepRuns } from './workflow-steps.js';
import { Workspace } from './workspace.js';

export { SANDBOX_PACES, type SandboxPace } from './env.js';
export { RedisUnavailableError } from './redis.js';

interface PaceSettings {
  readonly latency: Partial<Record<LatencyKind, LatencySpec>>;
  readonly diskPollMs: number;
  readonly retry?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Replaces the policy's watch interval. */
  readonly watchIntervalMs?: number;
}

const QUICK_CALL: LatencySpec = { baseMs: 10, jitterMs: 20 };
/**
 * How fast the sandbox moves. `human` (the default) is slow enough to watch a request move through
 * its states and short enough for a two-minute tour; `quick` is for scripted runs (the browser
 * tests): emulated cloud calls take a few milliseconds, the bot polls DescribeDisks and backs off
 * from a 5xx in tens of milliseconds, and the watch looks every 2 s (below the policy's 5 s floor,
 * as the watch tests run it). What happens is the same; only the waits are shorter.
 */
const PACES: Record<SandboxPace, PaceSettings> = {
  human: {
    latency: {
      create: { baseMs: 700, jitterMs: 500 },
      attach: { baseMs: 500, jitterMs: 400 },
      detach: { baseMs: 500, jitterMs: 400 },
      start: { baseMs: 1_500, jitterMs: 500 },
      stop: { baseMs: 1_500, jitterMs: 500 },
      command: { baseMs: 300, jitterMs: 300 },
    },
    diskPollMs: 250,
  },
  quick: {
    latency: Object.fromEntries(LATENCY_KINDS.map((kind) => [kind, QUICK_CALL])),
    diskPollMs: 50,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    watchIntervalMs: 2_000,
  },
};

export interface SandboxOptions {
  /** An existing Redis; without it a private redis-server is started under `dataDir`. */
  readonly redisUrl?: string;
  /** Console port; 0 picks a free one. */
  readonly consolePort: number;
  /** When the console port is taken, use any free port instead of failing. */
  readonly anyPortIfTaken?: boolean;
  /** Working files: the private Redis's directory and the bot's log. */
  readonly dataDir: string;
  readonly logLevel: string;
  /** Default `human`. */
  readonly pace?: SandboxPace;
}

export interface RunningSandbox {
  readonly consoleUrl: string;
  readonly redis: { readonly url: string; readonly private: boolean };
  readonly logFile: string;
  stop(): Promise<void>;
}

function withWatchInterval(policy: Policy, intervalMs: number | undefined): Policy {
  return intervalMs === undefined ? policy : { ...policy, watch: { ...policy.watch, interval: intervalMs } };
}

/** Stops what was started, last first; one failure does not keep the rest running. */
async function unwind(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const stops: (() => Promise<void>)[] = [];
  const pace = PACES[options.pace ?? 'human'];
  try {
    mkdirSync(options.dataDir, { recursive: true });
    const logFile = join(options.dataDir, 'sandbox.log');
    const logStream = createWriteStream(logFile, { flags: 'a' });
    stops.push(() => new Promise<void>((resolve) => logStream.end(() => resolve())));
    const logger = createLogger(options.logLevel, logStream).child({ mode: 'sandbox' });

    const [redisStarted, emulatorStarted] = await Promise.allSettled([
      startSandboxRedis({ ...(options.redisUrl ? { url: options.redisUrl } : {}), dataDir: options.dataDir }),
      startEmulator({
        port: 0,
        host: '127.0.0.1',
        seed: 'default',
        latency: pace.latency,
        accounts: Object.values(SANDBOX_ACCOUNTS).map((accountId) => ({ accountId })),
      }),
    ]);
    if (redisStarted.status === 'fulfilled') stops.push(() => redisStarted.value.stop());
    if (emulatorStarted.status === 'fulfilled') stops.push(() => emulatorStarted.value.close());
    if (redisStarted.status === 'rejected') throw redisStarted.reason;
    if (emulatorStarted.status === 'rejected') throw emulatorStarted.reason;
    const redisServer = redisStarted.value;
    const emulator = emulatorStarted.value;

    const workspace = new Workspace(new Set(Object.values(CHANNELS).map((c) => c.id)));
    const interactions = new Interactions();
    const botToken = `xoxb-sandbox-${randomBytes(12).toString('hex')}`;
    const signingSecret = randomBytes(32).toString('hex');
    let consoleUrl = '';
    const steps = new WorkflowStepRuns(workspace);
    const slackFaults = new SlackFaults();
    const slackApi: SlackApiStandIn = await startSlackApi({
      faults: slackFaults,
      workspace,
      interactions,
      steps,
      botToken,
      permalinkBase: () => consoleUrl,
    });
    stops.push(() => slackApi.close());

    const redis: RedisClient = createRedis(redisServer.url, { maxRetriesPerRequest: 2 });
    redis.on('error', (error) => logger.warn({ event: 'redis.error', error: error.message }, 'Redis error'));
    stops.push(() => redis.quit().then(() => undefined));
    // A wrong REDIS_URL should stop the start here, not surface as a failed first command.
    await redis.ping().catch((error: unknown) => {
      const where = redisServer.url.replace(/\/\/[^@/]*@/, '//…@');
      throw new RedisUnavailableError(`cannot reach Redis at ${where}: ${String(error)}`);
    });
    // A shared Redis gets a run-specific prefix, so the sandbox never touches anyone else's keys.
    const keyPrefix = redisServer.private ? undefined : `sdb-sandbox:${randomBytes(4).toString('hex')}:`;

    const policy = withWatchInterval(sandboxPolicy(), pace.watchIntervalMs);
    const bot: RunningBot = await startBot({
      slack: {
        botToken,
        transport: { mode: 'http', signingSecret },
        apiUrl: slackApi.apiUrl,
        retryConfig: { retries: 0 },
      },
      http: { port: 0, host: '127.0.0.1' },
      redis,
      ...(keyPrefix ? { keyPrefix } : {}),
      policy,
      defaultRegion: SEED.regionId,
      logger,
      metrics: createMetrics(),
      cloud: {
        gateway: buildCloudGateway({
          regionId: SEED.regionId,
          endpoint: emulator.endpoint,
          stsEndpoint: emulator.endpoint,
          protocol: 'http',
          keys: { accessKeyId: 'sandbox', accessKeySecret: 'sandbox-secret' },
          accounts: accountRoles(policy.accounts),
        }).gateway,
        connection: redisServer.url,
        multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
        execution: { pollIntervalMs: pace.diskPollMs, ...(pace.retry ? { retry: pace.retry } : {}) },
      },
    });
    stops.push(() => bot.stop());
    const platform = new SlackPlatform({
      endpoint: `http://127.0.0.1:${bot.slack.port}/slack/events`,
      signingSecret,
      workspace,
      interactions,
      responseUrl: slackApi.responseUrl,
    });
    const consoleAt = (port: number) =>
      startConsole({ workspace, platform, steps, emulatorUrl: emulator.url, port, slackFaults });
    const web: RunningConsole = await consoleAt(options.consolePort).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' && options.anyPortIfTaken) return consoleAt(0);
      throw error;
    });
    stops.push(() => web.close());
    consoleUrl = web.url;

    // The first command must not race the bot's auth.test against the stand-in.
    const deadline = Date.now() + 10_000;
    while (!bot.slack.identity.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!bot.slack.identity.ready) throw new Error('the bot did not resolve its Slack identity in 10 s');

    return {
      consoleUrl: web.url,
      redis: { url: redisServer.url, private: redisServer.private },
      logFile,
      stop: () => unwind(stops),
    };
  } catch (error) {
    await unwind(stops);
    throw error;
  }
}
