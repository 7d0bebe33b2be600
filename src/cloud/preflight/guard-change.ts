/**
 * Run time against filing time (issue 10 rule 1, issue 18): every rule is evaluated again on fresh
 * facts right before a mutation and compared with what the card showed. A new error, a data-safety
 * rule (a check carrying `rule`) now more severe, or an override (danger) that now covers different
 * facts (another file system, other mountpoints) is a change that stops the step with the stable
 * failure code `guard_changed`. Pure; `pipeline.ts` is its only caller in the bot.
 */
import type { Check, CheckLevel } from '../../workflow/request.js';

/** The stable failure code of a request stopped because a data-safety fact changed. */
export const GUARD_CHANGED = 'guard_changed';

const RANK: Record<CheckLevel, number> = { ok: 0, warning: 1, danger: 2, error: 3 };

export interface GuardChange {
  readonly rule: string;
  /** The check the card showed for this rule (absent: the card did not show it). */
  readonly before?: Check;
  readonly after: Check;
  /** Plain language, ready for the card and thread (escape it). */
  readonly message: string;
}

/** The data-safety checks of a list (those that carry a rule). */
export const guardChecks = (checks: readonly Check[]): Check[] => checks.filter((c) => c.rule !== undefined);

const sameCheck = (before: Check, after: Check): boolean =>
  after.rule !== undefined ? before.rule === after.rule : before.code === after.code;

/**
 * The first fresh check that stops the request: any error the card did not show, a data-safety
 * rule now worse than at filing, or an override (danger) that now covers other facts. `expected`
 * names checks the plan expects at this moment (a failover's old primary detached by its own
 * fencing, the inspection a two-phase attach announced), which are not a change.
 */
export function guardChange(
  filed: readonly Check[],
  now: readonly Check[],
  expected: (check: Check) => boolean = () => false,
): GuardChange | undefined {
  for (const after of now) {
    if (expected(after)) continue;
    const before = filed.find((c) => sameCheck(c, after));
    const newError = after.level === 'error' && !(before?.level === 'error' && before.code === after.code);
    const worse = after.rule !== undefined && before !== undefined && RANK[after.level] > RANK[before.level];
    const otherFacts =
      before !== undefined &&
      after.level === 'danger' &&
      before.level === 'danger' &&
      before.facts !== after.facts;
    if (!newError && !worse && !otherFacts) continue;
    const then = before ? ` When the card was filed: ${before.message}` : '';
    return {
      rule: after.rule ?? after.code,
      ...(before ? { before } : {}),
      after,
      message: `A fact the card checked changed since it was filed, so this step did not run. Now: ${after.message}${then}`,
    };
  }
  return undefined;
}
