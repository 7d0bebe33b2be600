import { isApprover, type MemberOf } from './approvers.js';
import type { Policy } from './policy.js';
import type { Clock, Page, RequestStore } from './ports.js';
import { refuse, type ServiceResult } from './refusals.js';
import type { DiskRequest, RequestKind } from './request.js';
import { isTerminalState } from './state-machine.js';

export type ListFilter = 'mine' | 'pending' | 'all';

/**
 * Read side of the workflow: `/disk requests` and the App Home sections. Everything is read from
 * the indexes the transition scripts maintain (ranges + pipelined reads, never KEYS/SCAN).
 */
export class RequestQueries {
  constructor(
    private readonly deps: {
      readonly store: RequestStore;
      readonly policy: Policy;
      readonly groups: MemberOf;
      readonly clock: Clock;
    },
  ) {}

  /** `/disk requests [--mine|--pending|--all]`: newest first (pending: soonest expiry first), paged. */
  async list(options: {
    filter: ListFilter;
    userId: string;
    cursor?: string;
    limit?: number;
  }): Promise<ServiceResult<Page<DiskRequest>>> {
    const index =
      options.filter === 'mine'
        ? ({ by: 'requester', userId: options.userId } as const)
        : options.filter === 'pending'
          ? ({ by: 'pending' } as const)
          : ({ by: 'all' } as const);
    const page = await this.deps.store.page(index, {
      limit: options.limit ?? 20,
      ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
    });
    return page.ok ? page : refuse('invalid_cursor', page.message);
  }

  /** App Home: pending requests this user could approve now (not theirs, not yet approved by them). */
  async awaitingApprovalBy(
    userId: string,
    options: { limit?: number; scan?: number } = {},
  ): Promise<DiskRequest[]> {
    const limit = options.limit ?? 20;
    const now = this.deps.clock.now();
    const approverOf = new Map<RequestKind, boolean>();
    const out: DiskRequest[] = [];
    let cursor: string | undefined;
    let scanned = 0;
    do {
      const page = await this.deps.store.page(
        { by: 'pending' },
        { limit: 100, ...(cursor ? { cursor } : {}) },
      );
      if (!page.ok) break;
      for (const request of page.value.items) {
        if (request.state !== 'pending' || request.expiresAt <= now || request.requesterId === userId)
          continue;
        if (request.approvals.some((a) => a.userId === userId)) continue;
        let may = approverOf.get(request.kind);
        if (may === undefined) {
          may = await isApprover(this.deps.policy, request.kind, userId, this.deps.groups);
          approverOf.set(request.kind, may);
        }
        if (may) out.push(request);
        if (out.length >= limit) return out;
      }
      scanned += page.value.items.length;
      cursor = page.value.nextCursor;
    } while (cursor && scanned < (options.scan ?? 1000));
    return out;
  }

  /** App Home: this user's requests that are not finished yet (among their newest 100). */
  async openBy(userId: string, limit = 20): Promise<DiskRequest[]> {
    const page = await this.deps.store.page({ by: 'requester', userId }, { limit: 100 });
    return page.ok ? page.value.items.filter((r) => !isTerminalState(r.state)).slice(0, limit) : [];
  }

  /** App Home: most recently finished requests. */
  async recentFinished(limit = 10): Promise<DiskRequest[]> {
    const page = await this.deps.store.page({ by: 'finished' }, { limit });
    return page.ok ? [...page.value.items] : [];
  }
}
