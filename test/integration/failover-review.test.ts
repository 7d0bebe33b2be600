/** Post-incident review items on real Redis: opened once, acknowledged atomically by exactly one approver. */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RedisReviewStore } from '../../src/store/review-store.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import { ReviewService } from '../../src/workflow/reviews.js';
import { sampleRequest } from '../support/store-fixture.js';

const POLICY = `
actions:
  failover:
    approvers: { users: [UONE, UTWO, UREQ] }
    emergency: { requesters: { users: [UREQ] }, quorum: 0, review: required }
`;
let redis: Redis;
let store: RedisReviewStore;
let service: ReviewService;

beforeAll(() => {
  redis = new Redis(inject('redisUrl'));
  store = new RedisReviewStore(redis, { prefix: `sdb-review:${randomUUID()}:` });
  const policy = parsePolicy(POLICY);
  if (!policy.ok) throw new Error(policy.message);
  service = new ReviewService({
    store,
    policy: policy.value,
    groups: async () => [],
    clock: { now: () => 1_000 },
  });
});
afterAll(() => redis.disconnect());

const emergency = () =>
  sampleRequest({
    kind: 'failover',
    emergency: true,
    review: 'required',
    params: { diskId: 'd-1', fromInstanceId: 'i-a', toInstanceId: 'i-b', emergencyReason: 'db down' },
  });

describe('review items', () => {
  it('open once per emergency request; a non-emergency request opens none', async () => {
    const request = emergency();
    const first = await service.openFor(request);
    const again = await service.openFor(request);
    expect([first?.opened, again?.opened]).toEqual([true, false]);
    expect(first?.item).toMatchObject({
      state: 'open',
      reason: 'db down',
      diskId: 'd-1',
      requesterId: 'UREQ',
    });
    expect(await service.openFor(sampleRequest())).toBeUndefined();
    expect((await service.listOpen()).map((r) => r.requestId)).toContain(request.id);
  });

  it('two approvers acknowledging at once: exactly one wins, the other is told who did', async () => {
    const request = emergency();
    await service.openFor(request);
    const results = await Promise.all([
      service.acknowledge(request.id, 'UONE'),
      service.acknowledge(request.id, 'UTWO'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const lost = results.find((r) => !r.ok);
    expect(lost).toMatchObject({ ok: false, code: 'already_acknowledged' });
    expect((await service.listOpen()).map((r) => r.requestId)).not.toContain(request.id);
  });

  it('refuses the requester, non-approvers and unknown ids', async () => {
    const request = emergency();
    await service.openFor(request);
    expect(await service.acknowledge(request.id, 'UREQ')).toMatchObject({ ok: false, code: 'self_review' });
    expect(await service.acknowledge(request.id, 'UNOBODY')).toMatchObject({
      ok: false,
      code: 'not_approver',
    });
    expect(await service.acknowledge('R-NOSUCH0000', 'UONE')).toMatchObject({ ok: false, code: 'not_found' });
    expect((await store.get(request.id))?.state).toBe('open');
  });
});
