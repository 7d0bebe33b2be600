import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { SCRIPTS } from '../../src/store/scripts.js';
import { ApprovalService } from '../../src/workflow/approval-service.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import { type RedisServerHandle, startRedisServer } from '../support/redis-server.js';

const T0 = Date.UTC(2025, 10, 25, 9, 0, 0);
const PREFIX = 'sdb-restart:';

let server: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('a Redis restart between two transitions', () => {
  it('loses nothing: the second approval lands on the stored first one, with the full audit trail', async () => {
    const policy = parsePolicy('actions: { detach: { approvers: { users: [UAA, UBB] }, quorum: 2 } }');
    if (!policy.ok) throw new Error(policy.message);
    const submitted: string[] = [];
    let now = T0;
    const service = new ApprovalService({
      store: new RedisRequestStore(redis, { prefix: PREFIX }),
      policy: policy.value,
      groups: async () => [],
      clock: { now: () => now },
      executor: { submit: async (r) => void submitted.push(r.id) },
    });
    const opened = await service.open({
      kind: 'detach',
      requesterId: 'UREQ',
      channelId: 'CCMD',
      params: { diskId: 'd-1' },
      plan: [{ action: 'DetachDisk', params: { DiskId: 'd-1', InstanceId: 'i-1' } }],
    });
    if (!opened.ok) throw new Error(opened.message);
    const id = opened.value.id;
    expect((await service.attachCard(id, { channelId: 'CAPPR', ts: '1.000100' })).ok).toBe(true);
    now += 1000;
    expect((await service.approve(id, 'UAA')).ok).toBe(true);

    const sha = createHash('sha1').update(SCRIPTS.approveRequest.lua).digest('hex');
    expect(await redis.script('EXISTS', sha)).toEqual([1]);

    await server.restart({ keepData: true });
    // A new process: the script cache is empty, so the registered command falls back to EVAL.
    expect(await redis.script('EXISTS', sha)).toEqual([0]);

    now += 1000;
    const second = await service.approve(id, 'UBB');
    expect(second.ok && second.value.transitioned).toBe(true);
    const stored = await service.get(id);
    expect(stored).toMatchObject({
      state: 'approved',
      card: { channelId: 'CAPPR', ts: '1.000100' },
      approvals: [
        { userId: 'UAA', at: T0 + 1000 },
        { userId: 'UBB', at: T0 + 2000 },
      ],
    });
    expect(submitted).toEqual([id]);
    const trail = await new RedisAuditLog(redis, { prefix: PREFIX }).forRequest(id);
    expect(trail.map((e) => e.event)).toEqual(['created', 'card', 'approval', 'approved']);
    const listed = await service.list({ filter: 'all', userId: 'UREQ' });
    expect(listed.ok && listed.value.items.map((r) => r.id)).toEqual([id]);
  });
});
