import type { QuorumOptions } from '../kinds/domain.js';
import { domainOf } from '../kinds/domain-registry.js';
import type { Policy } from './policy.js';
import type { Principals } from './policy-fields.js';
import type { Clock } from './ports.js';
import type { RequestKind } from './request.js';

export type { QuorumOptions } from '../kinds/domain.js';

/**
 * Port: the members of a Slack user group (`usergroups.users.list`). The Slack adapter implements
 * it; it may throw when Slack is unreachable (an infrastructure failure, not a refusal).
 */
export type MemberOf = (usergroupId: string) => Promise<readonly string[]>;

/** Listed by id, or a member of one of the listed groups (groups are only asked when needed). */
export async function isListed(principals: Principals, userId: string, memberOf: MemberOf): Promise<boolean> {
  if (principals.users.includes(userId)) return true;
  for (const group of principals.usergroups) {
    if ((await memberOf(group)).includes(userId)) return true;
  }
  return false;
}

/** Who may ask for changes; a policy without `requesters` lets anyone ask. */
export async function isRequester(policy: Policy, userId: string, memberOf: MemberOf): Promise<boolean> {
  return policy.requesters === undefined ? true : isListed(policy.requesters, userId, memberOf);
}

/**
 * Who may see status, list, everyone's requests and the App Home details; a policy without
 * `viewers` lets everyone see. Requesters still see their own requests, approvers what awaits them.
 */
export async function isViewer(policy: Policy, userId: string, memberOf: MemberOf): Promise<boolean> {
  return policy.viewers === undefined ? true : isListed(policy.viewers, userId, memberOf);
}

export async function isApprover(
  policy: Policy,
  kind: RequestKind,
  userId: string,
  memberOf: MemberOf,
): Promise<boolean> {
  return isListed(policy.actions[kind].approvers, userId, memberOf);
}

/** Whether the user may open an emergency failover; false when the policy has no emergency section. */
export async function isEmergencyRequester(
  policy: Policy,
  userId: string,
  memberOf: MemberOf,
): Promise<boolean> {
  const emergency = policy.actions.failover.emergency;
  return emergency === undefined ? false : isListed(emergency.requesters, userId, memberOf);
}

/** Whether anyone at all could approve this kind (a quorum nobody can reach is refused at open). */
export function hasApprovers(policy: Policy, kind: RequestKind): boolean {
  const { users, usergroups } = policy.actions[kind].approvers;
  return users.length > 0 || usergroups.length > 0;
}

/**
 * Approvals needed for a request, as its kind says (src/kinds/<kind>/domain.ts): the policy's
 * quorum; emergency applies only to a kind that allows it; overrides only raise it, never lower it.
 */
export function requiredQuorum(policy: Policy, kind: RequestKind, options: QuorumOptions = {}): number {
  return domainOf(kind).quorum(policy, options);
}

/** Upper bound on how long group membership may be cached (design.md §4, slack-conventions). */
export const MAX_GROUP_TTL_MS = 60_000;

/**
 * Caching decorator over a `MemberOf` port. Entries live at most `ttlMs` (capped at 60 s) by the
 * injected clock; concurrent lookups of one group share a single call; failures are not cached,
 * so the next click asks Slack again.
 */
export class GroupDirectory {
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { members: readonly string[]; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<readonly string[]>>();

  constructor(
    private readonly source: MemberOf,
    private readonly clock: Clock,
    ttlMs: number = MAX_GROUP_TTL_MS,
  ) {
    this.ttlMs = Math.max(0, Math.min(ttlMs, MAX_GROUP_TTL_MS));
  }

  /** Bound so it can be passed wherever a `MemberOf` is expected. */
  readonly memberOf: MemberOf = (usergroupId) => {
    const cached = this.cache.get(usergroupId);
    if (cached && this.clock.now() - cached.fetchedAt < this.ttlMs) return Promise.resolve(cached.members);
    const pending = this.inFlight.get(usergroupId);
    if (pending) return pending;
    const fetchedAt = this.clock.now();
    const lookup = this.source(usergroupId)
      .then((members) => {
        this.cache.set(usergroupId, { members: [...members], fetchedAt });
        return members;
      })
      .finally(() => this.inFlight.delete(usergroupId));
    this.inFlight.set(usergroupId, lookup);
    return lookup;
  };

  /** Drops every cached group (e.g. on a `subteam_members_changed` event). */
  invalidate(usergroupId?: string): void {
    if (usergroupId === undefined) this.cache.clear();
    else this.cache.delete(usergroupId);
  }
}
