import { type ExecutionKeys, executionKeys, type LockResource } from './execution-keys.js';
import { registerExecutionScripts, runExecutionScript } from './execution-scripts.js';
import type { RedisLike } from './scripts.js';

export type { LockResource } from './execution-keys.js';

/** Who holds a lock: the request id, the fencing token of its current lease, and since when. */
export interface LockHolder {
  readonly requestId: string;
  readonly token: number;
  readonly since: number;
  /** Time left before the lock frees itself if nobody renews it. */
  readonly expiresInMs: number;
}

export type AcquireResult =
  | { readonly ok: true; readonly token: number }
  | {
      readonly ok: false;
      readonly resource: LockResource;
      readonly holder: { requestId: string; since: number };
    };

/**
 * Request locks on Redis: one request holds its disk and every instance it touches, all or nothing,
 * with a TTL (a dead worker's locks free themselves) and a fencing token (a resumed request takes
 * a new token, so the worker it replaced can no longer renew, and stops).
 */
export class RedisLocks {
  private readonly keys: ExecutionKeys;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    this.keys = executionKeys(options.prefix);
    registerExecutionScripts(redis);
  }

  /** Re-entrant for the same request id; `at` (ms) is recorded as `since` on locks newly taken. */
  async acquire(
    owner: string,
    resources: readonly LockResource[],
    ttlMs: number,
    at: number,
  ): Promise<AcquireResult> {
    const unique = dedupe(resources);
    const reply = (await runExecutionScript(
      this.redis,
      'acquireLocks',
      [this.keys.fence, ...unique.map((r) => this.keys.lock(r))],
      [owner, ttlMs, at],
    )) as [string, ...(string | number)[]];
    if (reply[0] === 'ok') return { ok: true, token: Number(reply[1]) };
    const resource = unique[Number(reply[1]) - 1] ?? { kind: 'disk', id: '?' };
    return { ok: false, resource, holder: { requestId: String(reply[2]), since: Number(reply[3]) } };
  }

  /** False when the lease was lost (re-taken under a newer token, or expired): stop before the next mutation. */
  async renew(
    owner: string,
    token: number,
    resources: readonly LockResource[],
    ttlMs: number,
  ): Promise<boolean> {
    const keys = dedupe(resources).map((r) => this.keys.lock(r));
    return (await runExecutionScript(this.redis, 'renewLocks', keys, [owner, token, ttlMs])) === 1;
  }

  async release(owner: string, token: number, resources: readonly LockResource[]): Promise<number> {
    const keys = dedupe(resources).map((r) => this.keys.lock(r));
    return Number(await runExecutionScript(this.redis, 'releaseLocks', keys, [owner, token]));
  }

  async holder(resource: LockResource): Promise<LockHolder | undefined> {
    const key = this.keys.lock(resource);
    const [fields, ttl] = await Promise.all([this.redis.hgetall(key), this.redis.pttl(key)]);
    if (!fields.owner) return undefined;
    return {
      requestId: fields.owner,
      token: Number(fields.token),
      since: Number(fields.since),
      expiresInMs: Math.max(0, ttl),
    };
  }
}

function dedupe(resources: readonly LockResource[]): LockResource[] {
  const seen = new Map<string, LockResource>();
  for (const r of resources) seen.set(`${r.kind}:${r.id}`, r);
  return [...seen.values()];
}
