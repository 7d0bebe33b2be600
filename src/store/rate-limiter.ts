import { ECS_CALL_CLASSES, type EcsCallClass, type RateLimiter } from '../cloud/resilient-gateway.js';
import type { EcsLimits } from '../workflow/policy.js';
import type { Clock } from '../workflow/ports.js';
import { type ExecutionKeys, executionKeys } from './execution-keys.js';
import { registerExecutionScripts, runExecutionScript } from './execution-scripts.js';
import type { RedisLike } from './scripts.js';

/** One budget for every class of call (tests and benchmarks). */
export interface RateBudget {
  readonly ratePerSecond: number;
  /** Calls that may go back to back after a quiet spell. */
  readonly burst: number;
}

/**
 * How the shared rate reacts to throttling (additive increase, multiplicative decrease, as TCP
 * does): a throttling answer halves the class's rate, at most once per `holdMs` (throttles that
 * arrive together are one congestion event), never below `floorFraction` of the policy rate; the
 * rate then grows back by `increaseFraction` of the policy rate per second, so from half to full
 * in 10 s. Every replica books slots from the same Redis hash, so they all slow down together.
 */
export interface AimdTuning {
  readonly decreaseFactor: number;
  readonly increaseFraction: number;
  readonly floorFraction: number;
  readonly holdMs: number;
  /** Cap on the retry-after pause applied to the whole class. */
  readonly maxPauseMs: number;
}
export const DEFAULT_AIMD: AimdTuning = {
  decreaseFactor: 0.5,
  increaseFraction: 0.05,
  floorFraction: 0.05,
  holdMs: 1_000,
  maxPauseMs: 10_000,
};

/** What the bucket of one class says right now (bench and tests). */
export interface BucketState {
  readonly ratePerSecond: number;
}

function normalise(budget: EcsLimits | RateBudget): Record<EcsCallClass, RateBudget> {
  if ('ratePerSecond' in budget) return { read: budget, mutate: budget, assistant: budget };
  const one = (b: { callsPerSecond: number; burst: number }) => ({
    ratePerSecond: b.callsPerSecond,
    burst: b.burst,
  });
  return { read: one(budget.read), mutate: one(budget.mutate), assistant: one(budget.assistant) };
}

/**
 * `RateLimiter` on Redis: a GCRA bucket per call class with an AIMD rate, in two scripts
 * (`lua/rate.ts`), shared by every replica on the same Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly keys: ExecutionKeys;
  private readonly budgets: Record<EcsCallClass, RateBudget>;
  private readonly aimd: AimdTuning;
  private readonly clock: Clock | undefined;

  constructor(
    private readonly redis: RedisLike,
    budget: EcsLimits | RateBudget,
    options: {
      prefix?: string | undefined;
      aimd?: Partial<AimdTuning>;
      /** Tests: a fake clock instead of Redis' TIME, shared by the replicas under test. */
      clock?: Clock;
    } = {},
  ) {
    this.budgets = normalise(budget);
    for (const callClass of ECS_CALL_CLASSES) {
      const b = this.budgets[callClass];
      if (!(b.ratePerSecond > 0) || !(b.burst >= 1)) {
        throw new RangeError(`rate budget of ${callClass} needs calls per second > 0 and burst ≥ 1`);
      }
    }
    this.aimd = { ...DEFAULT_AIMD, ...options.aimd };
    this.clock = options.clock;
    this.keys = executionKeys(options.prefix);
    registerExecutionScripts(redis);
  }

  async reserve(callClass: EcsCallClass): Promise<number> {
    const { ratePerSecond, burst } = this.budgets[callClass];
    const [wait] = (await runExecutionScript(
      this.redis,
      'reserveEcsSlot',
      [this.keys.rate(callClass)],
      [ratePerSecond, ratePerSecond * this.aimd.increaseFraction, burst, this.clockArg()],
    )) as [number, string];
    return Number(wait);
  }

  async throttled(callClass: EcsCallClass, retryAfterMs?: number): Promise<BucketState> {
    const { ratePerSecond, burst } = this.budgets[callClass];
    const pause = Math.min(this.aimd.maxPauseMs, Math.max(0, retryAfterMs ?? 0));
    const [, rate] = (await runExecutionScript(
      this.redis,
      'ecsThrottled',
      [this.keys.rate(callClass)],
      [
        ratePerSecond,
        ratePerSecond * this.aimd.increaseFraction,
        this.aimd.decreaseFactor,
        ratePerSecond * this.aimd.floorFraction,
        this.aimd.holdMs,
        pause,
        burst,
        this.clockArg(),
      ],
    )) as [number, string];
    return { ratePerSecond: Number(rate) };
  }

  /** The class's current shared rate, without booking a slot. */
  async state(callClass: EcsCallClass): Promise<BucketState> {
    const { ratePerSecond } = this.budgets[callClass];
    const [[base, since], now] = await Promise.all([
      this.redis.hmget(this.keys.rate(callClass), 'base', 'since'),
      this.now(),
    ]);
    if (base == null || since == null) return { ratePerSecond };
    const grown = Number(base) + (ratePerSecond * this.aimd.increaseFraction * (now - Number(since))) / 1000;
    return { ratePerSecond: Math.min(ratePerSecond, grown) };
  }

  /** The scripts' last argument: empty for Redis' TIME. */
  private clockArg(): string {
    return this.clock ? String(this.clock.now()) : '';
  }

  private async now(): Promise<number> {
    if (this.clock) return this.clock.now();
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}
