/**
 * Run time against filing time (issue 10 rule 1): the data-safety rules (checks carrying a `rule`)
 * are evaluated again on fresh facts right before a mutation and compared with what the card
 * showed. A rule that now fails, or is now more severe, or an override (danger) that now covers
 * different facts (another file system, other mountpoints), is a change that stops the step with
 * the stable failure code `guard_changed`. Pure: failover and the other steps call the same code.
 */
import type { Check, CheckLevel } from '../../workflow/request.js';

/** The stable failure code of a request stopped because a data-safety fact changed. */
export const GUARD_CHANGED = 'guard_changed';

const RANK: Record<CheckLevel, number> = { ok: 0, warning: 1, danger: 2, error: 3 };

export interface GuardChange {
  readonly rule: string;
  /** The check the card showed for this rule (absent: the rule did not run at filing). */
  readonly before?: Check;
  readonly after: Check;
  /** Plain language, ready for the card and thread (escape it). */
  readonly message: string;
}

/** The data-safety checks of a list (those that carry a rule). */
export const guardChecks = (checks: readonly Check[]): Check[] => checks.filter((c) => c.rule !== undefined);

/** The first data-safety rule whose fresh check is worse than (or, for an override, differs from) the filed one. */
export function guardChange(filed: readonly Check[], now: readonly Check[]): GuardChange | undefined {
  for (const after of guardChecks(now)) {
    const before = filed.find((c) => c.rule === after.rule);
    const worse = after.level === 'error' || (before !== undefined && RANK[after.level] > RANK[before.level]);
    const otherFacts =
      before !== undefined &&
      after.level === 'danger' &&
      before.level === 'danger' &&
      before.facts !== after.facts;
    if (!worse && !otherFacts) continue;
    const then = before ? ` When the card was filed: ${before.message}` : '';
    return {
      rule: after.rule ?? '',
      ...(before ? { before } : {}),
      after,
      message: `A data-safety fact changed since the card was filed, so this step did not run. Now: ${after.message}${then}`,
    };
  }
  return undefined;
}
