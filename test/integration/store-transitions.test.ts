import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreRefusalCode } from '../../src/workflow/ports.js';
import type { DiskRequest } from '../../src/workflow/request.js';
import {
  HOUR,
  refusedWith,
  type StoreFixture,
  sampleRequest,
  storeFixture,
  T0,
} from '../support/store-fixture.js';

let redis: StoreFixture['redis'];
let store: StoreFixture['store'];
let audit: StoreFixture['audit'];
let stored: StoreFixture['stored'];

beforeEach(() => {
  ({ redis, store, audit, stored } = storeFixture());
});

afterEach(async () => {
  await redis.quit();
});

describe('createRequest', () => {
  it('stores the request as pending, indexes it and audits it', async () => {
    const r = await stored();
    expect(r).toMatchObject({
      state: 'pending',
      quorum: 2,
      approvals: [],
      requesterId: 'UREQ',
      expiresAt: T0 + HOUR,
    });
    expect(r.plan).toEqual(sampleRequest().plan);
    expect(r.checks[0]?.level).toBe('warning');
    expect(await redis.zscore(store.keys.pendingIndex, r.id)).toBe(String(T0 + HOUR));
    expect(await redis.zscore(store.keys.allIndex, r.id)).toBe(String(T0));
    expect(await redis.zscore(store.keys.requesterIndex('UREQ'), r.id)).toBe(String(T0));
    const entries = await audit.forRequest(r.id);
    expect(entries).toMatchObject([{ event: 'created', from: '', to: 'pending', actor: 'UREQ', at: T0 }]);
  });

  it('goes straight to approved when the quorum is 0 (emergency), with both audit entries', async () => {
    const r = await stored({ quorum: 0, kind: 'failover', emergency: true, review: 'required' });
    expect(r).toMatchObject({
      state: 'approved',
      emergency: true,
      review: 'required',
      decision: { by: 'UREQ', at: T0 },
    });
    expect(await redis.zscore(store.keys.pendingIndex, r.id)).toBeNull();
    expect((await audit.forRequest(r.id)).map((e) => `${e.from}→${e.to}`)).toEqual([
      '→pending',
      'pending→approved',
    ]);
  });

  it('ALREADY_EXISTS: an id is never overwritten', async () => {
    const r = await stored();
    refusedWith(
      await store.create({ ...sampleRequest(), id: r.id, requesterId: 'UOTHER' }, T0),
      'already_exists',
    );
    expect((await store.get(r.id))?.requesterId).toBe('UREQ');
  });
});

describe('attachCard', () => {
  it('records the card once; the same card again is a no-op; another card is CARD_CONFLICT', async () => {
    const r = await stored();
    const first = await store.attachCard(r.id, { channelId: 'CAPPR', ts: '1.000100' }, T0 + 1);
    expect(first.ok && first.value.card).toEqual({ channelId: 'CAPPR', ts: '1.000100' });
    expect((await store.attachCard(r.id, { channelId: 'CAPPR', ts: '1.000100' }, T0 + 2)).ok).toBe(true);
    refusedWith(
      await store.attachCard(r.id, { channelId: 'CAPPR', ts: '2.000200' }, T0 + 3),
      'card_conflict',
    );
    refusedWith(await store.attachCard('R-NOPE000000', { channelId: 'C1', ts: '1.1' }, T0), 'not_found');
    expect((await audit.forRequest(r.id)).filter((e) => e.event === 'card')).toHaveLength(1);
  });
});

describe('approveRequest', () => {
  it('counts approvals and moves to approved exactly at quorum', async () => {
    const r = await stored();
    const one = await store.approve(r.id, { userId: 'UA', at: T0 + 10, planHash: r.planHash });
    expect(
      one.ok && { n: one.value.approvals, t: one.value.transitioned, s: one.value.request.state },
    ).toEqual({
      n: 1,
      t: false,
      s: 'pending',
    });
    const two = await store.approve(r.id, { userId: 'UB', at: T0 + 20, planHash: r.planHash });
    expect(two.ok && two.value.transitioned).toBe(true);
    const after = await store.get(r.id);
    expect(after).toMatchObject({
      state: 'approved',
      approvals: [
        { userId: 'UA', at: T0 + 10 },
        { userId: 'UB', at: T0 + 20 },
      ],
      decision: { by: 'UB', at: T0 + 20 },
      updatedAt: T0 + 20,
    });
    expect(await redis.zscore(store.keys.pendingIndex, r.id)).toBeNull();
    const entries = await audit.forRequest(r.id);
    expect(entries.map((e) => [e.event, e.from, e.to, e.actor])).toEqual([
      ['created', '', 'pending', 'UREQ'],
      ['approval', 'pending', 'pending', 'UA'],
      ['approved', 'pending', 'approved', 'UB'],
    ]);
    expect(entries[2]?.details).toEqual({ approvals: 2, quorum: 2 });
  });

  it.each<
    [
      string,
      StoreRefusalCode,
      (r: DiskRequest) => Promise<unknown>,
      { userId?: string; at?: number; hash?: string },
    ]
  >([
    ['NOT_FOUND', 'not_found', async (r) => redis.del(store.keys.request(r.id)), {}],
    [
      'WRONG_STATE',
      'wrong_state',
      async (r) => redis.hset(store.keys.request(r.id), 'state', 'rejected'),
      {},
    ],
    ['EXPIRED', 'expired', async () => undefined, { at: T0 + HOUR }],
    ['SELF_APPROVAL', 'self_approval', async () => undefined, { userId: 'UREQ' }],
    [
      'DUPLICATE_APPROVAL',
      'duplicate_approval',
      async (r) => redis.hset(store.keys.request(r.id), 'a:UA', T0),
      {},
    ],
    [
      'PLAN_MISMATCH (stored hash tampered)',
      'plan_mismatch',
      async (r) => redis.hset(store.keys.request(r.id), 'planHash', 'f00d'),
      {},
    ],
    ['PLAN_MISMATCH (stale click)', 'plan_mismatch', async () => undefined, { hash: 'stale' }],
  ])('%s changes nothing', async (_name, code, tamper, input) => {
    const r = await stored();
    await tamper(r);
    const before = await redis.hgetall(store.keys.request(r.id));
    const auditBefore = await redis.xlen(store.keys.audit);
    const result = await store.approve(r.id, {
      userId: input.userId ?? 'UA',
      at: input.at ?? T0 + 1,
      planHash: input.hash ?? r.planHash,
    });
    refusedWith(result, code);
    expect(await redis.hgetall(store.keys.request(r.id))).toEqual(before);
    expect(await redis.xlen(store.keys.audit)).toBe(auditBefore);
  });
});

describe('reject, cancel, expire', () => {
  it('rejectRequest ends the request with the reason', async () => {
    const r = await stored();
    const result = await store.reject(r.id, { userId: 'UA', at: T0 + 5, reason: 'wrong disk <!channel>' });
    expect(result.ok && result.value).toMatchObject({
      state: 'rejected',
      rejection: { userId: 'UA', at: T0 + 5, reason: 'wrong disk <!channel>' },
      decision: { by: 'UA', at: T0 + 5 },
    });
    expect(await redis.zscore(store.keys.pendingIndex, r.id)).toBeNull();
    expect(await redis.zscore(store.keys.finishedIndex, r.id)).toBe(String(T0 + 5));
    expect((await audit.forRequest(r.id)).at(-1)).toMatchObject({
      event: 'rejected',
      details: { reason: 'wrong disk <!channel>' },
    });
    refusedWith(await store.reject(r.id, { userId: 'UB', at: T0 + 6, reason: 'x' }), 'wrong_state');
    refusedWith(await store.reject('R-NOPE000000', { userId: 'UB', at: T0, reason: 'x' }), 'not_found');
    const late = await stored();
    refusedWith(await store.reject(late.id, { userId: 'UB', at: T0 + HOUR, reason: 'x' }), 'expired');
  });

  it('cancelRequest: requester only, pending only', async () => {
    const r = await stored();
    refusedWith(await store.cancel(r.id, { userId: 'UA', at: T0 + 1 }), 'not_requester');
    refusedWith(await store.cancel('R-NOPE000000', { userId: 'UREQ', at: T0 + 1 }), 'not_found');
    const done = await store.cancel(r.id, { userId: 'UREQ', at: T0 + 2 });
    expect(done.ok && done.value).toMatchObject({ state: 'cancelled', decision: { by: 'UREQ', at: T0 + 2 } });
    refusedWith(await store.cancel(r.id, { userId: 'UREQ', at: T0 + 3 }), 'wrong_state');
    const late = await stored();
    refusedWith(await store.cancel(late.id, { userId: 'UREQ', at: T0 + HOUR }), 'expired');
  });

  it('expireRequest: only pending and only once due', async () => {
    const r = await stored();
    refusedWith(await store.expire(r.id, { at: T0 + HOUR - 1 }), 'not_expired');
    expect(await store.dueForExpiry(T0 + HOUR - 1, 10)).toEqual([]);
    expect(await store.dueForExpiry(T0 + HOUR, 10)).toEqual([r.id]);
    const done = await store.expire(r.id, { at: T0 + HOUR });
    expect(done.ok && done.value).toMatchObject({
      state: 'expired',
      decision: { by: 'system', at: T0 + HOUR },
    });
    refusedWith(await store.expire(r.id, { at: T0 + HOUR }), 'wrong_state');
    refusedWith(await store.expire('R-NOPE000000', { at: T0 }), 'not_found');
    expect(await store.dueForExpiry(T0 + 2 * HOUR, 10)).toEqual([]);
  });
});

describe('startRequest, advanceStep, finishRequest', () => {
  it('runs approved → running → succeeded, moving the cursor, and the first terminal write wins', async () => {
    const r = await stored({ quorum: 0 });
    refusedWith(
      await store.start(r.id, { actor: 'worker-1', at: T0 + 1, planHash: 'other' }),
      'plan_mismatch',
    );
    const started = await store.start(r.id, { actor: 'worker-1', at: T0 + 1, planHash: r.planHash });
    expect(started.ok && started.value.state).toBe('running');
    refusedWith(await store.start(r.id, { actor: 'worker-2', at: T0 + 2 }), 'wrong_state');

    const step = await store.advanceStep(r.id, {
      from: 0,
      to: 1,
      actor: 'worker-1',
      at: T0 + 3,
      details: { requestId: 'ECS-1' },
    });
    expect(step.ok && step.value.stepCursor).toBe(1);
    refusedWith(
      await store.advanceStep(r.id, { from: 0, to: 1, actor: 'worker-2', at: T0 + 4 }),
      'step_mismatch',
    );
    refusedWith(
      await store.advanceStep(r.id, { from: 1, to: 1, actor: 'worker-1', at: T0 + 4 }),
      'invalid_target',
    );

    refusedWith(
      await store.finish(r.id, {
        state: 'pending' as 'failed',
        outcome: { code: 'x', message: 'x' },
        actor: 'w',
        at: T0,
      }),
      'invalid_target',
    );
    const ok = await store.finish(r.id, {
      state: 'succeeded',
      outcome: { code: 'ok', message: 'done' },
      actor: 'worker-1',
      at: T0 + 5,
    });
    expect(ok.ok && ok.value).toMatchObject({
      state: 'succeeded',
      outcome: { code: 'ok', message: 'done' },
      updatedAt: T0 + 5,
    });
    const late = await store.finish(r.id, {
      state: 'failed',
      outcome: { code: 'boom', message: 'x' },
      actor: 'worker-2',
      at: T0 + 6,
    });
    refusedWith(late, 'wrong_state');
    expect((await store.get(r.id))?.state).toBe('succeeded');
    refusedWith(await store.advanceStep(r.id, { from: 1, to: 2, actor: 'w', at: T0 + 7 }), 'wrong_state');
    expect(await redis.zscore(store.keys.finishedIndex, r.id)).toBe(String(T0 + 5));
    const events = (await audit.forRequest(r.id)).map((e) => `${e.event}:${e.from}→${e.to}`);
    expect(events).toEqual([
      'created:→pending',
      'approved:pending→approved',
      'started:approved→running',
      'step:running→running',
      'finished:running→succeeded',
    ]);
    refusedWith(await store.start('R-NOPE000000', { actor: 'w', at: T0 }), 'not_found');
    refusedWith(await store.advanceStep('R-NOPE000000', { from: 0, to: 1, actor: 'w', at: T0 }), 'not_found');
    refusedWith(
      await store.finish('R-NOPE000000', {
        state: 'failed',
        outcome: { code: 'x', message: 'x' },
        actor: 'w',
        at: T0,
      }),
      'not_found',
    );
  });
});
