/**
 * Issue 10 rule 3, and rule 1 before AttachDisk to additional instances: when no guest can show
 * what is on the disk (attached nowhere, not known blank), attach the first instance, inspect it,
 * and attach the rest only if the file-system guard passes on that fresh inspection; otherwise stop
 * with the guard's refusal (the first attachment stays and is reported). A resumed attach whose
 * disk is already attached somewhere re-checks the guard the same way before the rest.
 */
import { describeFailure } from '../../cloud/explain.js';
import type { DiskInfo } from '../../cloud/gateway.js';
import { guardAuditRecord, readFilesystem, singleNodeFsRule } from '../../cloud/preflight/index.js';
import type { Check } from '../../workflow/request.js';
import type { ExecutionResult } from '../ports.js';
import type { StepContext } from './context.js';
import { type FanOutRound, type FanOutSpec, fanOutRound, summarize } from './fan-out.js';

export type GuardVerdict =
  | { readonly ok: true; readonly disk: DiskInfo; readonly check?: Check }
  | { readonly ok: false; readonly disk: DiskInfo | undefined; readonly check: Check };

/**
 * Fresh DescribeDisks and a fresh inspection of every current attachment, judged by the same
 * file-system rule the card showed, for adding `rest`. Reported as a step; refusals are audited.
 */
export async function guardBeforeAdding(
  ctx: StepContext<'attach'>,
  rest: readonly string[],
): Promise<GuardVerdict> {
  const { diskId, regionId, allowSingleNodeFs } = ctx.params;
  const started = ctx.clock.now();
  const label = `Inspect before attaching ${rest.join(', ')}`;
  let disk: DiskInfo | undefined;
  let check: Check | undefined;
  let filesystem: Awaited<ReturnType<typeof readFilesystem>> | undefined;
  try {
    [disk] = await ctx.gateway.describeDisks({ regionId, diskIds: [diskId] });
    if (disk) {
      filesystem = await readFilesystem(ctx.gateway, disk, regionId, {
        timeoutSec: ctx.assistantTimeoutSec,
        timing: ctx.assistantTiming,
      });
      [check] = singleNodeFsRule(disk, rest, allowSingleNodeFs, filesystem);
    }
  } catch (error) {
    const { code, message } = describeFailure(error);
    check = {
      code: 'filesystem_unknown',
      level: 'error',
      message: `Could not read ${diskId} before attaching ${rest.join(', ')} (${code}: ${message}); unknown counts as unsafe.`,
      rule: 'filesystem',
      facts: 'fs=unknown',
    };
  }
  check ??= {
    code: 'filesystem_unknown',
    level: 'error',
    message: `${diskId} was not found before attaching ${rest.join(', ')}; unknown counts as unsafe.`,
    rule: 'filesystem',
    facts: 'fs=unknown',
  };
  const refused = check.level === 'error';
  await ctx.report({
    label,
    status: refused ? 'failed' : 'ok',
    detail: check.message,
    durationMs: ctx.clock.now() - started,
  });
  if (refused || check.level === 'danger') {
    await ctx.auditGuard(
      guardAuditRecord({
        diskId,
        requestId: ctx.request.id,
        moment: 'run',
        check,
        ...(filesystem ? { filesystem } : {}),
        requesterId: ctx.request.requesterId,
        approvers: ctx.request.approvals.map((a) => a.userId),
      }),
    );
  }
  if (refused || !disk) return { ok: false, disk, check };
  return { ok: true, disk, check };
}

/** The refusal after some instances got the disk: those stay, the rest fail with the guard's code. */
function stopped(
  spec: FanOutSpec,
  round: FanOutRound,
  rest: readonly string[],
  check: Check,
  tookMs: number,
): ExecutionResult {
  const failures = [
    ...round.failures,
    ...rest.map((instanceId) => ({
      instanceId,
      code: check.code,
      message: 'not attached: the file-system guard refused it after inspecting the disk',
    })),
  ];
  const all = [...new Set([...round.targets, ...rest])];
  const result = summarize(spec, { ...round, targets: all, failures }, tookMs);
  const kept = round.targets.filter((id) => !round.failures.some((f) => f.instanceId === id));
  const stays = kept.length > 0 ? ` The attachment to ${kept.join(', ')} stays.` : '';
  return {
    ...result,
    outcome: {
      code: check.code,
      message: `Stopped before attaching ${spec.diskId} to ${rest.join(', ')}: ${check.message}${stays}`,
    },
  };
}

/** Attach `first`, inspect, then the rest only if the guard passes. */
export async function attachInTwoPhases(
  ctx: StepContext<'attach'>,
  spec: FanOutSpec,
  first: string,
  rest: readonly string[],
): Promise<ExecutionResult> {
  const began = ctx.clock.now();
  const one = await fanOutRound(ctx, { ...spec, instanceIds: [first] });
  if (one.failures.length > 0) {
    const notSent = rest.map((instanceId) => ({
      instanceId,
      code: 'not_attempted',
      message: `not attempted: the first attachment (${first}) failed, so the disk's content could not be inspected`,
    }));
    return summarize(
      spec,
      { ...one, targets: [first, ...rest], failures: [...one.failures, ...notSent] },
      ctx.clock.now() - began,
    );
  }
  return attachRestAfterGuard(ctx, spec, one, rest, began);
}

/** The guard on fresh facts, then the rest (summing up with an earlier round when there was one). */
export async function attachRestAfterGuard(
  ctx: StepContext<'attach'>,
  spec: FanOutSpec,
  before: FanOutRound,
  rest: readonly string[],
  began: number,
): Promise<ExecutionResult> {
  const verdict = await guardBeforeAdding(ctx, rest);
  if (!verdict.ok) {
    return stopped(
      spec,
      { ...before, disk: verdict.disk ?? before.disk },
      rest,
      verdict.check,
      ctx.clock.now() - began,
    );
  }
  const fresh = { ...ctx, world: { ...ctx.world, disk: verdict.disk } };
  const two = await fanOutRound(fresh, { ...spec, instanceIds: rest });
  return summarize(
    spec,
    {
      targets: [...new Set([...before.targets, ...two.targets])],
      skipped: [...before.skipped, ...two.skipped],
      failures: [...before.failures, ...two.failures],
      disk: two.disk,
    },
    ctx.clock.now() - began,
  );
}
