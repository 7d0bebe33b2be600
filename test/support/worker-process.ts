/**
 * A worker replica in its own process, for the kill -9 and two-replica tests:
 *   node --import tsx test/support/worker-process.ts
 * Env: REDIS_URL, SDB_PREFIX, ECS_ENDPOINT, WORKER_NAME, and optional timing overrides
 * LOCK_DURATION_MS, STALLED_INTERVAL_MS, LOCK_TTL_MS, POLL_INTERVAL_MS, MUTATION_CONCURRENCY, CONCURRENCY;
 * TIMING=production keeps the shipped queue and lock timing (DEFAULT_QUEUE_TIMING, DEFAULT_RUN_OPTIONS)
 * and ignores the three timing overrides.
 * Prints one JSON line per reporter event (`{"type","requestId","worker","at",…}`, `at` = Date.now())
 * and `{"type":"ready"}`.
 */
import { Redis } from 'ioredis';
import { createExecution } from '../../src/jobs/execution.js';
import type { ExecutionReporter } from '../../src/jobs/ports.js';
import { sdkGateway } from './execution-emulator.js';
import { approvalService } from './execution-harness.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const worker = env('WORKER_NAME');
const emit = (event: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ ...event, worker, at: Date.now() })}\n`);
const reporter: ExecutionReporter = {
  async started(request) {
    emit({ type: 'started', requestId: request.id });
  },
  async step(request, step) {
    emit({ type: 'step', requestId: request.id, label: step.label, status: step.status });
  },
  async finished(request, result) {
    emit({ type: 'finished', requestId: request.id, state: result.state, code: result.outcome.code });
  },
};

const redis = new Redis(env('REDIS_URL'));
const prefix = env('SDB_PREFIX');
const holder: {
  submit?: (r: Parameters<ReturnType<typeof createExecution>['executor']['submit']>[0]) => Promise<void>;
} = {};
const service = approvalService(redis, prefix, () => ({
  submit: (r) => holder.submit?.(r) ?? Promise.resolve(),
}));
const production = process.env.TIMING === 'production';
const execution = createExecution({
  connection: env('REDIS_URL'),
  prefix,
  gateway: sdkGateway(env('ECS_ENDPOINT')),
  service,
  reporter,
  workerName: worker,
  concurrency: num('CONCURRENCY', 2),
  pollIntervalMs: num('POLL_INTERVAL_MS', 100),
  queue: production
    ? {}
    : { lockDurationMs: num('LOCK_DURATION_MS', 1_500), stalledIntervalMs: num('STALLED_INTERVAL_MS', 500) },
  run: {
    ...(production ? {} : { lockTtlMs: num('LOCK_TTL_MS', 3_000) }),
    mutationConcurrency: num('MUTATION_CONCURRENCY', 8),
    waitTimeoutMs: 20_000,
  },
  retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 },
  rateBudget: { ratePerSecond: 200, burst: 50 },
});
holder.submit = execution.executor.submit;
const running = execution.start();
emit({ type: 'ready' });

process.on('SIGTERM', () => {
  void (async () => {
    await running.close();
    await execution.close();
    await redis.quit();
    process.exit(0);
  })();
});
