import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { planHash } from '../../src/workflow/plan.js';
import type { StoreRefusalCode, StoreResult } from '../../src/workflow/ports.js';
import type { DiskRequest } from '../../src/workflow/request.js';

/** The Redis request store under a unique key prefix, with request builders, for script-level tests. */
export const T0 = Date.UTC(2025, 10, 25, 9, 0, 0);
export const HOUR = 3_600_000;

let seq = 0;

/** A detach request with quorum 2, pending, expiring an hour after T0; ids are unique per process. */
export function sampleRequest(overrides: Partial<DiskRequest> = {}): DiskRequest {
  const plan = [{ action: 'DetachDisk' as const, params: { DiskId: 'd-bp1', InstanceId: 'i-bp1' } }];
  const params = { diskId: 'd-bp1', instanceId: 'i-bp1' };
  seq += 1;
  return {
    id: `R-TEST${String(seq).padStart(6, '0')}`,
    kind: 'detach',
    state: 'pending',
    requesterId: 'UREQ',
    channelId: 'CCMD',
    params,
    plan,
    checks: [{ code: 'multi_attach', level: 'warning', message: 'disk is attached to 2 instances' }],
    planHash: planHash(plan, params),
    quorum: 2,
    approvals: [],
    stepCursor: 0,
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + HOUR,
    ...overrides,
  };
}

export function refusedWith<T>(result: StoreResult<T>, code: StoreRefusalCode): void {
  expect(result.ok ? 'ok' : result.code).toBe(code);
}

export interface StoreFixture {
  readonly redis: Redis;
  readonly store: RedisRequestStore;
  readonly audit: RedisAuditLog;
  /** Creates a request through the real `createRequest` script and returns it as stored. */
  stored(overrides?: Partial<DiskRequest>): Promise<DiskRequest>;
}

export function storeFixture(): StoreFixture {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: false });
  const prefix = `sdb-test:${randomUUID()}:`;
  const store = new RedisRequestStore(redis, { prefix });
  return {
    redis,
    store,
    audit: new RedisAuditLog(redis, { prefix }),
    async stored(overrides = {}) {
      const r = sampleRequest(overrides);
      const created = await store.create(r, r.createdAt);
      if (!created.ok) throw new Error(created.message);
      return created.value;
    },
  };
}
