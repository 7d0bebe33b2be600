import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { type CloudOptions, type RunningBot, startBot, type WatchOptions } from '../../src/bot.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { DEFAULT_PACING, type PacingRules } from '../../src/slack/outbox/pacing.js';
import { RedisAuditLog } from '../../src/store/audit.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import type { Executor } from '../../src/workflow/ports.js';
import { LogCapture, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './bot.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { signedSlackClient } from './slack-requests.js';

/** Alice asks; Bob and Carol are storage approvers; Dave is neither. */
export const USERS = { alice: 'U0ALICE', bob: 'U0BOB', carol: 'U0CAROL', dave: 'U0DAVE' } as const;
export const APPROVALS_CHANNEL = 'C0APPROVALS';
export const AUDIT_CHANNEL = 'C0AUDIT';

export const TEST_POLICY = `
region: cn-hangzhou
channels: { approvals: ${APPROVALS_CHANNEL}, audit: ${AUDIT_CHANNEL} }
actions:
  create: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  attach: { approvers: { usergroups: [S0STORAGE] }, quorum: 1, expiresIn: 24h }
  detach: { approvers: { usergroups: [S0STORAGE] }, quorum: 2, expiresIn: 24h }
  failover:
    approvers: { usergroups: [S0ONCALL] }
    quorum: 1
    expiresIn: 15m
    emergency: { requesters: { users: [U0ALICE] }, quorum: 0, review: required }
singleNodeFs: { quorum: 2 }
`;

/**
 * Slack's 1 post/s per channel is not what these tests are about: a card's thread replies and
 * result would each wait a second behind the last. The order of posts is kept.
 */
export const UNPACED: PacingRules = { ...DEFAULT_PACING, postsPerSecond: 1_000 };

export interface ApprovalHarness {
  readonly bot: RunningBot;
  readonly fake: FakeSlack;
  readonly redis: Redis;
  readonly audit: RedisAuditLog;
  readonly logs: LogCapture;
  readonly client: ReturnType<typeof signedSlackClient>;
  close(): Promise<void>;
}

/** The real bot over HTTP with the fake Slack, real Redis under a unique prefix, and the test policy. */
export async function startApprovalHarness(
  options: {
    executor?: Executor;
    policy?: string;
    cloud?: Omit<CloudOptions, 'connection'>;
    keyPrefix?: string;
    watch?: WatchOptions;
    /**
     * The watch cycle, below the policy's 5 s floor: tests that wait for cycles run them faster
     * with the same behaviour (the lease, timeouts and poll timing all follow the interval).
     */
    watchIntervalMs?: number;
    /** The outbox's pacing and back-off (default: the shipped DEFAULT_PACING). */
    slackPacing?: PacingRules;
  } = {},
): Promise<ApprovalHarness> {
  const fake = await startFakeSlack();
  fake.on('usergroups.users.list', (body) => ({
    json: {
      ok: true,
      users:
        body.usergroup === 'S0STORAGE'
          ? [USERS.bob, USERS.carol]
          : body.usergroup === 'S0ONCALL'
            ? [USERS.carol]
            : [],
    },
  }));
  const redis = new Redis(inject('redisUrl'));
  const prefix = options.keyPrefix ?? `sdb-e2e:${randomUUID()}:`;
  const parsed = parsePolicy(options.policy ?? TEST_POLICY);
  if (!parsed.ok) throw new Error(parsed.message);
  const policy =
    options.watchIntervalMs === undefined
      ? parsed.value
      : { ...parsed.value, watch: { ...parsed.value.watch, interval: options.watchIntervalMs } };
  const logs = new LogCapture();
  const bot = await startBot({
    slack: {
      botToken: TEST_BOT_TOKEN,
      transport: { mode: 'http', signingSecret: TEST_SIGNING_SECRET },
      apiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      ...(options.slackPacing ? { pacing: options.slackPacing } : {}),
    },
    http: { port: 0, host: '127.0.0.1' },
    redis,
    keyPrefix: prefix,
    policy,
    defaultRegion: 'cn-hangzhou',
    logger: createLogger('debug', logs),
    metrics: createMetrics(),
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.watch ? { watch: options.watch } : {}),
    ...(options.cloud ? { cloud: { ...options.cloud, connection: inject('redisUrl') } } : {}),
  });
  const endpoint = `http://127.0.0.1:${bot.slack.port}/slack/events`;
  const deadline = Date.now() + 5_000;
  while (!bot.slack.identity.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return {
    bot,
    fake,
    redis,
    audit: new RedisAuditLog(redis, { prefix }),
    logs,
    client: signedSlackClient(endpoint, TEST_SIGNING_SECRET),
    async close() {
      await bot.stop();
      await fake.close();
      redis.disconnect();
    },
  };
}
