import { RedisCommandRate } from '../store/command-rate.js';
import { RedisFreezeSwitch } from '../store/freeze-store.js';
import { RedisRequestStore } from '../store/redis-request-store.js';
import { RedisReviewStore } from '../store/review-store.js';
import { RedisWatchStore } from '../store/watch-store.js';
import { RedisWorkflowStepStore } from '../store/workflow-step-store.js';
import type { BotOptions } from './options.js';

/** The Redis stores; they share the caller's connection, which the caller closes. */
export interface Stores {
  readonly requests: RedisRequestStore;
  /** Post-incident reviews, and the audit of data-safety decisions. */
  readonly reviews: RedisReviewStore;
  readonly watch: RedisWatchStore;
  readonly commandRate: RedisCommandRate;
  /** Workflow Builder step executions: claimed once, completed once. */
  readonly workflowSteps: RedisWorkflowStepStore;
  /** The change freeze shared by every replica. */
  readonly freeze: RedisFreezeSwitch;
}

export function assembleStores(options: Pick<BotOptions, 'redis' | 'keyPrefix' | 'policy'>): Stores {
  const prefix = options.keyPrefix ? { prefix: options.keyPrefix } : {};
  return {
    requests: new RedisRequestStore(options.redis, prefix),
    reviews: new RedisReviewStore(options.redis, prefix),
    watch: new RedisWatchStore(options.redis, prefix),
    commandRate: new RedisCommandRate(options.redis, options.policy.rateLimit.commandsPerMinute, prefix),
    workflowSteps: new RedisWorkflowStepStore(options.redis, prefix),
    freeze: new RedisFreezeSwitch(options.redis, options.keyPrefix),
  };
}
