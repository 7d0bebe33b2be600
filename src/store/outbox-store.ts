import { DEFAULT_KEY_PREFIX } from './keys.js';
import { outboxClaim, outboxPut, outboxSettle } from './lua/outbox.js';
import type { ScriptDefinition } from './lua/prelude.js';
import { commandName, type RedisLike, runDefinedScript } from './scripts.js';

/**
 * Key schema of the Slack outbox, under the same prefix as `keys.ts` (default `sdb:`):
 *   <prefix>{outbox}:entry:<id>      hash    one owed write (see lua/outbox.ts for the fields)
 *   <prefix>{outbox}:lane:<lane>     zset    ids waiting in one lane, score = enqueue sequence
 *   <prefix>{outbox}:claims          zset    ids being sent, score = lease expiry (ms)
 *   <prefix>{outbox}:seq             string  enqueue sequence counter
 *   <prefix>{outbox}:sent:<id>       string  a 'once' write was delivered; PEXPIRE = marker TTL
 * `{outbox}` keeps every key of a script in one Cluster slot.
 */
export const OUTBOX_LANES = ['critical', 'background'] as const;
export type OutboxLane = (typeof OUTBOX_LANES)[number];
export type PutMode = 'once' | 'latest' | 'replace';

const SAFE_ID = /^[A-Za-z0-9_.:-]+$/;

export function outboxKeys(prefix: string = DEFAULT_KEY_PREFIX) {
  if (/[{}]/.test(prefix))
    throw new TypeError(`key prefix ${JSON.stringify(prefix)} must not contain { or }`);
  const base = `${prefix}{outbox}:`;
  const id = (value: string) => {
    if (!SAFE_ID.test(value))
      throw new TypeError(`outbox id ${JSON.stringify(value)} cannot be part of a Redis key`);
    return value;
  };
  return {
    entry: (entryId: string) => `${base}entry:${id(entryId)}`,
    lane: (lane: OutboxLane) => `${base}lane:${lane}`,
    claims: `${base}claims`,
    seq: `${base}seq`,
    sent: (entryId: string) => `${base}sent:${id(entryId)}`,
  };
}

/** One claimed entry: what to send and which version of it. */
export interface ClaimedEntry {
  readonly id: string;
  readonly payload: string;
  readonly version: string;
  readonly createdAt: number;
  readonly attempts: number;
}

const SCRIPTS: readonly ScriptDefinition[] = [outboxPut, outboxClaim, outboxSettle];
type ScriptHost = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

/** How long a delivered 'once' write is remembered, so a late duplicate enqueue is ignored. */
const SENT_MARKER_MS = 24 * 3_600_000;

/** The outbox's Redis side; every multi-key update is one script. */
export class RedisOutboxStore {
  private readonly keys: ReturnType<typeof outboxKeys>;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    this.keys = outboxKeys(options.prefix);
    const host = redis as unknown as ScriptHost;
    for (const script of SCRIPTS) {
      const name = commandName(script);
      if (typeof host[name] !== 'function')
        redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
    }
  }

  /** Records a write; `queued` is false when a 'once' write was already queued or delivered. */
  async put(entry: {
    id: string;
    payload: string;
    lane: OutboxLane;
    mode: PutMode;
    now: number;
  }): Promise<'queued' | 'replaced' | 'ignored'> {
    const k = this.keys;
    const result = await this.run(
      outboxPut,
      [k.entry(entry.id), k.lane(entry.lane), k.seq, k.sent(entry.id)],
      [entry.id, entry.payload, entry.lane, entry.mode, entry.now],
    );
    return result === 1 ? 'queued' : result === 2 ? 'replaced' : 'ignored';
  }

  /** Ids waiting in a lane, oldest first. */
  async waiting(lane: OutboxLane, limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.lane(lane), '0', String(limit - 1));
  }

  async claim(id: string, now: number, leaseMs: number): Promise<ClaimedEntry | undefined> {
    const k = this.keys;
    const result = (await this.run(outboxClaim, [k.entry(id), k.claims], [id, now, leaseMs])) as
      | [string, string, string, string]
      | null;
    if (!result) return undefined;
    const [payload, version, createdAt, attempts] = result;
    return { id, payload, version, createdAt: Number(createdAt), attempts: Number(attempts) };
  }

  /** Ends a claim (see outboxSettle for the outcomes); true when the entry was removed. */
  async settle(claimed: ClaimedEntry, outcome: 'done' | 'drop' | 'retry' | 'release'): Promise<boolean> {
    const k = this.keys;
    const lane = await this.redis.hget(k.entry(claimed.id), 'lane');
    if (!lane) return false;
    const result = await this.run(
      outboxSettle,
      [k.entry(claimed.id), k.lane(lane as OutboxLane), k.claims, k.sent(claimed.id)],
      [claimed.id, claimed.version, outcome, SENT_MARKER_MS],
    );
    return result === 1;
  }

  async has(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.entry(id))) === 1;
  }

  /** The current payload of each id still owed, in the given order (one round trip). */
  async peek(ids: readonly string[]): Promise<{ id: string; payload: string; createdAt: number }[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hmget(this.keys.entry(id), 'payload', 'createdAt');
    const rows = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const [payload, createdAt] = (rows[i]?.[1] ?? []) as (string | null)[];
      return payload ? [{ id, payload, createdAt: Number(createdAt) }] : [];
    });
  }

  /** Entries owed per lane and the enqueue time of the oldest (metrics). */
  async depth(): Promise<{ lanes: Record<OutboxLane, number>; oldestCreatedAt?: number }> {
    const lanes = { critical: 0, background: 0 };
    let oldest: number | undefined;
    for (const lane of OUTBOX_LANES) {
      lanes[lane] = await this.redis.zcard(this.keys.lane(lane));
      const [first] = await this.redis.zrange(this.keys.lane(lane), '0', '0');
      const createdAt = first ? Number(await this.redis.hget(this.keys.entry(first), 'createdAt')) : NaN;
      if (Number.isFinite(createdAt)) oldest = Math.min(oldest ?? createdAt, createdAt);
    }
    return { lanes, ...(oldest !== undefined ? { oldestCreatedAt: oldest } : {}) };
  }

  private run(
    script: ScriptDefinition,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return runDefinedScript(this.redis, script, keys, args);
  }
}
