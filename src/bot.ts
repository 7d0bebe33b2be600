import { webApi } from '@slack/bolt';
import type { SlackTransport } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { type RunningSlackApp, startSlackApp, webClientOptions } from './slack/app.js';
import { SlackCardPublisher } from './slack/card-publisher.js';
import type { ReadinessCheck } from './slack/ops-routes.js';
import { type Preflight, requestCommandHandlers } from './slack/request-commands.js';
import { slackMemberOf } from './slack/usergroups.js';
import type { RedisClient } from './store/connection.js';
import { RedisRequestStore } from './store/redis-request-store.js';
import { ApprovalService } from './workflow/approval-service.js';
import { GroupDirectory } from './workflow/approvers.js';
import { PendingExecutor } from './workflow/executor.js';
import { type ExpirySweeper, startExpirySweeper } from './workflow/expiry-sweeper.js';
import type { Policy } from './workflow/policy.js';
import { type Clock, type Executor, systemClock } from './workflow/ports.js';

export interface BotOptions {
  readonly slack: {
    readonly botToken: string;
    readonly transport: SlackTransport;
    readonly apiUrl?: string;
    readonly retryConfig?: webApi.RetryOptions;
  };
  readonly http: { readonly port: number; readonly host?: string };
  readonly redis: RedisClient;
  readonly keyPrefix?: string;
  readonly policy: Policy;
  readonly defaultRegion: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly executor?: Executor;
  readonly preflight?: Preflight;
  readonly clock?: Clock;
  readonly expirySweepMs?: number;
  readonly readinessChecks?: readonly ReadinessCheck[];
}

export interface RunningBot {
  readonly slack: RunningSlackApp;
  readonly service: ApprovalService;
  readonly sweeper: ExpirySweeper;
  stop(): Promise<void>;
}

/** The composition root shared by `main.ts`, the tests and the benchmarks: adapters are built only here. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const token = () => options.slack.botToken;
  const client = new webApi.WebClient(undefined, webClientOptions(options.slack));
  const groups = new GroupDirectory(slackMemberOf(client, token), clock);
  const service = new ApprovalService({
    store: new RedisRequestStore(options.redis, {
      ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
    }),
    policy: options.policy,
    groups: groups.memberOf,
    clock,
    executor: options.executor ?? new PendingExecutor(() => clock.now()),
    notifier: new SlackCardPublisher(
      client,
      token,
      logger.child({ module: 'cards' }),
      options.policy.channels.audit,
    ),
    onError: (error, context) =>
      logger.warn(
        {
          event: 'workflow.notify_failed',
          requestId: context.requestId,
          transition: context.event,
          err: error,
        },
        'transition side effect failed',
      ),
  });
  const handlers = requestCommandHandlers({
    service,
    client,
    token,
    defaultRegion: options.defaultRegion,
    ...(options.preflight ? { preflight: options.preflight } : {}),
    logger,
  });
  const slack = await startSlackApp({
    botToken: options.slack.botToken,
    transport: options.slack.transport,
    ...(options.slack.apiUrl ? { apiUrl: options.slack.apiUrl } : {}),
    ...(options.slack.retryConfig ? { retryConfig: options.slack.retryConfig } : {}),
    port: options.http.port,
    ...(options.http.host ? { host: options.http.host } : {}),
    logger,
    metrics: options.metrics,
    handlers,
    service,
    readinessChecks: [
      { name: 'redis', check: async () => ({ ok: (await options.redis.ping()) === 'PONG' }) },
      ...(options.readinessChecks ?? []),
    ],
  });
  const sweeper = startExpirySweeper({
    service,
    intervalMs: options.expirySweepMs ?? 15_000,
    onError: (error) => logger.warn({ event: 'workflow.sweep_failed', err: error }, 'expiry sweep failed'),
  });
  return {
    slack,
    service,
    sweeper,
    async stop() {
      await sweeper.stop();
      await slack.stop();
    },
  };
}
