import type { RateLimiter } from '../cloud/resilient-gateway.js';
import { type ExecutionKeys, executionKeys } from './execution-keys.js';
import { registerExecutionScripts, runExecutionScript } from './execution-scripts.js';
import type { RedisLike } from './scripts.js';

/** The ECS call budget of the whole deployment, not of one replica. */
export interface RateBudget {
  readonly ratePerSecond: number;
  /** Calls that may go back to back after a quiet spell. */
  readonly burst: number;
}

/**
 * ECS throttles per account and API (documented quotas are in the order of tens of calls per
 * second for Describe* and fewer for mutations); 10/s with a burst of 20 stays well inside that
 * while a 16-instance attach still fires all its calls at once.
 */
export const DEFAULT_RATE_BUDGET: RateBudget = { ratePerSecond: 10, burst: 20 };

/** `RateLimiter` on Redis (GCRA in one script), shared by every replica on the same Redis. */
export class RedisRateLimiter implements RateLimiter {
  private readonly keys: ExecutionKeys;

  constructor(
    private readonly redis: RedisLike,
    private readonly budget: RateBudget = DEFAULT_RATE_BUDGET,
    options: { prefix?: string } = {},
  ) {
    if (!(budget.ratePerSecond > 0) || !(budget.burst >= 1)) {
      throw new RangeError('rate budget needs ratePerSecond > 0 and burst ≥ 1');
    }
    this.keys = executionKeys(options.prefix);
    registerExecutionScripts(redis);
  }

  async reserve(): Promise<number> {
    const interval = 1000 / this.budget.ratePerSecond;
    const wait = await runExecutionScript(
      this.redis,
      'reserveRateSlot',
      [this.keys.rate],
      [interval, this.budget.burst],
    );
    return Number(wait);
  }
}
