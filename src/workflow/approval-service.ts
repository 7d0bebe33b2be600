import { CodedError } from '../errors.js';
import { domainOf } from '../kinds/domain-registry.js';
import { policyForAccount } from './account-policy.js';
import {
  hasApprovers,
  isApprover,
  isEmergencyRequester,
  isRequester,
  type MemberOf,
  requiredQuorum,
} from './approvers.js';
import { planHash } from './plan.js';
import type { Policy } from './policy.js';
import type {
  ApprovalTally,
  Clock,
  Executor,
  Page,
  RequestStore,
  StoreResult,
  TransitionEventName,
  TransitionListener,
} from './ports.js';
import { finishedRefusal, iso, type Refusal, refuse, type ServiceResult } from './refusals.js';
import {
  type CardRef,
  type Check,
  type DiskRequest,
  isRequestId,
  newRequestId,
  type PlanStep,
  type RequestKind,
  type RequestOrigin,
  type RequestParams,
  type RequestState,
} from './request.js';
import { type ListFilter, RequestQueries } from './request-queries.js';
import type { FinishState } from './state-machine.js';

export type { ApprovalCode, FinishedBy, Refusal, ServiceResult } from './refusals.js';
export { finishedRefusal } from './refusals.js';
export type { ListFilter } from './request-queries.js';

export interface OpenRequestInput {
  readonly kind: RequestKind;
  readonly requesterId: string;
  readonly channelId: string;
  readonly params: RequestParams;
  readonly plan: readonly PlanStep[];
  readonly checks?: readonly Check[];
  readonly allowSingleNodeFs?: boolean;
  /** `detach --force`: the quorum rises to `detachMounted.quorum`. */
  readonly force?: boolean;
  readonly emergency?: boolean;
  /** Set when a Workflow Builder step files the request; the card says so. */
  readonly origin?: RequestOrigin;
  /** Policy `accounts` alias the request acts in; absent without accounts. */
  readonly account?: string;
}

export interface ApprovalServiceDeps {
  readonly store: RequestStore;
  readonly policy: Policy;
  /** Group membership port, normally a `GroupDirectory` (≤ 60 s cache) over `usergroups.users.list`. */
  readonly groups: MemberOf;
  readonly clock: Clock;
  readonly executor: Executor;
  /** Card updates and audit-channel posts; its failures never fail a transition. */
  readonly notifier?: TransitionListener;
  readonly onError?: (error: unknown, context: { requestId: string; event: string }) => void;
  readonly newId?: (nowMs: number) => string;
}

/**
 * The approval workflow (design.md §3): opening requests, clicks, expiry, listing. Guards run in
 * a fixed order — authorized → exists → state allows → side effect → record — where "state
 * allows", the side effect and the record are one atomic store transition. Expected refusals are
 * returned as data; only infrastructure failures throw.
 */
export class ApprovalService {
  private readonly newId: (nowMs: number) => string;
  private readonly queries: RequestQueries;

  constructor(private readonly deps: ApprovalServiceDeps) {
    this.newId = deps.newId ?? ((now) => newRequestId(now));
    this.queries = new RequestQueries(deps);
  }

  get policy(): Policy {
    return this.deps.policy;
  }

  async open(input: OpenRequestInput): Promise<ServiceResult<DiskRequest>> {
    const { groups, clock } = this.deps;
    // The account's approvers, quorum, requesters and expiry where it has its own.
    const policy = policyForAccount(this.deps.policy, input.account);
    const emergency = input.emergency === true;
    if (emergency) {
      if (!domainOf(input.kind).allowsEmergency(policy)) {
        return refuse(
          'emergency_not_allowed',
          'Emergency mode exists only for failover, and the policy does not allow it.',
        );
      }
      if (!(await isEmergencyRequester(policy, input.requesterId, groups))) {
        return refuse('emergency_not_allowed', 'You are not allowed to request an emergency failover.');
      }
    } else if (!(await isRequester(policy, input.requesterId, groups))) {
      return refuse('not_requester_allowed', 'You are not allowed to request disk changes.');
    }
    // Lifting a freeze is the one kind that makes no cloud call.
    if (input.plan.length === 0 && !domainOf(input.kind).liftsFreeze)
      return refuse('invalid_input', 'The request has no plan steps.');
    const checks = input.checks ?? [];
    const errors = checks.filter((c) => c.level === 'error');
    if (errors.length > 0) {
      return refuse('checks_failed', `Checks failed: ${errors.map((c) => c.message).join(' ')}`);
    }
    const quorum = requiredQuorum(policy, input.kind, {
      allowSingleNodeFs: input.allowSingleNodeFs,
      force: input.force,
      emergency,
    });
    if (quorum > 0 && !hasApprovers(policy, input.kind)) {
      return refuse('no_approvers', `The policy names no approvers for ${input.kind} requests.`);
    }

    const now = clock.now();
    const base = {
      kind: input.kind,
      state: 'pending' as const,
      requesterId: input.requesterId,
      channelId: input.channelId,
      params: input.params,
      plan: input.plan,
      checks,
      planHash: planHash(input.plan, input.params),
      quorum,
      approvals: [],
      stepCursor: 0,
      createdAt: now,
      updatedAt: now,
      expiresAt: now + policy.actions[input.kind].expiresIn,
      ...(emergency
        ? { emergency: true, review: policy.actions.failover.emergency?.review ?? 'required' }
        : {}),
      ...(input.origin ? { origin: input.origin } : {}),
      ...(input.account === undefined ? {} : { account: input.account }),
    };
    let created: StoreResult<DiskRequest> | undefined;
    // Ids carry 20 random bits; a collision is refused atomically by the store, so draw again.
    for (let attempt = 0; attempt < 5; attempt++) {
      created = await this.deps.store.create({ ...base, id: this.newId(now) }, now);
      if (created.ok || created.code !== 'already_exists') break;
    }
    if (!created?.ok) {
      throw new CodedError(
        'store_conflict',
        `Could not store a new request: ${created?.message ?? 'no attempt'}`,
      );
    }
    const request = created.value;
    await this.notify('created', undefined, 'pending', input.requesterId, now, request);
    if (request.state === 'approved') {
      await this.notify('approved', 'pending', 'approved', input.requesterId, now, request);
      await this.deps.executor.submit(request);
    }
    return { ok: true, value: request };
  }

  /** Stores the card's coordinates; call right after `chat.postMessage`, before anything slow. */
  async attachCard(id: string, card: CardRef): Promise<ServiceResult<DiskRequest>> {
    if (!isRequestId(id)) return refuse('not_found', `No request ${id}.`);
    const result = await this.deps.store.attachCard(id, card, this.deps.clock.now());
    if (result.ok) return result;
    if (result.code === 'card_conflict') return refuse('card_conflict', 'Another card is already attached.');
    return refuse('not_found', `No request ${id}.`);
  }

  /**
   * One approval click. `planHash` is the hash the card showed (from the button value); it must
   * still match the stored plan. At quorum the request becomes `approved` and is submitted to the
   * executor by this caller only (`transitioned: true`).
   */
  async approve(
    id: string,
    userId: string,
    options: { planHash?: string } = {},
  ): Promise<ServiceResult<ApprovalTally>> {
    const request = await this.get(id);
    if (!request) return refuse('not_found', `No request ${id}.`);
    const policy = policyForAccount(this.deps.policy, request.account);
    if (!(await isApprover(policy, request.kind, userId, this.deps.groups))) {
      return refuse('not_approver', `You are not an approver for ${request.kind} requests.`, { request });
    }
    // Recomputed from what is stored: a plan edited behind the store's back no longer matches.
    const hash = planHash(request.plan, request.params);
    if (options.planHash !== undefined && options.planHash !== hash) {
      return refuse('plan_changed', 'The plan changed since this card was shown; nothing was approved.', {
        request,
      });
    }
    const at = this.deps.clock.now();
    const result = await this.deps.store.approve(id, { userId, at, planHash: hash });
    if (!result.ok) {
      switch (result.code) {
        case 'self_approval':
          return refuse('self_approval', 'You asked for this change, so you cannot approve it.', { request });
        case 'duplicate_approval': {
          const mine = request.approvals.find((a) => a.userId === userId);
          const when = mine ? ` at ${iso(mine.at)}` : '';
          return refuse('already_approved_by_you', `You already approved request ${id}${when}.`, { request });
        }
        case 'plan_mismatch':
          return refuse('plan_changed', 'The plan changed since it was approved; nothing was approved.', {
            request,
          });
        default:
          return this.refusalAfterConflict(id, result.code, at);
      }
    }
    const tally = result.value;
    const event = tally.transitioned ? 'approved' : 'approval';
    await this.notify(event, 'pending', tally.request.state, userId, at, tally.request);
    if (tally.transitioned) await this.deps.executor.submit(tally.request);
    return result;
  }

  /** Any approver's reject ends the request. The reason is stored as given (render it escaped). */
  async reject(id: string, userId: string, reason: string): Promise<ServiceResult<DiskRequest>> {
    const trimmed = reason.trim();
    if (trimmed.length === 0 || trimmed.length > 1000) {
      return refuse('invalid_input', 'Give a reason of 1 to 1000 characters.');
    }
    const request = await this.get(id);
    if (!request) return refuse('not_found', `No request ${id}.`);
    const policy = policyForAccount(this.deps.policy, request.account);
    if (!(await isApprover(policy, request.kind, userId, this.deps.groups))) {
      return refuse('not_approver', `You are not an approver for ${request.kind} requests.`, { request });
    }
    const at = this.deps.clock.now();
    const result = await this.deps.store.reject(id, { userId, at, reason: trimmed });
    if (!result.ok) return this.refusalAfterConflict(id, result.code, at);
    await this.notify('rejected', 'pending', 'rejected', userId, at, result.value);
    return result;
  }

  /** Only the requester may cancel, and only while pending. */
  async cancel(id: string, userId: string): Promise<ServiceResult<DiskRequest>> {
    const request = await this.get(id);
    if (!request) return refuse('not_found', `No request ${id}.`);
    if (request.requesterId !== userId) {
      return refuse('not_your_request', `Only <@${request.requesterId}> can cancel request ${id}.`, {
        request,
      });
    }
    const at = this.deps.clock.now();
    const result = await this.deps.store.cancel(id, { userId, at });
    if (!result.ok) {
      if (result.code === 'not_requester')
        return refuse('not_your_request', `Only the requester can cancel ${id}.`);
      return this.refusalAfterConflict(id, result.code, at);
    }
    await this.notify('cancelled', 'pending', 'cancelled', userId, at, result.value);
    return result;
  }

  /**
   * Moves every pending request whose expiry is ≤ `now` to `expired`. Safe on several replicas at
   * once: each transition is atomic, so a request expired elsewhere is simply skipped here.
   * Returns the requests this call expired.
   */
  async expireDue(now: number = this.deps.clock.now(), limit = 100): Promise<DiskRequest[]> {
    const expired: DiskRequest[] = [];
    for (const id of await this.deps.store.dueForExpiry(now, limit)) {
      const result = await this.deps.store.expire(id, { at: now });
      if (!result.ok) continue; // another replica, a click or a cancel got there first
      expired.push(result.value);
      await this.notify('expired', 'pending', 'expired', 'system', now, result.value);
    }
    return expired;
  }

  /** Undefined for unknown ids and for strings that are not request ids at all (untrusted input). */
  async get(id: string): Promise<DiskRequest | undefined> {
    return isRequestId(id) ? this.deps.store.get(id) : undefined;
  }

  /** `/disk requests [--mine|--pending|--all]`: newest first (pending: soonest expiry first), paged. */
  list(options: {
    filter: ListFilter;
    userId: string;
    cursor?: string;
    limit?: number;
  }): Promise<ServiceResult<Page<DiskRequest>>> {
    return this.queries.list(options);
  }

  /** App Home: pending requests this user could approve now (not theirs, not yet approved by them). */
  awaitingApprovalBy(
    userId: string,
    options: { limit?: number; scan?: number } = {},
  ): Promise<DiskRequest[]> {
    return this.queries.awaitingApprovalBy(userId, options);
  }

  /** App Home: this user's requests that are not finished yet. */
  openBy(userId: string, limit = 20): Promise<DiskRequest[]> {
    return this.queries.openBy(userId, limit);
  }

  /** App Home: most recently finished requests. */
  recentFinished(limit = 10): Promise<DiskRequest[]> {
    return this.queries.recentFinished(limit);
  }

  // ── Execution transitions (called by the executor; they keep the card and audit in step) ──

  async start(
    id: string,
    actor: string,
    options: { planHash?: string } = {},
  ): Promise<ServiceResult<DiskRequest>> {
    const at = this.deps.clock.now();
    const result = await this.deps.store.start(id, { actor, at, ...options });
    if (!result.ok) return this.refusalAfterConflict(id, result.code, at, 'run');
    await this.notify('started', 'approved', 'running', actor, at, result.value);
    return result;
  }

  async recordStep(
    id: string,
    step: { from: number; to: number; actor: string; details?: Record<string, unknown> },
  ): Promise<ServiceResult<DiskRequest>> {
    const at = this.deps.clock.now();
    const result = await this.deps.store.advanceStep(id, { ...step, at });
    if (!result.ok) return this.refusalAfterConflict(id, result.code, at, 'run');
    await this.notify('step', 'running', 'running', step.actor, at, result.value);
    return result;
  }

  async finish(
    id: string,
    state: FinishState,
    outcome: { code: string; message: string },
    actor: string,
  ): Promise<ServiceResult<DiskRequest>> {
    const at = this.deps.clock.now();
    const result = await this.deps.store.finish(id, { state, outcome, actor, at });
    if (!result.ok) return this.refusalAfterConflict(id, result.code, at, 'run');
    await this.notify('finished', 'running', state, actor, at, result.value);
    return result;
  }

  /**
   * A transition lost to the current state: explain it from what is stored now. In the approval
   * phase any non-pending state means "already finished" (with who and when).
   */
  private async refusalAfterConflict(
    id: string,
    code: string,
    at: number,
    phase: 'approval' | 'run' = 'approval',
  ): Promise<Refusal> {
    const current = await this.deps.store.get(id);
    if (!current || code === 'not_found') return refuse('not_found', `No request ${id}.`);
    if (code === 'expired') {
      // Past its expiry but not swept yet: expire it now so the card stops offering buttons.
      const swept = await this.deps.store.expire(id, { at });
      if (swept.ok) await this.notify('expired', 'pending', 'expired', 'system', at, swept.value);
      return finishedRefusal(swept.ok ? swept.value : ((await this.deps.store.get(id)) ?? current));
    }
    if (code === 'step_mismatch') return refuse('step_mismatch', `Request ${id} is at another step.`);
    if (code === 'invalid_target') return refuse('invalid_input', 'Not a valid target state.');
    if (code === 'plan_mismatch')
      return refuse('plan_changed', `The plan of ${id} changed since it was approved.`);
    if (phase === 'approval' && current.state !== 'pending') return finishedRefusal(current);
    return refuse('wrong_state', `Request ${id} is ${current.state}; that is not possible now.`, {
      request: current,
    });
  }

  private async notify(
    event: TransitionEventName,
    from: RequestState | undefined,
    to: RequestState,
    actor: string,
    at: number,
    request: DiskRequest,
  ): Promise<void> {
    if (!this.deps.notifier) return;
    try {
      await this.deps.notifier.onTransition({ event, from, to, actor, at, request });
    } catch (error) {
      this.deps.onError?.(error, { requestId: request.id, event });
    }
  }
}
