/**
 * The change freeze (issue 20 point 4): who may start one, and what it blocks. Pure: the freeze
 * itself lives in Redis (`src/store/freeze-store.ts`); the Slack layer says it to people.
 */
import { domainOf } from '../kinds/domain-registry.js';
import { isEmergencyRequester, isListed, type MemberOf } from './approvers.js';
import type { Policy } from './policy.js';
import { REQUEST_KINDS, type RequestKind } from './request.js';

/** A freeze in force: who started it, when, and why. */
export interface ChangeFreeze {
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/** Port: the one freeze shared by every replica. `start` keeps a freeze already in force and returns it. */
export interface FreezeSwitch {
  current(): Promise<ChangeFreeze | undefined>;
  start(freeze: ChangeFreeze): Promise<{ readonly started: boolean; readonly freeze: ChangeFreeze }>;
  /** True when a freeze was in force and is now lifted. */
  lift(): Promise<boolean>;
}

/** Approvers of any action and on-call (failover approvers are among them; emergency requesters too). */
export async function mayFreeze(policy: Policy, userId: string, memberOf: MemberOf): Promise<boolean> {
  for (const kind of REQUEST_KINDS) {
    if (await isListed(policy.actions[kind].approvers, userId, memberOf)) return true;
  }
  return isEmergencyRequester(policy, userId, memberOf);
}

/**
 * Whether a freeze keeps a request of `kind` from being filed or started: every change does,
 * except lifting the freeze itself and, when the policy allows it, failover (emergency included).
 */
export function frozenOut(policy: Policy, kind: RequestKind): boolean {
  return domainOf(kind).frozen(policy);
}

/**
 * Why an approved request of `kind` may not start now (plain text: escape before mrkdwn), or
 * undefined when it may. The runner ends it with this: it is retried once the freeze is lifted.
 */
export function freezeRefusal(
  policy: Policy,
  kind: RequestKind,
  freeze: ChangeFreeze | undefined,
): string | undefined {
  if (!freeze || !frozenOut(policy, kind)) return undefined;
  const since = new Date(freeze.at).toISOString();
  return `Not started, nothing was changed: a change freeze is in force since ${since} (started by user ${freeze.by}): ${freeze.reason}. Retry once it is lifted.`;
}
