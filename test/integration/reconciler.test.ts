import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { ApprovalService } from '../../src/workflow/approval-service.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import { resubmitStuckApproved } from '../../src/workflow/reconciler.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const redis = new Redis(inject('redisUrl'));
afterAll(() => redis.disconnect());

describe('resubmitStuckApproved', () => {
  it('hands a request left approved by a failed hand-over to the executor again, once it is old enough', async () => {
    const policy = parsePolicy('actions: { attach: { approvers: { users: [U0BOB] }, quorum: 1 } }');
    if (!policy.ok) throw new Error(policy.message);
    let now = 1_800_000_000_000;
    const service = new ApprovalService({
      store: new RedisRequestStore(redis, { prefix: `sdb-reconcile:${randomUUID()}:` }),
      policy: policy.value,
      groups: async () => [],
      clock: { now: () => now },
      executor: {
        submit: async () => {
          throw new Error('process died before the hand-over');
        },
      },
    });
    const open = async (disk: string) => {
      const opened = await service.open({
        kind: 'attach',
        requesterId: 'U0ALICE',
        channelId: 'C0X',
        params: { diskId: disk, instanceIds: ['i-a'], allowSingleNodeFs: false, regionId: 'cn-hangzhou' },
        plan: [{ action: 'AttachDisk', params: { DiskId: disk, InstanceId: 'i-a' } }],
      });
      if (!opened.ok) throw new Error(opened.message);
      return opened.value;
    };
    const stuck = await open('d-stuck');
    const pending = await open('d-pending');
    await expect(service.approve(stuck.id, 'U0BOB')).rejects.toThrow('process died');
    expect((await service.get(stuck.id))?.state).toBe('approved');

    const submitted: DiskRequest[] = [];
    const executor = { submit: async (request: DiskRequest) => void submitted.push(request) };
    expect(await resubmitStuckApproved(service, executor, now + 1_000)).toEqual([]);
    now += 120_000;
    expect(await resubmitStuckApproved(service, executor, now)).toEqual([stuck.id]);
    expect(submitted.map((r) => r.id)).toEqual([stuck.id]);
    expect((await service.get(pending.id))?.state).toBe('pending');
  });
});
