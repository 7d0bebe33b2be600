import { CodedError } from '../errors.js';
import { DEFAULT_KEY_PREFIX } from './keys.js';
import type { RedisLike } from './scripts.js';

/** What the rate check decided for one command. */
export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: number; readonly retryInSec: number };

/**
 * One window per user: the first command starts it (INCR, then PEXPIRE), later ones count in it.
 * Atomic in one script, so every replica on the same Redis shares the count.
 */
const LUA = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;
const COMMAND = 'sdb_commandRate_v1';

type Host = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

/** Per-user command rate (`policy.rateLimit.commandsPerMinute`) on Redis, shared by all replicas. */
export class RedisCommandRate {
  private readonly prefix: string;
  private readonly windowMs: number;

  constructor(
    private readonly redis: RedisLike,
    private readonly perMinute: number,
    options: { prefix?: string; windowMs?: number } = {},
  ) {
    if (!(perMinute >= 1)) throw new RangeError('commandsPerMinute must be ≥ 1');
    this.prefix = options.prefix ?? DEFAULT_KEY_PREFIX;
    this.windowMs = options.windowMs ?? 60_000;
    if (typeof (redis as unknown as Host)[COMMAND] !== 'function') {
      redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA });
    }
  }

  /** Counts one command of `userId`. @throws CodedError `store_unavailable` when Redis fails. */
  readonly take = async (userId: string): Promise<RateDecision> => {
    const command = (this.redis as unknown as Host)[COMMAND];
    if (!command) throw new CodedError('store_protocol_error', `${COMMAND} is not registered`);
    let reply: unknown;
    try {
      reply = await command.call(this.redis, `${this.prefix}rate:cmd:${userId}`, this.windowMs);
    } catch (error) {
      throw new CodedError('store_unavailable', `command rate check failed: ${(error as Error).message}`, {
        cause: error,
        retryable: true,
      });
    }
    const [count, ttlMs] = (reply as [number, number]).map(Number) as [number, number];
    if (count <= this.perMinute) return { allowed: true };
    return { allowed: false, limit: this.perMinute, retryInSec: Math.max(1, Math.ceil(ttlMs / 1000)) };
  };
}
