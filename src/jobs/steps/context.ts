import type { AssistantTiming } from '../../cloud/assistant.js';
import type { EcsGateway } from '../../cloud/gateway.js';
import type { GuardAuditRecord, WorldSnapshot } from '../../cloud/preflight/index.js';
import type { Clock } from '../../workflow/ports.js';
import type { DiskRequest, RequestKind } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import type { DiskWatcher } from '../disk-watcher.js';
import type { ExecutionResult, StepReport } from '../ports.js';

/**
 * Step cursor values (the request's `stepCursor`, advanced compare-and-set by `recordStep`):
 * 0 nothing done; CHECKED preflight passed under the locks (from here on a changed world is our own
 * doing, so preflight is not judged again); ISSUED every mutation was sent. A resumed request
 * re-reads the disk and sends only what is still missing; every call is idempotent.
 */
export const CURSOR = { START: 0, CHECKED: 1, ISSUED: 2 } as const;

export interface StepContext<K extends RequestKind> {
  readonly request: DiskRequest;
  readonly params: ParamsOf[K];
  readonly world: WorldSnapshot;
  readonly cursor: number;
  readonly gateway: EcsGateway;
  readonly watcher: DiskWatcher;
  readonly clock: Clock;
  readonly waitTimeoutMs: number;
  readonly mutationConcurrency: number;
  /** The policy's fencing mode: `reservation` registers NVMe keys on every attach. */
  readonly fencingMode: 'reservation' | 'detach';
  /** Cloud Assistant Timeout of the bot's scripts, and how their results are polled. */
  readonly assistantTimeoutSec: number;
  readonly assistantTiming: AssistantTiming;
  /** Throws when the lease is lost; call before every mutation. */
  assertHeld(): void;
  /** Moves the cursor forward (no-op when it is already there, e.g. on resume). */
  advance(to: number, details: Record<string, unknown>): Promise<void>;
  report(step: StepReport): Promise<void>;
  /** Writes a data-safety decision to the audit stream (never throws). */
  auditGuard(record: GuardAuditRecord): Promise<void>;
  /**
   * Read-only follow-up work that must neither delay the result nor hold the locks (waiting for a
   * hung guest's answer): run after the request has ended and released its locks; failures are logged.
   */
  defer(task: () => Promise<void>): void;
}

/** Runs one kind of request to its result; registered per kind in `steps/index.ts`. */
export type StepRunner<K extends RequestKind> = (ctx: StepContext<K>) => Promise<ExecutionResult>;
