import { Queue, Worker } from 'bullmq';
import { inAccountScope } from '../cloud/account-context.js';
import type { EcsGateway } from '../cloud/gateway.js';
import { ResilientGateway, type RetryPolicy } from '../cloud/resilient-gateway.js';
import { CodedError } from '../errors.js';
import { createRedis, type RedisClient } from '../store/connection.js';
import { executionKeys } from '../store/execution-keys.js';
import { RedisFreezeSwitch } from '../store/freeze-store.js';
import { type LockHolder, RedisLocks } from '../store/locks.js';
import { type AimdTuning, type RateBudget, RedisRateLimiter } from '../store/rate-limiter.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { DEFAULT_ECS_LIMITS, type EcsLimits } from '../workflow/policy.js';
import { type Clock, type Executor, systemClock } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import { DEFAULT_WATCHER, DiskWatcher } from './disk-watcher.js';
import { type ExecutionLogger, type ExecutionReporter, type GuardAuditLog, silentLogger } from './ports.js';
import { RequestRunner, type RunnerOptions } from './runner.js';

export const QUEUE_NAME = 'execute';

/**
 * BullMQ timing: how fast a dead replica's job moves on, and how busy a live one may be.
 * - A worker renews the locks of its jobs every `lockRenewMs` (1 s); a lock that is not renewed
 *   lapses `lockDurationMs` (7 s) after its last renewal. A live replica therefore keeps its job
 *   through an event-loop stall or a Redis hiccup of up to ≈ 6 s.
 * - Every `stalledIntervalMs` (2 s) one live worker of the fleet (a Redis key makes it one) moves
 *   jobs whose lock has lapsed back to the queue, where an idle replica takes them at once; the
 *   runner resumes from the stored step cursor.
 * So a replica killed mid-step hands over within lockDuration + stalledInterval ≈ 9 s (≈ 7.5 s on
 * average), under the 10 s target; the cost is one lock-renewal script per worker per second
 * while it runs jobs and one stalled check per 2 s for the whole fleet. A job may be recovered
 * from a stall 5 times (crashes or forced stops mid-request) before BullMQ fails it.
 */
export interface QueueTiming {
  readonly lockDurationMs: number;
  readonly lockRenewMs: number;
  readonly stalledIntervalMs: number;
  readonly maxStalledCount: number;
}
export const DEFAULT_QUEUE_TIMING: QueueTiming = {
  lockDurationMs: 7_000,
  lockRenewMs: 1_000,
  stalledIntervalMs: 2_000,
  maxStalledCount: 5,
};

/** The longest a dead replica's job waits before another replica takes it (no queueing behind other jobs). */
export function worstHandOverMs(timing: QueueTiming = DEFAULT_QUEUE_TIMING): number {
  return timing.lockDurationMs + timing.stalledIntervalMs;
}

/**
 * How long `ExecutionWorker.close()` waits for the jobs in flight before it returns; they go on
 * in the background and, when the process exits first, another replica resumes them (above).
 * Short enough for the whole process to stop within 5 s of SIGTERM.
 */
export const WORKER_CLOSE_GRACE_MS = 2_000;

/**
 * Request-level defaults. Locks (disk and instances) live 30 s unless renewed, and are renewed
 * every 2 s (`Lease`): a dead worker's locks outlive the ≤ 9 s hand-over by far, so no other
 * request can take the disk between the crash and the resume (the resumed request re-takes its
 * own locks at once, under a new fencing token), and a worker that lost its request to another
 * learns it within 2 s and stops before its next mutation. A request waits up to 10 min for a
 * disk another request holds; DetachDisk can take about a minute in ECS, so a change gets 5 min
 * to show up.
 */
export const DEFAULT_RUN_OPTIONS = {
  actor: 'bot',
  lockTtlMs: 30_000,
  lockWaitMs: 600_000,
  lockRetryMs: 2_000,
  waitTimeoutMs: 300_000,
  mutationConcurrency: 8,
  fencingMode: 'reservation',
  assistantTimeoutSec: 15,
} as const;

/** Infrastructure failures (Redis, ECS unreachable after retries) are retried by the queue this often. */
const JOB_ATTEMPTS = 5;

export interface ExecutionOptions {
  /** A Redis URL (`createRedis` forms) or a factory returning a new, unshared client per call. */
  readonly connection: string | (() => RedisClient);
  /** Same key prefix as the request store (default `sdb:`). */
  readonly prefix?: string;
  /** The raw ECS adapter; calls go through the shared rate limiter and retries added here. */
  readonly gateway: EcsGateway;
  readonly service: ApprovalService;
  readonly reporter: ExecutionReporter;
  /** The audit stream's free-form entries, for data-safety decisions at run time. */
  readonly audit?: GuardAuditLog;
  readonly logger?: ExecutionLogger;
  readonly clock?: Clock;
  /** Requests one worker runs at once. */
  readonly concurrency?: number;
  /** Shortest gap between two DescribeDisks polls of the DiskWatcher. */
  readonly pollIntervalMs?: number;
  /** The policy's `limits.ecs` (one bucket per call class), or one budget for every class (tests). */
  readonly rateBudget?: EcsLimits | RateBudget;
  readonly aimd?: Partial<AimdTuning>;
  readonly retry?: Partial<RetryPolicy>;
  readonly queue?: Partial<QueueTiming>;
  readonly run?: Partial<Omit<RunnerOptions, 'multiAttachZones'>>;
  /** The policy's `fencing.mode`. */
  readonly fencingMode?: 'reservation' | 'detach';
  readonly multiAttachZones?: readonly string[];
  /** Shown in BullMQ as the job's worker. */
  readonly workerName?: string;
}

export interface ExecutionWorker {
  /** Stops taking jobs and waits up to `graceMs` (default WORKER_CLOSE_GRACE_MS) for those in flight. */
  close(graceMs?: number): Promise<void>;
}

/** Closes a worker, waiting for its jobs in flight at most `graceMs`; its connection closes when it has. */
async function closeWorker(
  { worker, connection }: { worker: Worker; connection: RedisClient },
  graceMs: number,
  logger: ExecutionLogger,
): Promise<void> {
  const closing = worker.close().finally(() => connection.disconnect());
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    closing.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (!inTime) logger.warn({ graceMs }, 'execution_worker_close_timeout');
}

export interface Execution {
  /** Hands an approved request to the queue; the job id is the request id, so it is queued once. */
  readonly executor: Executor;
  /** The gateway the workers use (rate-limited, retrying); use it for preflight before opening requests too. */
  readonly gateway: EcsGateway;
  /** Starts a worker in this process. */
  start(): ExecutionWorker;
  /** Jobs per state, for the queue-depth gauge. */
  jobCounts(): Promise<Record<string, number>>;
  /** The request holding a disk, for "disk d-… is busy with R-…" replies. */
  lockHolder(diskId: string): Promise<LockHolder | undefined>;
  close(): Promise<void>;
}

/** Durable execution on BullMQ (design.md §6): any replica runs any request, and resumes a dead one's. */
export function createExecution(options: ExecutionOptions): Execution {
  const connect = (workerSide: boolean): RedisClient =>
    typeof options.connection === 'string'
      ? // BullMQ workers block on Redis and must never give up a command (maxRetriesPerRequest: null).
        createRedis(options.connection, workerSide ? { maxRetriesPerRequest: null } : {})
      : options.connection();
  const keys = executionKeys(options.prefix);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const commands = connect(false);
  const locks = new RedisLocks(commands, { prefix: options.prefix });
  const gateway = new ResilientGateway(options.gateway, {
    limiter: new RedisRateLimiter(commands, options.rateBudget ?? DEFAULT_ECS_LIMITS, {
      prefix: options.prefix,
      ...(options.aimd ? { aimd: options.aimd } : {}),
    }),
    ...(options.retry ? { retry: options.retry } : {}),
    onRetry: (e) =>
      logger.info(
        { action: e.action, attempt: e.attempt, delayMs: e.delayMs, code: e.error.cloudCode },
        'ecs_retry',
      ),
  });
  const watcher = new DiskWatcher(gateway, {
    clock,
    logger,
    ...DEFAULT_WATCHER,
    ...(options.pollIntervalMs ? { minIntervalMs: options.pollIntervalMs } : {}),
  });
  const runner = new RequestRunner({
    gateway,
    service: options.service,
    reporter: options.reporter,
    ...(options.audit ? { audit: options.audit } : {}),
    locks,
    watcher,
    freeze: new RedisFreezeSwitch(commands, options.prefix),
    clock,
    logger,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    options: {
      ...DEFAULT_RUN_OPTIONS,
      ...(options.fencingMode ? { fencingMode: options.fencingMode } : {}),
      ...options.run,
      ...(options.multiAttachZones ? { multiAttachZones: options.multiAttachZones } : {}),
    },
  });
  const queueConnection = connect(false);
  const queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: keys.bullPrefix });
  const timing = { ...DEFAULT_QUEUE_TIMING, ...options.queue };
  const workers = new Set<{ worker: Worker; connection: RedisClient }>();

  const executor: Executor = {
    async submit(request: DiskRequest) {
      try {
        await queue.add(
          QUEUE_NAME,
          { requestId: request.id, ...(request.account ? { account: request.account } : {}) },
          {
            jobId: request.id,
            attempts: JOB_ATTEMPTS,
            backoff: { type: 'exponential', delay: 2_000 },
            removeOnComplete: { age: 7 * 86_400 },
            removeOnFail: { age: 30 * 86_400 },
          },
        );
      } catch (error) {
        throw new CodedError(
          'executor_unavailable',
          `Could not queue ${request.id}: ${(error as Error).message}`,
          {
            cause: error,
            retryable: true,
          },
        );
      }
    },
  };

  return {
    executor,
    gateway,
    jobCounts: () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    start() {
      const connection = connect(true);
      const worker = new Worker(
        QUEUE_NAME,
        async (job) => {
          const data = job.data as { requestId?: unknown; account?: unknown };
          const requestId = String(data.requestId ?? job.id);
          // Every ECS call of the request acts in its account, under a session named after it.
          const scope = { account: typeof data.account === 'string' ? data.account : undefined, requestId };
          await inAccountScope(scope, () =>
            runner.run(requestId, { final: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
          );
        },
        {
          connection,
          prefix: keys.bullPrefix,
          concurrency: options.concurrency ?? 4,
          lockDuration: timing.lockDurationMs,
          lockRenewTime: Math.min(timing.lockRenewMs, timing.lockDurationMs / 2),
          stalledInterval: timing.stalledIntervalMs,
          maxStalledCount: timing.maxStalledCount,
          ...(options.workerName ? { name: options.workerName } : {}),
        },
      );
      worker.on('error', (error) => logger.error({ err: error }, 'execution_worker_error'));
      worker.on('failed', (job, error) =>
        logger.warn({ jobId: job?.id, err: error }, 'execution_attempt_failed'),
      );
      const entry = { worker, connection };
      workers.add(entry);
      return {
        close: async (graceMs = WORKER_CLOSE_GRACE_MS) => {
          if (!workers.delete(entry)) return;
          await closeWorker(entry, graceMs, logger);
        },
      };
    },
    lockHolder: (diskId) => locks.holder({ kind: 'disk', id: diskId }),
    async close() {
      const open = [...workers];
      workers.clear();
      await Promise.all(open.map((entry) => closeWorker(entry, WORKER_CLOSE_GRACE_MS, logger)));
      watcher.close();
      await queue.close();
      queueConnection.disconnect();
      commands.disconnect();
    },
  };
}
