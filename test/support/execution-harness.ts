import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_ASSISTANT_TIMING } from '../../src/cloud/assistant.js';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import type { Execution, ExecutionOptions } from '../../src/jobs/execution.js';
import { createExecution } from '../../src/jobs/execution.js';
import type { ExecutionReporter, ExecutionResult, StepReport } from '../../src/jobs/ports.js';
import { resizePlan } from '../../src/kinds/resize/domain.js';
import { RedisRequestStore } from '../../src/store/redis-request-store.js';
import { ApprovalService } from '../../src/workflow/approval-service.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import { type Executor, systemClock } from '../../src/workflow/ports.js';
import type { Check, DiskRequest, PlanStep, RequestKind, RequestState } from '../../src/workflow/request.js';
import { type ParamsOf, toJsonParams } from '../../src/workflow/request-params.js';
import { EMULATOR_ASSISTANT_POLLING } from './execution-emulator.js';

const POLICY = `
requesters: { users: [UREQ] }
actions:
  create: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
  attach: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
  detach: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
  failover: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 15m }
  resize: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
  snapshot: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
  delete: { approvers: { users: [UAPP] }, quorum: 1, expiresIn: 24h }
`;

/** Every report, in order, so tests can assert what Slack would have shown. */
export class RecordingReporter implements ExecutionReporter {
  readonly events: (
    | { type: 'started'; requestId: string }
    | { type: 'step'; requestId: string; step: StepReport }
    | { type: 'finished'; requestId: string; result: ExecutionResult }
  )[] = [];

  async started(request: DiskRequest): Promise<void> {
    this.events.push({ type: 'started', requestId: request.id });
  }
  async step(request: DiskRequest, step: StepReport): Promise<void> {
    this.events.push({ type: 'step', requestId: request.id, step });
  }
  async finished(request: DiskRequest, result: ExecutionResult): Promise<void> {
    this.events.push({ type: 'finished', requestId: request.id, result });
  }

  steps(requestId: string): StepReport[] {
    return this.events.flatMap((e) => (e.type === 'step' && e.requestId === requestId ? [e.step] : []));
  }
  result(requestId: string): ExecutionResult | undefined {
    for (const e of this.events) if (e.type === 'finished' && e.requestId === requestId) return e.result;
    return undefined;
  }
}

export function testPolicy() {
  const parsed = parsePolicy(POLICY);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** An ApprovalService on a fresh key prefix whose executor is whatever `executor` points at later. */
export function approvalService(redis: Redis, prefix: string, executor: () => Executor): ApprovalService {
  return new ApprovalService({
    store: new RedisRequestStore(redis, { prefix }),
    policy: testPolicy(),
    groups: async () => [],
    clock: systemClock,
    executor: { submit: (request) => executor().submit(request) },
  });
}

export function planFor<K extends RequestKind>(kind: K, params: ParamsOf[K]): PlanStep[] {
  if (kind === 'create') return [{ action: 'CreateDisk', params: { MultiAttach: 'Enabled' } }];
  if (kind === 'resize') return resizePlan(params as ParamsOf['resize']);
  if (kind === 'failover') {
    const f = params as ParamsOf['failover'];
    return [{ action: 'AttachDisk', params: { DiskId: f.diskId, InstanceId: f.toInstanceId } }];
  }
  if (kind === 'snapshot' || kind === 'delete') {
    const { diskId } = params as ParamsOf['snapshot' | 'delete'];
    return [{ action: kind === 'snapshot' ? 'CreateSnapshot' : 'DeleteDisk', params: { DiskId: diskId } }];
  }
  const p = params as ParamsOf['attach'];
  const action = kind === 'attach' ? 'AttachDisk' : 'DetachDisk';
  return p.instanceIds.map((id) => ({ action, params: { DiskId: p.diskId, InstanceId: id } }));
}

/**
 * Run options for an emulator on QUICK_LATENCY: scripts polled from 40 ms, slow changes (snapshot,
 * deletion, instances starting) every 50 ms, and the harness's short waits for locks and changes.
 */
export const QUICK_RUN = {
  waitTimeoutMs: 10_000,
  lockWaitMs: 2_000,
  lockRetryMs: 100,
  assistantTiming: { ...DEFAULT_ASSISTANT_TIMING, ...EMULATOR_ASSISTANT_POLLING },
  changePollMs: 50,
} as const satisfies ExecutionOptions['run'];

export interface ExecutionHarness {
  readonly prefix: string;
  readonly redis: Redis;
  readonly service: ApprovalService;
  readonly reporter: RecordingReporter;
  readonly execution: Execution;
  /** Opens a request and approves it; by default the approval submits it to the queue. */
  approved<K extends RequestKind>(
    kind: K,
    params: ParamsOf[K],
    /** `checks`: the card's, as filing read them (default none). */
    options?: { submit?: boolean; checks?: readonly Check[] },
  ): Promise<DiskRequest>;
  waitFor(id: string, states?: readonly RequestState[], timeoutMs?: number): Promise<DiskRequest>;
  close(): Promise<void>;
}

export async function executionHarness(
  redisUrl: string,
  gateway: EcsGateway,
  overrides: Partial<ExecutionOptions> = {},
): Promise<ExecutionHarness> {
  const prefix = `sdb-exec:${randomUUID().slice(0, 8)}:`;
  const redis = new Redis(redisUrl);
  const reporter = new RecordingReporter();
  let submitting = true;
  const holder: { execution?: Execution } = {};
  const service = approvalService(redis, prefix, () => ({
    submit: async (request) => {
      if (submitting) await holder.execution?.executor.submit(request);
    },
  }));
  const execution = createExecution({
    connection: redisUrl,
    prefix,
    gateway,
    service,
    reporter,
    pollIntervalMs: 100,
    queue: { lockDurationMs: 5_000, stalledIntervalMs: 2_000 },
    run: { waitTimeoutMs: 10_000, lockWaitMs: 2_000, lockRetryMs: 100 },
    retry: { maxAttempts: 8, baseDelayMs: 20, maxDelayMs: 200 },
    rateBudget: { ratePerSecond: 200, burst: 50 },
    ...overrides,
  });
  holder.execution = execution;
  // Only a worker started in this process reports to `reporter`; requests that replicas in other
  // processes run are never heard of here, so waitFor does not wait for their report.
  let workerHere = false;
  return {
    prefix,
    redis,
    service,
    reporter,
    execution: {
      ...execution,
      start: () => {
        workerHere = true;
        return execution.start();
      },
    },
    async approved(kind, params, options = {}) {
      const opened = await service.open({
        kind,
        requesterId: 'UREQ',
        channelId: 'CTEST',
        params: toJsonParams(params),
        plan: planFor(kind, params),
        ...(options.checks ? { checks: options.checks } : {}),
      });
      if (!opened.ok) throw new Error(`open: ${opened.code} ${opened.message}`);
      submitting = options.submit ?? true;
      const tally = await service.approve(opened.value.id, 'UAPP');
      submitting = true;
      if (!tally.ok) throw new Error(`approve: ${tally.code} ${tally.message}`);
      return tally.value.request;
    },
    async waitFor(id, states = ['succeeded', 'partial', 'failed'], timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const request = await service.get(id);
        if (request && states.includes(request.state)) {
          // The reporter hears of an outcome just after Redis records it: give it a moment, so a
          // test reading the reported result right after this does not race the worker.
          const reportedBy = Date.now() + 2_000;
          while (workerHere && reporter.result(id) === undefined && Date.now() < reportedBy) {
            await new Promise((r) => setTimeout(r, 20));
          }
          return request;
        }
        if (Date.now() > deadline) throw new Error(`${id} is ${request?.state} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await execution.close();
      await redis.quit();
    },
  };
}
