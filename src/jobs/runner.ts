import { type AssistantTiming, DEFAULT_ASSISTANT_TIMING } from '../cloud/assistant.js';
import type { EcsGateway } from '../cloud/gateway.js';
import {
  audit,
  GUARD_CHANGED,
  type GuardAuditRecord,
  type GuardChange,
  guardChecks,
  type LoadWorldOptions,
  recheck,
  type SafetyReading,
} from '../cloud/preflight/index.js';
import { CodedError } from '../errors.js';
import { evaluatePreflight, executionOf, facts } from '../kinds/registry.js';
import type { LockResource, RedisLocks } from '../store/locks.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { type FreezeSwitch, freezeRefusal } from '../workflow/freeze.js';
import type { Clock } from '../workflow/ports.js';
import type { DiskRequest, RequestKind } from '../workflow/request.js';
import { type ParamsOf, readParams } from '../workflow/request-params.js';
import type { DiskWatcher } from './disk-watcher.js';
import { Lease } from './lease.js';
import type {
  ExecutionLogger,
  ExecutionReporter,
  ExecutionResult,
  GuardAuditLog,
  StepReport,
} from './ports.js';
import { recheckDetail } from './recheck-report.js';
import { momentGateway, onInvocation, readOnly } from './steps/guarded-gateway.js';
import { CURSOR, type StepContext, type StepRunner } from './steps/index.js';

export interface RunnerOptions {
  /** Recorded as the actor of every transition. */
  readonly actor: string;
  readonly lockTtlMs: number;
  /** How long a request waits for a disk another request holds before it fails with `locked`. */
  readonly lockWaitMs: number;
  readonly lockRetryMs: number;
  /** How long one attach/detach/create may take to show up in DescribeDisks. */
  readonly waitTimeoutMs: number;
  readonly mutationConcurrency: number;
  readonly multiAttachZones?: readonly string[];
  readonly fencingMode: 'reservation' | 'detach';
  /** Cloud Assistant Timeout of inspect and the reservation scripts; a hung guest costs this long. */
  readonly assistantTimeoutSec: number;
  readonly assistantTiming?: AssistantTiming;
  /** Overrides every step's poll of a slow change (snapshot, deletion, instances starting); tests. */
  readonly changePollMs?: number;
}

export interface RunnerDeps {
  readonly gateway: EcsGateway;
  readonly service: ApprovalService;
  readonly reporter: ExecutionReporter;
  readonly locks: RedisLocks;
  readonly watcher: DiskWatcher;
  readonly clock: Clock;
  readonly logger: ExecutionLogger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly options: RunnerOptions;
  /** Where data-safety decisions are written (the audit stream); absent = logged only. */
  readonly audit?: GuardAuditLog;
  readonly freeze: FreezeSwitch;
}

type Params = ParamsOf[RequestKind];

/**
 * Runs one approved request to a terminal state, or resumes one a dead worker left `running`.
 * Order: start (or detect resume) → locks → preflight again (fresh runs only; every mutation
 * after that follows its own moment's re-check) → the kind's steps → finish → release. Expected
 * outcomes end the request (`guard_changed`, `locked`,
 * cloud refusals); infrastructure failures throw so the queue retries, and the retry resumes.
 */
export class RequestRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** `final`: no retry follows, so an infrastructure failure must end the request here. */
  async run(requestId: string, attempt: { final: boolean }): Promise<void> {
    try {
      await this.execute(requestId);
    } catch (error) {
      // A worker that lost the request to another one must not end it: the other one is running it.
      const takenOver =
        error instanceof CodedError && (error.code === 'lease_lost' || error.code === 'step_conflict');
      if (!attempt.final || takenOver) throw error;
      this.deps.logger.error({ err: error, requestId }, 'execution_gave_up');
      const request = await this.deps.service.get(requestId);
      if (request?.state === 'running') {
        const message = `Execution stopped after repeated infrastructure errors: ${(error as Error).message}`;
        await this.end(request, {
          state: 'failed',
          outcome: { code: 'execution_error', message },
          attachments: [],
          failures: [],
        });
      }
    }
  }

  private async execute(requestId: string): Promise<void> {
    const { service, logger, options, freeze } = this.deps;
    const stored = await service.get(requestId);
    if (!stored) return logger.warn({ requestId }, 'execution_unknown_request');
    let request = stored;
    let resumed = stored.state === 'running';
    if (stored.state === 'approved') {
      const started = await service.start(requestId, options.actor, { planHash: stored.planHash });
      if (started.ok) request = started.value;
      else {
        // Another delivery of the same job got there first: continue only if it is still running.
        const now = await service.get(requestId);
        if (now?.state !== 'running') return;
        request = now;
        resumed = true;
      }
    }
    if (request.state !== 'running') return; // already finished: a duplicate delivery
    const frozen = !resumed && freezeRefusal(service.policy, request.kind, await freeze.current());
    if (frozen) return this.end(request, failed('frozen', frozen)); // the fresh start is this worker's alone
    if (resumed)
      await this.report(request, {
        label: 'Resumed after an interrupted attempt',
        status: 'ok',
        detail: `at step ${request.stepCursor}`,
        durationMs: 0,
      });
    else await this.safely(() => this.deps.reporter.started(request));

    const params = readParams(request.kind, request.params);
    if (!params)
      return this.end(
        request,
        failed('invalid_params', 'The stored parameters do not fit the request kind.'),
      );
    // The kind's own steps and locks (src/kinds/<kind>/execution.ts).
    const kind = executionOf(request.kind);
    const runner = kind.steps;
    const resources = kind.locks(params);
    const lease = await this.lock(request, resources);
    if (!lease) return;
    const deferred: (() => Promise<void>)[] = [];
    try {
      await this.runSteps(request, params, runner, lease, deferred);
    } finally {
      await lease.release();
    }
    // After the result and the unlock: a hung guest's follow-up never delays either.
    await Promise.all(deferred.map((task) => this.safely(task)));
  }

  private async runSteps(
    request: DiskRequest,
    params: Params,
    runner: StepRunner<RequestKind>,
    lease: Lease,
    deferred: (() => Promise<void>)[],
  ): Promise<void> {
    const { gateway, options, clock } = this.deps;
    let cursor = request.stepCursor;
    const checkedAt = clock.now();
    const reads = readOnly(gateway);
    const factOptions: LoadWorldOptions = {
      ...(options.multiAttachZones ? { multiAttachZones: options.multiAttachZones } : {}),
      guests: {
        timeoutSec: options.assistantTimeoutSec,
        timing: options.assistantTiming ?? DEFAULT_ASSISTANT_TIMING,
      },
    };
    // Fresh facts under the locks, also the first moment's: the first mutation costs no second read.
    let primed: SafetyReading | undefined = await facts(reads, request.kind, params, 'start', factOptions);
    const world = primed.world;
    if (cursor === CURSOR.START) {
      const change = recheck(request.checks, primed);
      if (change) {
        const stop = await this.changed(request, params, primed, change);
        return this.end(request, {
          ...stop,
          outcome: { ...stop.outcome, message: `Nothing was changed. ${change.message}` },
        });
      }
      await this.auditOverrides(request, params, primed);
      lease.assertHeld();
      const checks = primed.checks;
      cursor = await this.advance(request, cursor, CURSOR.CHECKED, { checks: checks.map((c) => c.code) });
      await this.report(request, {
        label: 'Preflight re-checked',
        status: 'ok',
        detail: recheckDetail(request.checks, checks),
        durationMs: clock.now() - checkedAt,
      });
    }
    let moments = 0;
    const ctx: StepContext<RequestKind> = {
      request,
      params,
      world,
      cursor,
      // A step that asks the guests before its first moment (the OCFS2 leave inspects and probes
      // them) lets seconds pass since the primed facts: that moment reads its own.
      gateway: onInvocation(reads, () => {
        primed = undefined;
      }),
      recheck: async (moment, momentOptions = {}) => {
        const mine = ++moments;
        // The primed facts serve the first moment, judged as that moment (a rule needing facts
        // only that moment reads finds them missing and fails closed).
        const reading = primed
          ? { ...primed, checks: evaluatePreflight(request.kind, params, primed.world, moment) }
          : await facts(reads, request.kind, params, moment, factOptions);
        primed = undefined;
        lease.assertHeld();
        const change = recheck(request.checks, { ...reading, moment }, momentOptions.expected);
        if (change) {
          await this.changed(request, params, { ...reading, moment }, change);
          return { ok: false, change, world: reading.world, checks: reading.checks };
        }
        const current = () => moments === mine;
        return {
          ok: true,
          gateway: momentGateway(gateway, moment, current),
          world: reading.world,
          checks: reading.checks,
        };
      },
      watcher: this.deps.watcher,
      freeze: this.deps.freeze,
      clock,
      policy: this.deps.service.policy,
      waitTimeoutMs: options.waitTimeoutMs,
      mutationConcurrency: options.mutationConcurrency,
      fencingMode: options.fencingMode,
      assistantTimeoutSec: options.assistantTimeoutSec,
      assistantTiming: options.assistantTiming ?? DEFAULT_ASSISTANT_TIMING,
      ...(options.changePollMs === undefined ? {} : { changePollMs: options.changePollMs }),
      assertHeld: () => lease.assertHeld(),
      advance: async (to, details) => {
        if (cursor >= to) return;
        lease.assertHeld();
        cursor = await this.advance(request, cursor, to, details);
      },
      report: (step) => this.report(request, step),
      auditGuard: (record) => this.auditGuard(record),
      defer: (task) => void deferred.push(task),
    };
    const result = await runner(ctx);
    lease.assertHeld();
    await this.end(request, result);
  }

  /** A moment's re-check found a change: audited with its facts, reported, and the result that ends it. */
  private async changed(
    request: DiskRequest,
    params: Params,
    reading: SafetyReading,
    change: GuardChange,
  ): Promise<ExecutionResult> {
    const fs = reading.world.filesystem ? { filesystem: reading.world.filesystem } : {};
    await this.auditGuard(
      audit({
        diskId: 'diskId' in params ? params.diskId : '',
        requestId: request.id,
        moment: 'run',
        call: reading.moment,
        ...fs,
        check: change.after,
        decision: 'changed',
        ...(change.before ? { before: change.before } : {}),
      }),
    );
    await this.report(request, {
      label: `Data-safety re-check before ${reading.moment}`,
      status: 'failed',
      detail: change.after.message,
      durationMs: 0,
    });
    return failed(GUARD_CHANGED, change.message);
  }

  /** Overrides that stand at the start are audited with who asked and who approved. */
  private async auditOverrides(request: DiskRequest, params: Params, reading: SafetyReading): Promise<void> {
    const fs = reading.world.filesystem ? { filesystem: reading.world.filesystem } : {};
    for (const check of guardChecks(reading.checks).filter((c) => c.level === 'danger')) {
      await this.auditGuard(
        audit({
          diskId: 'diskId' in params ? params.diskId : '',
          requestId: request.id,
          moment: 'run',
          ...fs,
          check,
          requesterId: request.requesterId,
          approvers: request.approvals.map((a) => a.userId),
        }),
      );
    }
  }

  private async auditGuard(record: GuardAuditRecord): Promise<void> {
    const { audit, logger, clock, options } = this.deps;
    logger.info({ subject: record.subject, ...record.details }, 'guard_decision');
    if (!audit) return;
    try {
      await audit.record({ ...record, actor: options.actor, at: clock.now() });
    } catch (error) {
      logger.warn({ err: error, subject: record.subject }, 'guard_audit_failed');
    }
  }

  /** Takes the locks, waiting up to `lockWaitMs` while another request holds them. */
  private async lock(request: DiskRequest, resources: readonly LockResource[]): Promise<Lease | undefined> {
    const { locks, clock, options, logger, sleep } = this.deps;
    const deadline = clock.now() + options.lockWaitMs;
    let told = false;
    for (;;) {
      const taken = await locks.acquire(request.id, resources, options.lockTtlMs, clock.now());
      if (taken.ok) return new Lease(locks, request.id, taken.token, resources, options.lockTtlMs, logger);
      const { resource, holder } = taken;
      const what = `${resource.kind} ${resource.id} is held by request ${holder.requestId} (since ${new Date(holder.since).toISOString()})`;
      if (clock.now() >= deadline) {
        await this.end(request, failed('locked', `${what}; try again when it has finished.`));
        return undefined;
      }
      if (!told) {
        told = true;
        await this.report(request, {
          label: 'Waiting for a lock',
          status: 'skipped',
          detail: what,
          durationMs: 0,
        });
      }
      await sleep(options.lockRetryMs);
    }
  }

  private async advance(
    request: DiskRequest,
    from: number,
    to: number,
    details: Record<string, unknown>,
  ): Promise<number> {
    const moved = await this.deps.service.recordStep(request.id, {
      from,
      to,
      actor: this.deps.options.actor,
      details,
    });
    if (!moved.ok) {
      // Another worker moved the cursor: it owns the request now, so this one stops (the queue retries and finds it done).
      throw new CodedError('step_conflict', `Step ${from} → ${to} of ${request.id} refused: ${moved.code}`, {
        retryable: true,
      });
    }
    return to;
  }

  private async end(request: DiskRequest, result: ExecutionResult): Promise<void> {
    const finished = await this.deps.service.finish(
      request.id,
      result.state,
      result.outcome,
      this.deps.options.actor,
    );
    if (!finished.ok) {
      this.deps.logger.warn({ requestId: request.id, code: finished.code }, 'execution_finish_refused');
      return;
    }
    this.deps.logger.info(
      { requestId: request.id, state: result.state, code: result.outcome.code },
      'execution_finished',
    );
    await this.safely(() => this.deps.reporter.finished(finished.value, result));
  }

  private report(request: DiskRequest, step: StepReport): Promise<void> {
    return this.safely(() => this.deps.reporter.step(request, step));
  }

  private async safely(run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'execution_report_failed');
    }
  }
}

function failed(code: string, message: string): ExecutionResult {
  return { state: 'failed', outcome: { code, message }, attachments: [], failures: [] };
}
