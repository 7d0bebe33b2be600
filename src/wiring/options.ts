import type { webApi } from '@slack/bolt';
import type { AssistantTiming } from '../cloud/assistant.js';
import type { EcsGateway } from '../cloud/gateway.js';
import type { SlackTransport } from '../config.js';
import type { Execution, ExecutionOptions } from '../jobs/execution.js';
import type { WatchService } from '../jobs/watch-service.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { RunningSlackApp } from '../slack/app.js';
import type { ReadinessCheck } from '../slack/ops-routes.js';
import type { PacingRules } from '../slack/outbox/pacing.js';
import type { RedisClient } from '../store/connection.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { ExpirySweeper } from '../workflow/expiry-sweeper.js';
import type { Policy } from '../workflow/policy.js';
import type { Clock, Executor } from '../workflow/ports.js';

export interface BotOptions {
  readonly slack: {
    readonly botToken: string;
    readonly transport: SlackTransport;
    readonly apiUrl?: string;
    readonly retryConfig?: webApi.RetryOptions;
    /** Pacing and back-off of the outbox's writes (default DEFAULT_PACING; tests ride out shorter outages). */
    readonly pacing?: PacingRules;
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
  /** Cloud Assistant poll timing of filing, the runner and `/disk status` (tests; default DEFAULT_ASSISTANT_TIMING). */
  readonly assistantPolling?: Partial<
    Pick<AssistantTiming, 'firstPollMs' | 'pollMinMs' | 'pollMaxMs' | 'backoff' | 'graceMs'>
  >;
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
