import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisLocks } from '../../src/store/locks.js';

let redis: Redis;
let prefix: string;
let locks: RedisLocks;

beforeEach(() => {
  redis = new Redis(inject('redisUrl'));
  prefix = `sdb-locks:${randomUUID().slice(0, 8)}:`;
  locks = new RedisLocks(redis, { prefix });
});
afterEach(async () => redis.quit());

const disk = { kind: 'disk', id: 'd-1' } as const;
const i1 = { kind: 'instance', id: 'i-1' } as const;
const i2 = { kind: 'instance', id: 'i-2' } as const;

describe('request locks', () => {
  it('are all or nothing, and a refusal names the holder and since when', async () => {
    const a = await locks.acquire('R-AAAAAA', [disk, i1], 10_000, 1_000);
    expect(a).toEqual({ ok: true, token: 1 });
    const b = await locks.acquire('R-BBBBBB', [i2, disk], 10_000, 2_000);
    expect(b).toEqual({ ok: false, resource: disk, holder: { requestId: 'R-AAAAAA', since: 1_000 } });
    expect(await redis.exists(`${prefix}{locks}:instance:i-2`)).toBe(0);
    expect(await locks.holder(disk)).toMatchObject({ requestId: 'R-AAAAAA', token: 1, since: 1_000 });
    expect(await locks.holder(i2)).toBeUndefined();
  });

  it('are re-entrant for the same request with a new fencing token that fences the old lease out', async () => {
    const first = await locks.acquire('R-AAAAAA', [disk, i1], 10_000, 1_000);
    const again = await locks.acquire('R-AAAAAA', [disk, i1], 10_000, 5_000);
    if (!first.ok || !again.ok) throw new Error('expected both to succeed');
    expect(again.token).toBeGreaterThan(first.token);
    expect((await locks.holder(disk))?.since).toBe(1_000);
    expect(await locks.renew('R-AAAAAA', first.token, [disk, i1], 10_000)).toBe(false);
    expect(await locks.renew('R-AAAAAA', again.token, [disk, i1], 10_000)).toBe(true);
    expect(await locks.release('R-AAAAAA', first.token, [disk, i1])).toBe(0);
    expect(await locks.release('R-AAAAAA', again.token, [disk, i1])).toBe(2);
    expect(await locks.holder(disk)).toBeUndefined();
  });

  it('expire after their TTL, and a lapsed lease cannot be renewed', async () => {
    const a = await locks.acquire('R-AAAAAA', [disk], 80, 1);
    if (!a.ok) throw new Error('expected the lock');
    expect((await locks.holder(disk))?.expiresInMs).toBeLessThanOrEqual(80);
    await new Promise((r) => setTimeout(r, 120));
    expect(await locks.holder(disk)).toBeUndefined();
    expect(await locks.renew('R-AAAAAA', a.token, [disk], 1_000)).toBe(false);
    expect((await locks.acquire('R-BBBBBB', [disk], 1_000, 2)).ok).toBe(true);
  });

  it('exactly one of many concurrent requests gets a disk', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        locks.acquire(`R-C${String(i).padStart(5, '0')}`, [disk], 10_000, i),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});
