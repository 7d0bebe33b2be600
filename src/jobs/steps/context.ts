import type { AssistantTiming } from '../../cloud/assistant.js';
import type { EcsGateway, ReadGateway } from '../../cloud/gateway.js';
import {
  GUARD_CHANGED,
  type GuardAuditRecord,
  type GuardChange,
  type WorldSnapshot,
} from '../../cloud/preflight/index.js';
import type { FreezeSwitch } from '../../workflow/freeze.js';
import type { Policy } from '../../workflow/policy.js';
import type { Clock } from '../../workflow/ports.js';
import type { Check, DiskRequest, RequestKind } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import type { DiskWatcher } from '../disk-watcher.js';
import type { ExecutionResult, StepReport } from '../ports.js';

/**
 * Step cursor values (the request's `stepCursor`, advanced compare-and-set by `recordStep`):
 * 0 nothing done; CHECKED preflight passed under the locks (every mutation still follows its own
 * moment's re-check, on resume too); ISSUED every mutation was sent. A resumed request
 * re-reads the disk and sends only what is still missing; every call is idempotent.
 */
export const CURSOR = { START: 0, CHECKED: 1, ISSUED: 2 } as const;

/** What a moment's re-check decided: go on with its gateway and facts, or stop with the change. */
export type MomentCheck =
  | {
      readonly ok: true;
      readonly gateway: EcsGateway;
      readonly world: WorldSnapshot;
      readonly checks: readonly Check[];
    }
  | {
      readonly ok: false;
      readonly change: GuardChange;
      readonly world: WorldSnapshot;
      readonly checks: readonly Check[];
    };

export interface MomentOptions {
  /**
   * Checks the plan expects at this moment, which are not a change: what this request's own earlier
   * calls explain (a failover's old primary detached by its fencing), what its card announced.
   */
  readonly expected?: (check: Check, world: WorldSnapshot) => boolean;
}

export interface StepContext<K extends RequestKind> {
  readonly request: DiskRequest;
  readonly params: ParamsOf[K];
  readonly world: WorldSnapshot;
  readonly cursor: number;
  /** Reads only: a mutation needs the gateway of a `recheck`. */
  readonly gateway: ReadGateway;
  /**
   * The data-safety re-check of one moment, right before its mutations (`moment` names the call):
   * fresh facts, guests included, every rule of the kind, judged against the card. The only way
   * to a gateway that mutates, valid until the next moment opens. A change is already reported
   * and audited when this returns it; the step stops before the call with `guard_changed`.
   */
  recheck(moment: string, options?: MomentOptions): Promise<MomentCheck>;
  readonly watcher: DiskWatcher;
  /** The change freeze (the unfreeze step lifts it). */
  readonly freeze: FreezeSwitch;
  readonly clock: Clock;
  /** The policy in force (bounds a step waits within, such as `actions.resize.offlineWait`). */
  readonly policy: Policy;
  readonly waitTimeoutMs: number;
  readonly mutationConcurrency: number;
  /** The policy's fencing mode: `reservation` registers NVMe keys on every attach. */
  readonly fencingMode: 'reservation' | 'detach';
  /** Cloud Assistant Timeout of the bot's scripts, and how their results are polled. */
  readonly assistantTimeoutSec: number;
  readonly assistantTiming: AssistantTiming;
  /**
   * When set, how often every step polls a slow change it waits for (a snapshot, a deletion,
   * instances starting) instead of its own interval: tests against a fast emulator.
   */
  readonly changePollMs?: number;
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

/**
 * The result of a request stopped by a moment's re-check before anything was changed; `where` says
 * what did not happen (`Stopped before the format; nothing was formatted.`).
 */
export function stoppedBy(change: GuardChange, where?: string): ExecutionResult {
  const message = where ? `${where} ${change.message}` : change.message;
  return { state: 'failed', outcome: { code: GUARD_CHANGED, message }, attachments: [], failures: [] };
}
