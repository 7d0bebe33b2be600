import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { ApprovalService } from '../../src/workflow/approval-service.js';
import { startExpirySweeper } from '../../src/workflow/expiry-sweeper.js';
import type { DiskRequest } from '../../src/workflow/request.js';
import {
  type ApprovalFixture,
  approvalFixture,
  attach,
  detach,
  GROUPS,
  policy,
  T0,
  value,
} from '../support/approval-fixture.js';

let now: number;
let redis: ApprovalFixture['redis'];
let store: ApprovalFixture['store'];
let audit: ApprovalFixture['audit'];
let service: ApprovalFixture['service'];
let executor: ApprovalFixture['executor'];
let events: ApprovalFixture['events'];

beforeEach(() => {
  now = T0;
  const f = approvalFixture(() => now);
  ({ redis, store, audit, service, executor, events } = f);
});

afterEach(async () => {
  await redis.quit();
});

describe('expiry under an injected clock', () => {
  it('expires only what is due; a click after expiry is refused and sweeps the request', async () => {
    const short = value(await service.open(detach)); // 1h
    const long = value(await service.open(attach)); // 24h
    now = T0 + 3_600_000 - 1;
    expect(await service.expireDue()).toEqual([]);
    now = T0 + 3_600_000;
    const expired = await service.expireDue();
    expect(expired.map((r) => [r.id, r.state])).toEqual([[short.id, 'expired']]);
    expect((await service.get(long.id))?.state).toBe('pending');
    const click = await service.approve(short.id, 'USAM');
    expect(click.ok ? 'ok' : [click.code, click.message]).toEqual([
      'expired',
      `Request ${short.id} already expired at 2025-11-25T10:00:00.000Z.`,
    ]);

    now = T0 + 86_400_000 + 5;
    const late = await service.approve(long.id, 'USAM');
    expect(late.ok ? 'ok' : late.code).toBe('expired');
    expect((await service.get(long.id))?.state).toBe('expired');
    expect(events.filter((e) => e.startsWith('expired:'))).toEqual([
      'expired:pending→expired:system',
      'expired:pending→expired:system',
    ]);
  });

  it('two sweepers (replicas) racing expire each request exactly once', async () => {
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(value(await service.open(detach)).id);
    now = T0 + 2 * 3_600_000;
    const other = new ApprovalService({
      store: new RedisRequestStore(redis, { prefix: store.keys.prefix }),
      policy: policy(),
      groups: async () => [],
      clock: { now: () => now },
      executor,
    });
    const a = startExpirySweeper({ service, intervalMs: 60_000 });
    const b = startExpirySweeper({ service: other, intervalMs: 60_000 });
    const [na, nb] = await Promise.all([a.tick(), b.tick()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(na + nb).toBe(20);
    const entries = await audit.range({ count: 1000 });
    expect(entries.filter((e) => e.event === 'expired')).toHaveLength(20);
    for (const id of ids) expect((await service.get(id))?.state).toBe('expired');
  });
});

describe('card, listing and App Home', () => {
  it('stores the card coordinates once', async () => {
    const r = value(await service.open(detach));
    expect(
      value(await service.attachCard(r.id, { channelId: 'CAPPR', ts: '1700000000.000100' })).card,
    ).toEqual({
      channelId: 'CAPPR',
      ts: '1700000000.000100',
    });
    const other = await service.attachCard(r.id, { channelId: 'CAPPR', ts: '1700000000.000200' });
    expect(other.ok ? 'ok' : other.code).toBe('card_conflict');
    const missing = await service.attachCard('R-NOPE000000', { channelId: 'C1', ts: '1.1' });
    expect(missing.ok ? 'ok' : missing.code).toBe('not_found');
  });

  it('lists mine / pending / all in pages and feeds App Home', async () => {
    const opened: DiskRequest[] = [];
    for (let i = 0; i < 7; i++) {
      now = T0 + i * 1000;
      opened.push(value(await service.open(i % 2 === 0 ? attach : { ...attach, requesterId: 'UOTHER' })));
    }
    value(await service.approve(opened[0]?.id ?? '', 'USAM'));
    value(await service.reject(opened[1]?.id ?? '', 'USAM', 'no'));

    const mine1 = value(await service.list({ filter: 'mine', userId: 'UREQ', limit: 3 }));
    expect(mine1.items.map((r) => r.id)).toEqual([opened[6], opened[4], opened[2]].map((r) => r?.id));
    const mine2 = value(
      await service.list({ filter: 'mine', userId: 'UREQ', limit: 3, cursor: mine1.nextCursor }),
    );
    expect(mine2.items.map((r) => r.id)).toEqual([opened[0]?.id]);
    expect(mine2.nextCursor).toBeUndefined();
    expect(value(await service.list({ filter: 'all', userId: 'UREQ', limit: 50 })).items).toHaveLength(7);
    expect(value(await service.list({ filter: 'pending', userId: 'UREQ', limit: 50 })).items).toHaveLength(5);
    const bad = await service.list({ filter: 'all', userId: 'UREQ', cursor: '%%%' });
    expect(bad.ok ? 'ok' : bad.code).toBe('invalid_cursor');

    value(await service.approve(opened[2]?.id ?? '', 'USUE', {}));
    const awaiting = await service.awaitingApprovalBy('USAM');
    expect(awaiting.map((r) => r.id).sort()).toEqual(
      [opened[3], opened[4], opened[5], opened[6]].map((r) => r?.id).sort(),
    );
    expect(await service.awaitingApprovalBy('UOTHER')).toEqual([]);
    expect((await service.openBy('UREQ')).map((r) => r.state).sort()).toEqual([
      'approved',
      'approved',
      'pending',
      'pending',
    ]);
    expect((await service.recentFinished(5)).map((r) => r.id)).toEqual([opened[1]?.id]);
  });
});

describe('execution transitions through the service', () => {
  it('start → step → finish, first terminal write wins', async () => {
    const r = value(await service.open(attach));
    value(await service.approve(r.id, 'USAM'));
    expect(value(await service.start(r.id, 'worker-1', { planHash: r.planHash })).state).toBe('running');
    const second = await service.start(r.id, 'worker-2');
    expect(second.ok ? 'ok' : second.code).toBe('wrong_state');
    expect(value(await service.recordStep(r.id, { from: 0, to: 1, actor: 'worker-1' })).stepCursor).toBe(1);
    const dup = await service.recordStep(r.id, { from: 0, to: 1, actor: 'worker-2' });
    expect(dup.ok ? 'ok' : dup.code).toBe('step_mismatch');
    value(
      await service.finish(
        r.id,
        'partial',
        { code: 'attach_partial', message: '1 of 2 attached' },
        'worker-1',
      ),
    );
    const late = await service.finish(r.id, 'succeeded', { code: 'ok', message: 'ok' }, 'worker-2');
    expect(late.ok ? 'ok' : late.code).toBe('wrong_state');
    expect((await service.get(r.id))?.outcome).toEqual({
      code: 'attach_partial',
      message: '1 of 2 attached',
    });
    const stale = value(await service.open(attach));
    value(await service.approve(stale.id, 'USAM'));
    const mismatch = await service.start(stale.id, 'worker-1', { planHash: 'old' });
    expect(mismatch.ok ? 'ok' : mismatch.code).toBe('plan_changed');
  });

  it('a failing notifier never fails or undoes a transition', async () => {
    const errors: unknown[] = [];
    const s = new ApprovalService({
      store,
      policy: policy(),
      groups: async (id) => GROUPS[id] ?? [],
      clock: { now: () => now },
      executor,
      notifier: {
        async onTransition() {
          throw new Error('slack is down');
        },
      },
      onError: (e) => errors.push(e),
    });
    const r = value(await s.open(attach));
    expect(value(await s.approve(r.id, 'USAM')).transitioned).toBe(true);
    expect(errors).toHaveLength(2);
    expect(executor.isWaiting(r.id)).toBe(true);
  });
});
