import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { encodeBody } from '../../src/store/request-codec.js';
import { commandName, SCRIPTS } from '../../src/store/scripts.js';
import { planHash } from '../../src/workflow/plan.js';
import type { Page, RequestIndex } from '../../src/workflow/ports.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const T0 = Date.UTC(2025, 10, 25, 9, 0, 0);
const N = 10_000;
const REQUESTERS = 10;

let redis: Redis;
let store: RedisRequestStore;

function build(i: number): DiskRequest {
  const plan = [{ action: 'AttachDisk' as const, params: { DiskId: `d-${i}`, InstanceId: 'i-1' } }];
  const params = { diskId: `d-${i}` };
  // Two requests per second: ties on the score must not break paging.
  const createdAt = T0 + Math.floor(i / 2) * 1000;
  return {
    id: `R-L${String(i).padStart(9, '0')}`,
    kind: 'attach',
    state: 'pending',
    requesterId: `UREQ${i % REQUESTERS}`,
    channelId: 'CCMD',
    params,
    plan,
    checks: [],
    planHash: planHash(plan, params),
    quorum: 1,
    approvals: [],
    stepCursor: 0,
    createdAt,
    updatedAt: createdAt,
    expiresAt: createdAt + 86_400_000 + (i % 7) * 60_000,
  };
}

/** Stores requests through the real createRequest script, pipelined (one round trip per batch). */
async function createMany(requests: readonly DiskRequest[]): Promise<void> {
  const k = store.keys;
  const name = commandName(SCRIPTS.createRequest);
  for (let start = 0; start < requests.length; start += 2000) {
    const pipeline = redis.pipeline() as unknown as Record<string, (...args: unknown[]) => unknown> & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const r of requests.slice(start, start + 2000)) {
      pipeline[name]?.(
        k.request(r.id),
        k.allIndex,
        k.pendingIndex,
        k.requesterIndex(r.requesterId),
        k.audit,
        r.id,
        r.requesterId,
        encodeBody(r),
        r.quorum,
        r.planHash,
        r.createdAt,
        r.expiresAt,
        '{}',
      );
    }
    const replies = (await pipeline.exec()) ?? [];
    expect(replies.every(([error, reply]) => error === null && reply === 1)).toBe(true);
  }
}

async function page(index: RequestIndex, limit: number, cursor?: string): Promise<Page<DiskRequest>> {
  const result = await store.page(index, { limit, ...(cursor ? { cursor } : {}) });
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

async function readAll(index: RequestIndex, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const p = await page(index, limit, cursor);
    expect(p.items.length).toBeLessThanOrEqual(limit);
    ids.push(...p.items.map((r) => r.id));
    cursor = p.nextCursor;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}

const all = Array.from({ length: N }, (_, i) => build(i));

beforeAll(async () => {
  redis = new Redis(inject('redisUrl'));
  store = new RedisRequestStore(redis, { prefix: `sdb-test:${randomUUID()}:` });
  await createMany(all);
}, 120_000);

afterAll(async () => {
  await redis.quit();
});

describe(`listing with ${N} stored requests`, () => {
  it('pages through all of them newest first, each exactly once', async () => {
    const { ids, pages } = await readAll({ by: 'all' }, 200);
    expect(pages).toBe(N / 200);
    expect(new Set(ids).size).toBe(N);
    const expected = [...all]
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
      .map((r) => r.id);
    expect(ids).toEqual(expected);
  });

  it('a first page holds full, decoded requests and a cursor', async () => {
    const first = await page({ by: 'all' }, 20);
    expect(first.items).toHaveLength(20);
    expect(first.items[0]).toMatchObject({ id: 'R-L000009999', state: 'pending', kind: 'attach', quorum: 1 });
    expect(first.nextCursor).toEqual(expect.any(String));
  });

  it('pages one requester’s requests from their own index', async () => {
    const { ids } = await readAll({ by: 'requester', userId: 'UREQ3' }, 100);
    expect(ids).toHaveLength(N / REQUESTERS);
    expect(ids.every((id) => Number(id.slice(3)) % REQUESTERS === 3)).toBe(true);
  });

  it('pages pending requests soonest expiry first', async () => {
    const first = await page({ by: 'pending' }, 50);
    const expiries = first.items.map((r) => r.expiresAt);
    expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
    expect(expiries[0]).toBe(Math.min(...all.map((r) => r.expiresAt)));
  });

  it('keeps its place when newer requests arrive between pages', async () => {
    const first = await page({ by: 'all' }, 25);
    await createMany([N, N + 1, N + 2].map((i) => build(i)));
    const second = await page({ by: 'all' }, 25, first.nextCursor);
    const firstIds = new Set(first.items.map((r) => r.id));
    expect(second.items.some((r) => firstIds.has(r.id))).toBe(false);
    const expectedNext = [...all].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    expect(second.items.map((r) => r.id)).toEqual(expectedNext.slice(25, 50).map((r) => r.id));
  });

  it('continues after the cursor when its request left the pending index meanwhile', async () => {
    const first = await page({ by: 'pending' }, 10);
    const last = first.items.at(-1) as DiskRequest;
    const approved = await store.approve(last.id, { userId: 'UAPP', at: T0 + 1, planHash: last.planHash });
    expect(approved.ok && approved.value.transitioned).toBe(true);
    const second = await page({ by: 'pending' }, 10, first.nextCursor);
    expect(second.items).toHaveLength(10);
    expect(second.items.every((r) => r.expiresAt >= last.expiresAt && r.id !== last.id)).toBe(true);
    expect(second.items.some((r) => first.items.some((f) => f.id === r.id))).toBe(false);
  });

  it('lists finished requests most recent first', async () => {
    for (let i = 0; i < 5; i++) {
      const r = all[100 + i] as DiskRequest;
      const done = await store.reject(r.id, { userId: 'UAPP', at: T0 + 1000 + i, reason: 'no' });
      expect(done.ok).toBe(true);
    }
    const finished = await page({ by: 'finished' }, 3);
    expect(finished.items.map((r) => r.id)).toEqual(['R-L000000104', 'R-L000000103', 'R-L000000102']);
  });

  it('refuses a cursor it did not make', async () => {
    const result = await store.page({ by: 'all' }, { limit: 10, cursor: 'not-a-cursor!' });
    expect(result.ok ? 'ok' : result.code).toBe('invalid_cursor');
  });
});
