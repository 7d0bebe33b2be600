import { webApi } from '@slack/bolt';
import type { AssistantTiming } from './cloud/assistant.js';
import { describeFailure } from './cloud/explain.js';
import type { EcsGateway } from './cloud/gateway.js';
import { meteredGateway } from './cloud/metered-gateway.js';
import { facts } from './cloud/preflight/index.js';
import type { SlackTransport } from './config.js';
import { CodedError } from './errors.js';
import {
  createExecution,
  DEFAULT_RUN_OPTIONS,
  type Execution,
  type ExecutionOptions,
  type ExecutionWorker,
} from './jobs/execution.js';
import { watchEnroller } from './jobs/watch-enroll.js';
import { createWatchMetrics } from './jobs/watch-metrics.js';
import { WatchService } from './jobs/watch-service.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { type RunningSlackApp, startSlackApp, webClientOptions } from './slack/app.js';
import { AttachPicker } from './slack/attach-picker.js';
import { SlackCardPublisher } from './slack/card-publisher.js';
import { withViewerGate } from './slack/command-gate.js';
import { diskQueryHandlers } from './slack/disk-queries.js';
import { EmergencyNotifier } from './slack/emergency-notifier.js';
import { SlackExecutionReporter } from './slack/execution-reporter.js';
import { MountAlerter } from './slack/mount-alerts.js';
import { NameResolver, withNameResolution } from './slack/name-resolution.js';
import type { ReadinessCheck } from './slack/ops-routes.js';
import { type Preflight, requestChecker, requestCommandHandlers } from './slack/request-commands.js';
import { slackMemberOf } from './slack/usergroups.js';
import {
  registerWatchButtons,
  SlackWatchNotifier,
  watchCommandHandlers,
  watchedDiskLines,
} from './slack/watch-slack.js';
import { RedisCommandRate } from './store/command-rate.js';
import type { RedisClient } from './store/connection.js';
import { RedisRequestStore } from './store/redis-request-store.js';
import { RedisReviewStore } from './store/review-store.js';
import { RedisWatchStore } from './store/watch-store.js';
import { ApprovalService } from './workflow/approval-service.js';
import { GroupDirectory, isViewer } from './workflow/approvers.js';
import { PendingExecutor } from './workflow/executor.js';
import { type ExpirySweeper, startExpirySweeper } from './workflow/expiry-sweeper.js';
import type { Policy } from './workflow/policy.js';
import { type Clock, type Executor, systemClock, type TransitionListener } from './workflow/ports.js';
import { DEFAULT_RECONCILE, resubmitStuckApproved } from './workflow/reconciler.js';
import { readParams } from './workflow/request-params.js';
import { ReviewService } from './workflow/reviews.js';

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
  /** Without `cloud`, approved requests wait (PendingExecutor) and status/list are not available. */
  readonly cloud?: CloudOptions;
  /** Replaces the executor (tests of the approval flow alone). */
  readonly executor?: Executor;
  readonly clock?: Clock;
  readonly expirySweepMs?: number;
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** The watch (issue 13); runs with `cloud` unless `enabled: false`. */
  readonly watch?: WatchOptions;
}

export interface WatchOptions {
  readonly enabled?: boolean;
  /** Replica id of the watcher lease (default: random). */
  readonly owner?: string;
  /** Cloud Assistant poll timing of the watch's inspect (tests). */
  readonly timing?: AssistantTiming;
}

/** Fans one transition out to several listeners; each listener's failure is its own. */
function allOf(listeners: readonly TransitionListener[]): TransitionListener {
  return {
    onTransition: async (event) => {
      await Promise.all(listeners.map((listener) => listener.onTransition(event)));
    },
  };
}

export interface CloudOptions {
  /** The raw ECS adapter; execution wraps it with the shared rate limit and retries. */
  readonly gateway: EcsGateway;
  /** Redis for BullMQ: a URL, or a factory of new unshared clients. */
  readonly connection: string | (() => RedisClient);
  readonly multiAttachZones?: readonly string[];
  /** Run a worker in this process (default true). */
  readonly runWorker?: boolean;
  /** Cloud Assistant Timeout of inspect and the reservation scripts (default 15 s). */
  readonly assistantTimeoutSec?: number;
  /** Timing overrides (tests). */
  readonly execution?: Pick<
    ExecutionOptions,
    'queue' | 'pollIntervalMs' | 'run' | 'retry' | 'rateBudget' | 'concurrency' | 'fencingMode'
  >;
}

export interface RunningBot {
  readonly slack: RunningSlackApp;
  readonly execution?: Execution;
  readonly service: ApprovalService;
  readonly sweeper: ExpirySweeper;
  /** The watcher of this replica (one replica leads at a time). */
  readonly watch?: WatchService;
  stop(): Promise<void>;
}

/** The composition root shared by `main.ts`, the tests and the benchmarks: adapters are built only here. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  const token = () => options.slack.botToken;
  const client = new webApi.WebClient(undefined, webClientOptions(options.slack));
  const groups = new GroupDirectory(slackMemberOf(client, token), clock);
  // The service hands approved requests to the execution, and the execution drives the service:
  // the executor is bound once both exist.
  let execution: Execution | undefined;
  const executor: Executor =
    options.executor ??
    (options.cloud
      ? {
          submit: (request) => {
            if (!execution)
              throw new CodedError('executor_unavailable', 'execution is not started yet', {
                retryable: true,
              });
            return execution.executor.submit(request);
          },
        }
      : new PendingExecutor(() => clock.now()));
  const reviewStore = new RedisReviewStore(options.redis, {
    ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
  });
  const reviews = new ReviewService({
    store: reviewStore,
    policy: options.policy,
    groups: groups.memberOf,
    clock,
  });
  const watchStore = new RedisWatchStore(options.redis, {
    ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
  });
  const alerts = new MountAlerter(
    client,
    token,
    reviewStore,
    clock,
    logger.child({ module: 'mounts' }),
    options.policy.channels.audit,
  );
  const service = new ApprovalService({
    store: new RedisRequestStore(options.redis, {
      ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
    }),
    policy: options.policy,
    groups: groups.memberOf,
    clock,
    executor,
    notifier: allOf([
      new SlackCardPublisher(client, token, logger.child({ module: 'cards' }), options.policy.channels.audit),
      new EmergencyNotifier(
        client,
        token,
        reviews,
        logger.child({ module: 'emergency' }),
        options.policy.channels,
      ),
      watchEnroller(watchStore, logger.child({ module: 'watch' })),
      {
        onTransition: async (e) => {
          options.metrics.requestTransitions.inc({ kind: e.request.kind, event: e.event, to: e.to });
        },
      },
    ]),
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
  let worker: ExecutionWorker | undefined;
  let watch: WatchService | undefined;
  let preflight: Preflight | undefined;
  const cloud = options.cloud;
  const assistantTimeoutSec = cloud?.assistantTimeoutSec ?? DEFAULT_RUN_OPTIONS.assistantTimeoutSec;
  if (cloud) {
    execution = createExecution({
      connection: cloud.connection,
      ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
      // Metered below the retries, so every real ECS call is counted with its outcome.
      gateway: meteredGateway(cloud.gateway, ({ action, code, seconds }) => {
        options.metrics.ecsCalls.inc({ action, code });
        options.metrics.ecsLatency.observe({ action }, seconds);
      }),
      service,
      reporter: new SlackExecutionReporter(
        client,
        token,
        logger.child({ module: 'progress' }),
        1_000,
        alerts,
      ),
      fencingMode: options.policy.fencing.mode,
      audit: reviewStore,
      rateBudget: options.policy.limits.ecs,
      logger: logger.child({ module: 'execution' }),
      clock,
      ...(cloud.multiAttachZones ? { multiAttachZones: cloud.multiAttachZones } : {}),
      ...cloud.execution,
      run: { assistantTimeoutSec, ...cloud.execution?.run },
    });
    const gateway = execution.gateway;
    preflight = async (kind, params) => {
      const typed = readParams(kind, params);
      if (!typed) throw new CodedError('invalid_params', `parameters do not fit a ${kind} request`);
      try {
        const reading = await facts(gateway, kind, typed, 'filing', {
          ...(cloud.multiAttachZones ? { multiAttachZones: cloud.multiAttachZones } : {}),
          guests: { timeoutSec: assistantTimeoutSec },
        });
        return [...reading.checks];
      } catch (error) {
        const { code, message } = describeFailure(error);
        return [
          {
            code: 'preflight_unavailable',
            level: 'error',
            message: `The cloud could not be checked (${code}): ${message}`,
          },
        ];
      }
    };
    if (cloud.runWorker !== false) worker = execution.start();
    if (options.watch?.enabled !== false) {
      watch = new WatchService({
        store: watchStore,
        gateway,
        settings: options.policy.watch,
        fencingMode: options.policy.fencing.mode,
        notifier: new SlackWatchNotifier(client, token, {
          emergency: options.policy.actions.failover.emergency !== undefined,
          remindAfterMs: options.policy.watch.remindAfter,
          ...(options.policy.channels.audit ? { auditChannel: options.policy.channels.audit } : {}),
        }),
        clock,
        assistantTimeoutSec,
        ...(options.watch?.timing ? { timing: options.watch.timing } : {}),
        ...(options.watch?.owner ? { owner: options.watch.owner } : {}),
        logger: logger.child({ module: 'watch' }),
        metrics: createWatchMetrics(options.metrics.registry),
      });
    }
    const jobs = execution;
    options.metrics.setQueueDepthSource(() => jobs.jobCounts());
  }
  const canView = (userId: string) => isViewer(options.policy, userId, groups.memberOf);
  const commandRate = new RedisCommandRate(options.redis, options.policy.rateLimit.commandsPerMinute, {
    ...(options.keyPrefix ? { prefix: options.keyPrefix } : {}),
  });
  const cloudRegion = options.policy.region || options.defaultRegion;
  const resolver = execution ? new NameResolver(execution.gateway, cloudRegion) : undefined;
  const picker = execution ? new AttachPicker(execution.gateway, cloudRegion) : undefined;
  const checkRequest = requestChecker({
    service,
    defaultRegion: options.defaultRegion,
    ...(preflight ? { preflight } : {}),
  });
  const allHandlers = {
    ...requestCommandHandlers({
      service,
      client,
      token,
      defaultRegion: options.defaultRegion,
      ...(preflight ? { preflight } : {}),
      audit: reviewStore,
      clock,
      logger,
    }),
    ...(execution
      ? diskQueryHandlers({
          gateway: execution.gateway,
          defaultRegion: options.defaultRegion,
          inspectTimeoutSec: assistantTimeoutSec,
          alerts,
        })
      : {}),
    ...(execution
      ? watchCommandHandlers({
          store: watchStore,
          gateway: execution.gateway,
          client,
          token,
          defaultRegion: options.defaultRegion,
          clock,
          fencingMode: options.policy.fencing.mode,
          inspectTimeoutSec: assistantTimeoutSec,
          ...(options.watch?.timing ? { timing: options.watch.timing } : {}),
          logger,
        })
      : {}),
  };
  // Names resolve to ids before anything is filed or read; without a cloud there is nothing to ask.
  // The viewer gate is outermost: a refused user costs no name lookup.
  const handlers = withViewerGate(
    resolver ? withNameResolution(allHandlers, resolver) : allHandlers,
    canView,
  );
  const defaultZone = options.cloud?.multiAttachZones?.[0] ?? options.policy.limits.zones[0];
  const slack = await startSlackApp({
    ...(defaultZone ? { defaultZone } : {}),
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
    reviews,
    watchedDisks: () => watchedDiskLines(watchStore),
    rateLimit: commandRate.take,
    canView,
    checkRequest,
    ...(resolver ? { resolver } : {}),
    ...(picker ? { picker } : {}),
    readinessChecks: [
      { name: 'redis', check: async () => ({ ok: (await options.redis.ping()) === 'PONG' }) },
      ...(options.readinessChecks ?? []),
    ],
  });
  registerWatchButtons(slack.app, { failover: handlers.failover, logger });
  watch?.start();
  const sweeper = startExpirySweeper({
    service,
    intervalMs: options.expirySweepMs ?? 15_000,
    onError: (error) => logger.warn({ event: 'workflow.sweep_failed', err: error }, 'expiry sweep failed'),
  });
  const reconciler = options.cloud
    ? setInterval(() => {
        resubmitStuckApproved(service, executor, clock.now(), DEFAULT_RECONCILE).then(
          (ids) =>
            ids.length > 0 &&
            logger.warn({ event: 'workflow.resubmitted', requestIds: ids }, 'resubmitted approved requests'),
          (error: unknown) =>
            logger.warn({ event: 'workflow.reconcile_failed', err: error }, 'reconcile pass failed'),
        );
      }, DEFAULT_RECONCILE.olderThanMs)
    : undefined;
  return {
    slack,
    service,
    sweeper,
    ...(execution ? { execution } : {}),
    ...(watch ? { watch } : {}),
    async stop() {
      clearInterval(reconciler);
      await watch?.stop();
      await sweeper.stop();
      await slack.stop();
      // Stop taking jobs; a step in flight is left to BullMQ's stalled-job recovery on another replica.
      await worker?.close();
      await execution?.close();
    },
  };
}
