/**
 * Rule 1 of issue 10 for failover: the moment's re-check (`ctx.recheck`, the one pipeline) right
 * before fencing and right before takeover, on fresh DescribeDisks/DescribeInstances. What it saw
 * is recorded with the cursor; a change stops the failover with `guard_changed`.
 */
import type { EcsGateway } from '../../cloud/gateway.js';
import type { WorldSnapshot } from '../../cloud/preflight/index.js';
import type { Check } from '../../workflow/request.js';
import type { StepContext } from './context.js';

type Ctx = StepContext<'failover'>;

export type GuardMoment = 'fencing' | 'takeover';

/** What the guard saw, recorded with the cursor and its decision. */
export interface GuardFacts {
  readonly moment: GuardMoment;
  readonly disk: { readonly status: string; readonly attachedTo: readonly string[] } | null;
  readonly instances: Readonly<Record<string, string>>;
  readonly passed: readonly string[];
  readonly changed: readonly { readonly code: string; readonly message: string }[];
}

export type GuardDecision =
  | { readonly ok: true; readonly detail: string; readonly facts: GuardFacts; readonly gateway: EcsGateway }
  | {
      readonly ok: false;
      readonly code: 'guard_changed';
      readonly message: string;
      readonly facts: GuardFacts;
    };

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
 * The old primary detached by this failover's own DetachDisk (detach-mode fencing): "not
 * attached" is then expected, not a change.
 */
export const detachedByFencing = (check: Check): boolean => check.code === 'from_not_attached';

/**
 * The re-check of `moment`; `detached`: the old primary lost the disk by the bot's own fencing.
 * @throws CloudError when the cloud cannot be read (the queue retries; nothing acts meanwhile).
 */
export async function recheckGuard(
  ctx: Ctx,
  moment: GuardMoment,
  options: { detached: boolean },
): Promise<GuardDecision> {
  const checked = await ctx.recheck(moment, options.detached ? { expected: detachedByFencing } : {});
  const changed = checked.ok ? [] : [checked.change.after];
  const facts = factsOf(ctx, moment, checked.world, checked.checks, changed);
  if (checked.ok) {
    const passed = checked.checks.filter((c) => c.level !== 'error').length;
    return {
      ok: true,
      detail: `${passed} checks passed on fresh DescribeDisks/DescribeInstances`,
      facts,
      gateway: checked.gateway,
    };
  }
  return {
    ok: false,
    code: 'guard_changed',
    message: `the cloud changed since approval: ${checked.change.after.message}`,
    facts,
  };
}
