/**
 * Post-incident reviews (design.md §8): an emergency failover runs at once and opens a review item
 * that stays on App Home until an approver of failovers acknowledges it. Guards in the usual order:
 * authorized → exists → state allows + record (one atomic store transition).
 */

import { failure, type Outcome } from '../errors.js';
import { summaryOf } from '../kinds/domain-registry.js';
import { isApprover, type MemberOf } from './approvers.js';
import type { Policy } from './policy.js';
import type { Clock, StoreResult } from './ports.js';
import type { DiskRequest } from './request.js';

export interface NewReview {
  readonly requestId: string;
  readonly diskId: string;
  readonly summary: string;
  readonly reason: string;
  readonly requesterId: string;
  readonly channelId: string;
}

export interface ReviewItem extends NewReview {
  readonly state: 'open' | 'acknowledged';
  readonly openedAt: number;
  readonly acknowledged?: { readonly by: string; readonly at: number };
}

/**
 * Port: review items, each change one atomic transition that also appends to the audit stream.
 * @throws CodedError (`store_unavailable`) on infrastructure failure only.
 */
export interface ReviewStore {
  /** Idempotent: an existing item (open or not) is returned unchanged with `opened: false`. */
  open(item: NewReview, at: number, actor: string): Promise<{ opened: boolean; item: ReviewItem }>;
  /** `not_found`, or `wrong_state` when someone acknowledged it first. */
  acknowledge(requestId: string, input: { userId: string; at: number }): Promise<StoreResult<ReviewItem>>;
  get(requestId: string): Promise<ReviewItem | undefined>;
  /** Oldest first. */
  listOpen(limit: number): Promise<ReviewItem[]>;
}

/** Port: the audit stream, for incidents that are no request's transition (a file system mounted twice). */
export interface IncidentLog {
  record(input: {
    event: string;
    subject: string;
    actor: string;
    at: number;
    details: Record<string, unknown>;
  }): Promise<void>;
}

export class ReviewService {
  constructor(
    private readonly deps: { store: ReviewStore; policy: Policy; groups: MemberOf; clock: Clock },
  ) {}

  /** Opens the review of an emergency request whose policy asks for one; undefined otherwise. */
  async openFor(request: DiskRequest): Promise<{ opened: boolean; item: ReviewItem } | undefined> {
    if (!request.emergency || request.review !== 'required') return undefined;
    const reason = request.params.emergencyReason;
    // The kind's own summary (src/kinds/<kind>/domain.ts), with bare ids like the rest of the review.
    const summary = summaryOf(request.kind, request.params, (id) => id);
    return this.deps.store.open(
      {
        requestId: request.id,
        diskId: String(request.params.diskId ?? ''),
        summary: !summary
          ? request.kind
          : 'text' in summary
            ? summary.text
            : `${summary.head}${summary.list.join(', ')}`,
        reason: typeof reason === 'string' ? reason : '',
        requesterId: request.requesterId,
        channelId: request.channelId,
      },
      this.deps.clock.now(),
      request.requesterId,
    );
  }

  /** Only failover approvers, never the person who declared the emergency. */
  async acknowledge(requestId: string, userId: string): Promise<Outcome<ReviewItem>> {
    if (!(await isApprover(this.deps.policy, 'failover', userId, this.deps.groups))) {
      return failure('not_approver', 'Only failover approvers can acknowledge a post-incident review.');
    }
    const item = await this.deps.store.get(requestId);
    if (!item) return failure('not_found', `No review for ${requestId}.`);
    if (item.requesterId === userId) {
      return failure('self_review', 'You declared this emergency; another approver must review it.');
    }
    const result = await this.deps.store.acknowledge(requestId, { userId, at: this.deps.clock.now() });
    if (result.ok) return result;
    const now = await this.deps.store.get(requestId);
    if (result.code === 'wrong_state' && now?.acknowledged) {
      return failure(
        'already_acknowledged',
        `Already acknowledged by <@${now.acknowledged.by}> at ${new Date(now.acknowledged.at).toISOString()}.`,
      );
    }
    return failure(result.code, result.message);
  }

  listOpen(limit = 20): Promise<ReviewItem[]> {
    return this.deps.store.listOpen(limit);
  }
}
