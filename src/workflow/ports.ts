import type { CardRef, DiskRequest, RequestState } from './request.js';
import type { FinishState } from './state-machine.js';

/** Time source; tests inject a fake. Epoch milliseconds. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Why the store refused a transition. Each is one negative code of the Lua scripts
 * (`src/store/codes.ts` is the single mapping); the service turns them into user-facing codes.
 */
export type StoreRefusalCode =
  | 'not_found'
  | 'wrong_state'
  | 'self_approval'
  | 'duplicate_approval'
  | 'expired'
  | 'plan_mismatch'
  | 'not_requester'
  | 'not_expired'
  | 'already_exists'
  | 'step_mismatch'
  | 'card_conflict'
  | 'invalid_target'
  | 'invalid_cursor';

/** A store answer: expected refusals are data, infrastructure failures throw `CodedError`. */
export type StoreResult<T> = { ok: true; value: T } | { ok: false; code: StoreRefusalCode; message: string };

export interface ApprovalTally {
  readonly request: DiskRequest;
  readonly approvals: number;
  readonly quorum: number;
  /** True only for the one call that moved the request `pending → approved`. */
  readonly transitioned: boolean;
}

/** Indexes a page can be read from; all are kept by the transition scripts themselves. */
export type RequestIndex =
  | { readonly by: 'all' } // newest first
  | { readonly by: 'pending' } // soonest expiry first
  | { readonly by: 'requester'; readonly userId: string } // newest first
  | { readonly by: 'finished' }; // most recently finished first

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

/**
 * Port: durable, atomic request transitions. Every method that changes a request is one atomic
 * step (one Lua script in the Redis adapter) that checks the state it starts from, so concurrent
 * callers cannot both succeed, and appends one audit entry.
 * @throws CodedError (`store_unavailable`, `store_corrupt`) on infrastructure failure only.
 */
export interface RequestStore {
  /** Stores a new request as `pending`, or directly as `approved` when its quorum is 0. */
  create(request: DiskRequest, at: number): Promise<StoreResult<DiskRequest>>;
  /** Records the approval card's coordinates; idempotent for the same card, `card_conflict` otherwise. */
  attachCard(id: string, card: CardRef, at: number): Promise<StoreResult<DiskRequest>>;
  approve(
    id: string,
    input: { userId: string; at: number; planHash: string },
  ): Promise<StoreResult<ApprovalTally>>;
  reject(
    id: string,
    input: { userId: string; at: number; reason: string },
  ): Promise<StoreResult<DiskRequest>>;
  cancel(id: string, input: { userId: string; at: number }): Promise<StoreResult<DiskRequest>>;
  /** Only a `pending` request whose `expiresAt` is ≤ `at`. */
  expire(id: string, input: { at: number }): Promise<StoreResult<DiskRequest>>;
  /** `approved → running`; `planHash`, when given, must still match. */
  start(
    id: string,
    input: { actor: string; at: number; planHash?: string },
  ): Promise<StoreResult<DiskRequest>>;
  /** Moves the step cursor `from → to` while running (compare-and-set). */
  advanceStep(
    id: string,
    input: { from: number; to: number; actor: string; at: number; details?: Record<string, unknown> },
  ): Promise<StoreResult<DiskRequest>>;
  /** `running → succeeded|partial|failed`; the first terminal write wins. */
  finish(
    id: string,
    input: { state: FinishState; outcome: { code: string; message: string }; actor: string; at: number },
  ): Promise<StoreResult<DiskRequest>>;
  get(id: string): Promise<DiskRequest | undefined>;
  /** `invalid_cursor` when the cursor was not produced by this store. */
  page(
    index: RequestIndex,
    options: { cursor?: string; limit: number },
  ): Promise<StoreResult<Page<DiskRequest>>>;
  /** Ids of pending requests whose expiry is ≤ `at`, soonest first. */
  dueForExpiry(at: number, limit: number): Promise<string[]>;
}

export type TransitionEventName =
  | 'created'
  | 'card'
  | 'approval'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'started'
  | 'step'
  | 'finished';

/** Audit entries that record something other than a state change (`from` and `to` are empty). */
export type AuditOnlyEventName =
  | 'mount_alert'
  | 'guard'
  | 'review_opened'
  | 'review_acknowledged'
  | 'watch_incident_opened'
  | 'watch_incident_resolved'
  | 'watch_attachment_changed';

/** One audit stream entry, as written by the transition scripts and the alert/review scripts. */
export interface AuditEntry {
  /** Redis stream id (server time based), for paging. */
  readonly id: string;
  readonly event: TransitionEventName | AuditOnlyEventName;
  readonly requestId: string;
  readonly actor: string;
  readonly at: number;
  readonly from: RequestState | '';
  readonly to: RequestState | '';
  readonly details: Record<string, unknown>;
}

/** Port: reads the audit trail (App Home, tests, `/disk audit`). */
export interface AuditReader {
  recent(limit: number): Promise<AuditEntry[]>;
  forRequest(requestId: string, options?: { scanLimit?: number }): Promise<AuditEntry[]>;
}

/**
 * Port: told after every recorded transition, with the request as stored afterwards. The Slack
 * layer implements it to update the card in place and post the one-line audit message. Failures
 * are reported to `onError` and never undo or fail the transition.
 */
export interface TransitionListener {
  onTransition(event: {
    readonly event: TransitionEventName;
    readonly from: RequestState | undefined;
    readonly to: RequestState;
    readonly actor: string;
    readonly at: number;
    readonly request: DiskRequest;
  }): Promise<void>;
}

/**
 * Port: runs an approved request (implemented by the execution issue, e.g. a BullMQ queue with
 * `jobId = request.id`). Called once, by the caller whose transition reached quorum.
 * @throws CodedError when the request could not be handed over; it then stays `approved`.
 */
export interface Executor {
  submit(request: DiskRequest): Promise<void>;
}
