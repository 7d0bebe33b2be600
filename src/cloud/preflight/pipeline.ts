/**
 * The one data-safety pipeline (issue 18): what filing and every moment right before a mutation go
 * through. `facts` reads everything the kind's rules judge (guest facts included, never optional)
 * once per moment and evaluates every rule on it; `recheck` compares a moment's checks with the
 * card's; `audit` is the one place a decision becomes an audit record.
 */
import type { Check } from '../../workflow/request.js';
import type { ReadGateway } from '../gateway.js';
import { type GuardAuditInput, type GuardAuditRecord, guardAuditRecord } from './guard-audit.js';
import { type GuardChange, guardChange } from './guard-change.js';
import type { LoadWorldOptions, WorldSnapshot } from './world.js';

/** `filing`, or the call a run-time moment precedes (`AttachDisk`, `ocfs2-format`, …). */
export type SafetyMoment = string;

/** The facts of one moment and every check on them. */
export interface SafetyReading {
  readonly moment: SafetyMoment;
  readonly world: WorldSnapshot;
  readonly checks: readonly Check[];
}

/**
 * What the pipeline asks a kind (its entry in `KIND_EXECUTIONS`, src/kinds): which facts its rules
 * need, read in one go, and the rules themselves. `P` is the kind's `ParamsOf[K]`.
 */
export interface KindSafety<P> {
  /**
   * Reads everything the rules judge at `moment`, guest facts included (never optional). A moment
   * after a cloud call may need other facts than the ones before it (the nodes a guest command
   * after AttachDisk touches): the kind tells them apart by the moment, never the shared code.
   */
  facts(
    gateway: ReadGateway,
    params: P,
    options: LoadWorldOptions,
    moment: SafetyMoment,
  ): Promise<WorldSnapshot>;
  /**
   * Every check of the kind on one snapshot read for `moment`; a rule whose facts are missing
   * returns an error.
   */
  rules(params: P, world: WorldSnapshot, moment: SafetyMoment): Check[];
}

/**
 * Reads the cloud (batched Describe calls) and the guests the kind's rules judge (one Cloud
 * Assistant invocation each), then evaluates every rule of the kind. Callers name the kind
 * through `facts` in src/kinds/registry.ts.
 * @throws CloudError when the cloud cannot be read (the caller decides whether to retry).
 */
export async function momentFacts<P>(
  gateway: ReadGateway,
  kind: KindSafety<P>,
  params: P,
  moment: SafetyMoment,
  options: LoadWorldOptions,
): Promise<SafetyReading> {
  const world = await kind.facts(
    gateway,
    params,
    { ...options, reservationView: moment === 'filing' },
    moment,
  );
  return { moment, world, checks: kind.rules(params, world, moment) };
}

/**
 * One meaning everywhere: the moment's checks against the card's (`guardChange`). `expected`
 * names checks the request's own earlier calls explain, which are not a change.
 */
export function recheck(
  filed: readonly Check[],
  fresh: SafetyReading,
  expected?: (check: Check, world: WorldSnapshot) => boolean,
): GuardChange | undefined {
  return guardChange(filed, fresh.checks, expected ? (check) => expected(check, fresh.world) : undefined);
}

/** The audit record of a data-safety decision (refused, failed closed, overridden, changed). */
export function audit(decision: GuardAuditInput): GuardAuditRecord {
  return guardAuditRecord(decision);
}
