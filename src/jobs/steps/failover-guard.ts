/**
 * Rule 1 of issue 10 for failover: the preflight rules that put checks on the card run again, on
 * freshly read DescribeDisks/DescribeInstances, right before fencing and right before takeover.
 * A rule that passed at the runner's re-check (`ctx.world`) and fails now stops the failover with
 * `guard_changed`; the decision and the facts it was made on go to the audit stream either way.
 */
import { evaluatePreflight, loadWorld, type WorldSnapshot } from '../../cloud/preflight/index.js';
import type { Check } from '../../workflow/request.js';
import type { StepContext } from './context.js';

type Ctx = StepContext<'failover'>;

export type GuardMoment = 'fencing' | 'takeover';

/** What the guard saw, recorded in the audit stream with its decision. */
export interface GuardFacts {
  readonly moment: GuardMoment;
  readonly disk: { readonly status: string; readonly attachedTo: readonly string[] } | null;
  readonly instances: Readonly<Record<string, string>>;
  readonly passed: readonly string[];
  readonly changed: readonly { readonly code: string; readonly message: string }[];
}

export type GuardDecision =
  | { readonly ok: true; readonly detail: string; readonly facts: GuardFacts }
  | {
      readonly ok: false;
      readonly code: 'guard_changed';
      readonly message: string;
      readonly facts: GuardFacts;
    };

const errorCodes = (checks: readonly Check[]) =>
  new Set(checks.filter((c) => c.level === 'error').map((c) => c.code));

function factsOf(
  ctx: Ctx,
  moment: GuardMoment,
  world: WorldSnapshot,
  checks: readonly Check[],
  changed: readonly Check[],
): GuardFacts {
  const { fromInstanceId: from, toInstanceId: to } = ctx.params;
  return {
    moment,
    disk: world.disk
      ? { status: world.disk.status, attachedTo: world.disk.attachments.map((a) => a.instanceId) }
      : null,
    instances: Object.fromEntries([from, to].map((id) => [id, world.instances.get(id)?.status ?? 'missing'])),
    passed: checks.filter((c) => c.level !== 'error').map((c) => c.code),
    changed: changed.map((c) => ({ code: c.code, message: c.message })),
  };
}

/**
 * Reads the cloud again and judges the failover rules. `detached`: the old primary lost the disk by
 * the bot's own DetachDisk (detach-mode fencing), so "not attached" is expected, not a change.
 * @throws CloudError when the cloud cannot be read (the queue retries; nothing acts meanwhile).
 */
export async function recheckGuard(
  ctx: Ctx,
  moment: GuardMoment,
  options: { detached: boolean },
): Promise<GuardDecision> {
  const zones = ctx.world.multiAttachZones;
  const world = await loadWorld(
    ctx.gateway,
    'failover',
    ctx.params,
    zones ? { multiAttachZones: zones } : {},
  );
  const before = errorCodes(evaluatePreflight('failover', ctx.params, ctx.world));
  const checks = evaluatePreflight('failover', ctx.params, world);
  const ours = options.detached ? new Set(['from_not_attached']) : new Set<string>();
  const changed = checks.filter((c) => c.level === 'error' && !before.has(c.code) && !ours.has(c.code));
  const facts = factsOf(ctx, moment, world, checks, changed);
  const passed = checks.filter((c) => c.level !== 'error').length;
  if (changed.length === 0)
    return { ok: true, detail: `${passed} checks passed on fresh DescribeDisks/DescribeInstances`, facts };
  return {
    ok: false,
    code: 'guard_changed',
    message: `the cloud changed since approval: ${changed.map((c) => c.message).join(' ')}`,
    facts,
  };
}
