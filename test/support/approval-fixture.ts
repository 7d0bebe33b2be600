import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { RedisAuditLog } from '../../src/store/audit.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import {
  ApprovalService,
  type OpenRequestInput,
  type ServiceResult,
} from '../../src/workflow/approval-service.js';
import { GroupDirectory } from '../../src/workflow/approvers.js';
import { PendingExecutor } from '../../src/workflow/executor.js';
import { type Policy, parsePolicy } from '../../src/workflow/policy.js';
import type { TransitionListener } from '../../src/workflow/ports.js';

/** The approval service against real Redis with a fixed policy and group directory, for service-level tests. */
export const T0 = Date.UTC(2025, 10, 25, 9, 0, 0);
export const POLICY = `
requesters: { usergroups: [SENG] }
actions:
  create: { approvers: { usergroups: [SSTORAGE] }, quorum: 1, expiresIn: 24h }
  attach: { approvers: { usergroups: [SSTORAGE] }, quorum: 1, expiresIn: 24h }
  detach: { approvers: { usergroups: [SSTORAGE], users: [UREQ] }, quorum: 2, expiresIn: 1h }
  failover:
    approvers: { usergroups: [SONCALL] }
    quorum: 1
    expiresIn: 15m
    emergency: { requesters: { usergroups: [SONCALL] }, quorum: 0, review: required }
singleNodeFs: { quorum: 2 }
`;
export const GROUPS: Record<string, string[]> = {
  SENG: ['UREQ', 'UOTHER', 'UOLGA'],
  SSTORAGE: ['USAM', 'USUE', 'UTOM'],
  SONCALL: ['UOLGA', 'UPAT'],
};

export function policy(): Policy {
  const parsed = parsePolicy(POLICY);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

export function value<T>(result: ServiceResult<T>): T {
  if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
  return result.value;
}

export const detach: OpenRequestInput = {
  kind: 'detach',
  requesterId: 'UREQ',
  channelId: 'CCMD',
  params: { diskId: 'd-bp1', instanceId: 'i-bp1' },
  plan: [{ action: 'DetachDisk', params: { DiskId: 'd-bp1', InstanceId: 'i-bp1' } }],
  checks: [{ code: 'in_use', level: 'danger', message: 'the instance has I/O on this disk' }],
};
export const attach: OpenRequestInput = {
  ...detach,
  kind: 'attach',
  plan: [{ action: 'AttachDisk', params: { DiskId: 'd-bp1', InstanceId: 'i-bp2' } }],
  checks: [],
};

export interface ApprovalFixture {
  readonly redis: Redis;
  readonly store: RedisRequestStore;
  readonly audit: RedisAuditLog;
  readonly service: ApprovalService;
  readonly executor: PendingExecutor;
  /** Ids handed to the executor, in order. */
  readonly submissions: string[];
  /** `event:from→to:actor` of every notified transition. */
  readonly events: string[];
}

/** A fresh fixture under a unique key prefix; `now` is the test's own clock. */
export function approvalFixture(now: () => number): ApprovalFixture {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `sdb-test:${randomUUID()}:`;
  const store = new RedisRequestStore(redis, { prefix });
  const clock = { now };
  const executor = new PendingExecutor(clock.now);
  const submissions: string[] = [];
  const events: string[] = [];
  const notifier: TransitionListener = {
    async onTransition(e) {
      events.push(`${e.event}:${e.from ?? ''}→${e.to}:${e.actor}`);
    },
  };
  const service = new ApprovalService({
    store,
    policy: policy(),
    groups: new GroupDirectory(async (id) => GROUPS[id] ?? [], clock).memberOf,
    clock,
    executor: {
      async submit(request) {
        submissions.push(request.id);
        await executor.submit(request);
      },
    },
    notifier,
  });
  return {
    redis,
    store,
    audit: new RedisAuditLog(redis, { prefix }),
    service,
    executor,
    submissions,
    events,
  };
}
