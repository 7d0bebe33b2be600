import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { ApprovalService } from '../../src/workflow/approval-service.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const T0 = Date.UTC(2025, 10, 25, 9, 0, 0);
const APPROVERS = Array.from({ length: 50 }, (_, i) => `UAPP${String(i).padStart(2, '0')}`);
const REPLICAS = 5;

let connections: Redis[] = [];
let prefix: string;

/** `REPLICAS` services, each with its own connection, as separate bot replicas would have. */
function replicas(quorum: number, submitted: string[]): ApprovalService[] {
  const parsed = parsePolicy(
    `actions: { attach: { approvers: { usergroups: [SSTORAGE] }, quorum: ${quorum} } }`,
  );
  if (!parsed.ok) throw new Error(parsed.message);
  return Array.from({ length: REPLICAS }, () => {
    const redis = new Redis(inject('redisUrl'));
    connections.push(redis);
    return new ApprovalService({
      store: new RedisRequestStore(redis, { prefix }),
      policy: parsed.value,
      groups: async (id) => (id === 'SSTORAGE' ? APPROVERS : []),
      clock: { now: () => T0 + 1000 },
      executor: {
        async submit(request: DiskRequest) {
          submitted.push(request.id);
        },
      },
    });
  });
}

async function openOne(service: ApprovalService): Promise<DiskRequest> {
  const opened = await service.open({
    kind: 'attach',
    requesterId: 'UREQ',
    channelId: 'CCMD',
    params: { diskId: 'd-1', instanceId: 'i-2' },
    plan: [{ action: 'AttachDisk', params: { DiskId: 'd-1', InstanceId: 'i-2' } }],
  });
  if (!opened.ok) throw new Error(opened.message);
  return opened.value;
}

beforeEach(() => {
  prefix = `sdb-test:${randomUUID()}:`;
});

afterEach(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  connections = [];
});

describe('concurrent approvals', () => {
  it('50 approvers clicking at once on quorum 1: exactly one approval, one submit, one pending→approved', async () => {
    const submitted: string[] = [];
    const services = replicas(1, submitted);
    const r = await openOne(services[0] as ApprovalService);

    const results = await Promise.all(
      APPROVERS.map((user, i) =>
        (services[i % REPLICAS] as ApprovalService).approve(r.id, user, { planHash: r.planHash }),
      ),
    );

    const winners = results.filter((x) => x.ok && x.value.transitioned);
    expect(winners).toHaveLength(1);
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const losers = results.filter((x) => !x.ok);
    expect(losers).toHaveLength(49);
    expect(losers.every((x) => !x.ok && x.code === 'already_finished')).toBe(true);
    expect(submitted).toEqual([r.id]);

    const stored = await (services[1] as ApprovalService).get(r.id);
    expect(stored?.state).toBe('approved');
    expect(stored?.approvals).toHaveLength(1);
    const log = new RedisAuditLog(connections[0] as Redis, { prefix });
    const entries = await log.forRequest(r.id);
    expect(entries.filter((e) => e.from === 'pending' && e.to === 'approved')).toHaveLength(1);
    expect(entries.filter((e) => e.event === 'approval')).toHaveLength(0);
  });

  it('quorum 2 with two approvers at once: approved exactly once (repeated 25 times)', async () => {
    const submitted: string[] = [];
    const services = replicas(2, submitted);
    for (let round = 0; round < 25; round++) {
      const r = await openOne(services[0] as ApprovalService);
      const [a, b] = await Promise.all([
        (services[1] as ApprovalService).approve(r.id, 'UAPP01'),
        (services[2] as ApprovalService).approve(r.id, 'UAPP02'),
      ]);
      expect(a.ok && b.ok).toBe(true);
      const transitions = [a, b].filter((x) => x.ok && x.value.transitioned);
      expect(transitions).toHaveLength(1);
      expect((await (services[3] as ApprovalService).get(r.id))?.approvals).toHaveLength(2);
    }
    expect(submitted).toHaveLength(25);
    expect(new Set(submitted).size).toBe(25);
  });

  it('the same approver double-clicking on two replicas is counted once', async () => {
    const submitted: string[] = [];
    const services = replicas(2, submitted);
    const r = await openOne(services[0] as ApprovalService);
    const clicks = await Promise.all(services.map((s) => s.approve(r.id, 'UAPP07')));
    expect(clicks.filter((x) => x.ok)).toHaveLength(1);
    expect(clicks.filter((x) => !x.ok && x.code === 'already_approved_by_you')).toHaveLength(REPLICAS - 1);
    const stored = await (services[0] as ApprovalService).get(r.id);
    expect(stored).toMatchObject({ state: 'pending', approvals: [{ userId: 'UAPP07' }] });
    expect(submitted).toEqual([]);
  });

  it('approve racing reject: exactly one of them wins', async () => {
    const submitted: string[] = [];
    const services = replicas(1, submitted);
    for (let round = 0; round < 10; round++) {
      const r = await openOne(services[0] as ApprovalService);
      const [approve, reject] = await Promise.all([
        (services[1] as ApprovalService).approve(r.id, 'UAPP01'),
        (services[2] as ApprovalService).reject(r.id, 'UAPP02', 'no'),
      ]);
      expect([approve.ok, reject.ok].filter(Boolean)).toHaveLength(1);
      const state = (await (services[0] as ApprovalService).get(r.id))?.state;
      expect(state).toBe(approve.ok ? 'approved' : 'rejected');
    }
  });
});
