import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalService } from '../../src/workflow/approval-service.js';
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
let submissions: ApprovalFixture['submissions'];
let events: ApprovalFixture['events'];

beforeEach(() => {
  now = T0;
  const f = approvalFixture(() => now);
  ({ redis, store, audit, service, executor, submissions, events } = f);
});

afterEach(async () => {
  await redis.quit();
});

describe('open', () => {
  it('creates a pending request with quorum and expiry from the policy', async () => {
    const r = value(await service.open(detach));
    expect(r).toMatchObject({ state: 'pending', quorum: 2, expiresAt: T0 + 3_600_000, requesterId: 'UREQ' });
    expect(r.id).toMatch(/^R-[0-9A-Z]{10}$/);
    expect(r.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await service.get(r.id)).toEqual(r);
    expect(events).toEqual(['created:→pending:UREQ']);
  });

  it('refuses requesters outside the policy, error checks and impossible quorums', async () => {
    const stranger = await service.open({ ...detach, requesterId: 'USAM' });
    expect(stranger.ok ? 'ok' : stranger.code).toBe('not_requester_allowed');
    const failing = await service.open({
      ...detach,
      checks: [{ code: 'zone', level: 'error', message: 'wrong zone' }],
    });
    expect(failing.ok ? 'ok' : failing.code).toBe('checks_failed');
    const empty = await service.open({ ...detach, plan: [] });
    expect(empty.ok ? 'ok' : empty.code).toBe('invalid_input');
    expect(await redis.exists(store.keys.allIndex)).toBe(0);
  });

  it('raises the attach quorum for --allow-single-node-fs', async () => {
    const r = value(await service.open({ ...attach, allowSingleNodeFs: true }));
    expect(r.quorum).toBe(2);
  });

  it('emergency failover by on-call: approved at once (quorum 0), submitted once, marked for review', async () => {
    const r = value(
      await service.open({ ...attach, kind: 'failover', requesterId: 'UOLGA', emergency: true }),
    );
    expect(r).toMatchObject({ state: 'approved', quorum: 0, emergency: true, review: 'required' });
    expect(submissions).toEqual([r.id]);
    expect(executor.isWaiting(r.id)).toBe(true);
    expect(events).toEqual(['created:→pending:UOLGA', 'approved:pending→approved:UOLGA']);
    const notOnCall = await service.open({
      ...attach,
      kind: 'failover',
      requesterId: 'UREQ',
      emergency: true,
    });
    expect(notOnCall.ok ? 'ok' : notOnCall.code).toBe('emergency_not_allowed');
    const notFailover = await service.open({ ...attach, requesterId: 'UOLGA', emergency: true });
    expect(notFailover.ok ? 'ok' : notFailover.code).toBe('emergency_not_allowed');
  });

  it('draws a new id when the first one is taken', async () => {
    const ids = ['R-SAME000000', 'R-SAME000000', 'R-OTHER00000'];
    const s = new ApprovalService({
      store,
      policy: policy(),
      groups: async (id) => GROUPS[id] ?? [],
      clock: { now: () => now },
      executor,
      newId: () => ids.shift() ?? 'R-LAST000000',
    });
    expect(value(await s.open(detach)).id).toBe('R-SAME000000');
    expect(value(await s.open(detach)).id).toBe('R-OTHER00000');
  });
});

describe('approve', () => {
  it('counts each approver once and hands the request to the executor exactly at quorum', async () => {
    const r = value(await service.open(detach));
    const first = value(await service.approve(r.id, 'USAM', { planHash: r.planHash }));
    expect(first).toMatchObject({ approvals: 1, quorum: 2, transitioned: false });
    expect(submissions).toEqual([]);
    const again = await service.approve(r.id, 'USAM');
    expect(again.ok ? 'ok' : [again.code, again.message]).toEqual([
      'already_approved_by_you',
      `You already approved request ${r.id} at 2025-11-25T09:00:00.000Z.`,
    ]);
    now += 5000;
    const second = value(await service.approve(r.id, 'USUE'));
    expect(second).toMatchObject({ approvals: 2, quorum: 2, transitioned: true });
    expect(second.request.state).toBe('approved');
    expect(submissions).toEqual([r.id]);
    expect(events).toEqual([
      'created:→pending:UREQ',
      'approval:pending→pending:USAM',
      'approved:pending→approved:USUE',
    ]);
  });

  it('refuses self-approval even when the requester is a listed approver; the request stays pending', async () => {
    const r = value(await service.open(detach));
    const self = await service.approve(r.id, 'UREQ');
    expect(self.ok ? 'ok' : self.code).toBe('self_approval');
    expect((await service.get(r.id))?.state).toBe('pending');
    expect((await service.get(r.id))?.approvals).toEqual([]);
  });

  it('refuses non-approvers (membership checked at click time) and unknown ids', async () => {
    const r = value(await service.open(detach));
    const outsider = await service.approve(r.id, 'UOTHER');
    expect(outsider.ok ? 'ok' : outsider.code).toBe('not_approver');
    const missing = await service.approve('R-NOPE000000', 'USAM');
    expect(missing.ok ? 'ok' : missing.code).toBe('not_found');
  });

  it('binds the approval to the plan hash: a stale card or a changed plan is refused', async () => {
    const r = value(await service.open(detach));
    const stale = await service.approve(r.id, 'USAM', { planHash: 'an-old-hash' });
    expect(stale.ok ? 'ok' : stale.code).toBe('plan_changed');
    // The stored plan is edited behind the store's back: the recomputed hash no longer matches.
    const body = JSON.parse((await redis.hget(store.keys.request(r.id), 'body')) ?? '{}');
    body.plan[0].params.InstanceId = 'i-evil';
    await redis.hset(store.keys.request(r.id), 'body', JSON.stringify(body));
    const tampered = await service.approve(r.id, 'USAM');
    expect(tampered.ok ? 'ok' : tampered.code).toBe('plan_changed');
    expect((await service.get(r.id))?.approvals).toEqual([]);
  });

  it('replaying an old click on a finished request says who finished it and when, and changes nothing', async () => {
    const r = value(await service.open(attach));
    now += 60_000;
    value(await service.approve(r.id, 'USAM'));
    const auditBefore = await redis.xlen(audit.keys.audit);
    const hashBefore = await redis.hgetall(store.keys.request(r.id));
    now += 60_000;
    const replay = await service.approve(r.id, 'USUE', { planHash: r.planHash });
    expect(replay.ok).toBe(false);
    if (!replay.ok) {
      expect(replay.code).toBe('already_finished');
      expect(replay.message).toBe(
        `Request ${r.id} was already approved by <@USAM> at 2025-11-25T09:01:00.000Z.`,
      );
      expect(replay.finished).toEqual({ state: 'approved', by: 'USAM', at: T0 + 60_000 });
    }
    const rejectLate = await service.reject(r.id, 'USUE', 'too late');
    expect(rejectLate.ok ? 'ok' : rejectLate.code).toBe('already_finished');
    expect(await redis.hgetall(store.keys.request(r.id))).toEqual(hashBefore);
    expect(await redis.xlen(audit.keys.audit)).toBe(auditBefore);
    expect(submissions).toEqual([r.id]);
  });
});

describe('reject and cancel', () => {
  it('any approver’s reject ends the request; later clicks learn who rejected it', async () => {
    const r = value(await service.open(detach));
    value(await service.approve(r.id, 'USAM'));
    const rejected = value(await service.reject(r.id, 'USUE', '  wrong disk  '));
    expect(rejected).toMatchObject({
      state: 'rejected',
      rejection: { userId: 'USUE', reason: 'wrong disk' },
    });
    const late = await service.approve(r.id, 'UTOM');
    expect(late.ok ? 'ok' : late.message).toBe(
      `Request ${r.id} was already rejected by <@USUE> at 2025-11-25T09:00:00.000Z.`,
    );
    const noReason = await service.reject(r.id, 'USUE', '   ');
    expect(noReason.ok ? 'ok' : noReason.code).toBe('invalid_input');
    const outsider = await service.reject(value(await service.open(detach)).id, 'UOTHER', 'no');
    expect(outsider.ok ? 'ok' : outsider.code).toBe('not_approver');
  });

  it('only the requester can cancel, and only while pending', async () => {
    const r = value(await service.open(detach));
    const notYours = await service.cancel(r.id, 'USAM');
    expect(notYours.ok ? 'ok' : [notYours.code, notYours.message]).toEqual([
      'not_your_request',
      `Only <@UREQ> can cancel request ${r.id}.`,
    ]);
    expect((await service.get(r.id))?.state).toBe('pending');
    expect(value(await service.cancel(r.id, 'UREQ')).state).toBe('cancelled');
    const twice = await service.cancel(r.id, 'UREQ');
    expect(twice.ok ? 'ok' : twice.message).toMatch(/already cancelled by <@UREQ>/);
    expect((await service.cancel('R-NOPE000000', 'UREQ')).ok).toBe(false);
  });
});

describe('untrusted ids', () => {
  it('treats a malformed id (e.g. from a forged button value) as not found', async () => {
    for (const id of ['', 'R-{wf}:x', 'R-abc', '../../etc']) {
      const approve = await service.approve(id, 'USAM');
      expect(approve.ok ? 'ok' : approve.code).toBe('not_found');
      const cancel = await service.cancel(id, 'UREQ');
      expect(cancel.ok ? 'ok' : cancel.code).toBe('not_found');
      const card = await service.attachCard(id, { channelId: 'C1', ts: '1.1' });
      expect(card.ok ? 'ok' : card.code).toBe('not_found');
      expect(await service.get(id)).toBeUndefined();
    }
  });
});
