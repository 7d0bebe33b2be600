/**
 * Issue 10 rule 3, and rule 1 before AttachDisk to additional instances: when no guest can show
 * what is on the disk (attached nowhere, not known blank), attach the first instance, and attach
 * the rest only if the re-check of that moment (which inspects the disk through the first
 * instance) passes; otherwise stop with the rule's refusal (the first attachment stays and is
 * reported). The card announced this inspection, so a file-system check that is not an error
 * (blank, a cluster file system, an override the request asked for) is the plan, not a change.
 */

import type { DiskInfo, EcsGateway } from '../../cloud/gateway.js';
import { audit, FILESYSTEM_RULE } from '../../cloud/preflight/index.js';
import type { Check } from '../../workflow/request.js';
import type { ExecutionResult } from '../ports.js';
import { type StepContext, stoppedBy } from './context.js';
import { type FanOutRound, type FanOutSpec, fanOutRound, summarize } from './fan-out.js';

/** AttachDisk of this request through one moment's gateway. */
export const attachSpec = (ctx: StepContext<'attach'>, gateway: EcsGateway): FanOutSpec => ({
  verb: 'attach',
  action: 'AttachDisk',
  diskId: ctx.params.diskId,
  regionId: ctx.params.regionId,
  instanceIds: ctx.params.instanceIds,
  reached: (disk, instanceId) => isAttached(disk, instanceId),
  send: async (instanceId) => ({
    requestId: (await gateway.attachDisk({ diskId: ctx.params.diskId, instanceId })).requestId,
  }),
  inFlightCodes: ['InvalidDisk.InUse'],
  doneCodes: [],
});

const isAttached = (disk: DiskInfo | undefined, instanceId: string): boolean =>
  disk?.attachments.some((a) => a.instanceId === instanceId) === true;

const announced = (check: Check): boolean => check.rule === FILESYSTEM_RULE && check.level !== 'error';

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
  first: string,
  rest: readonly string[],
): Promise<ExecutionResult> {
  const began = ctx.clock.now();
  const moment = await ctx.recheck(`AttachDisk ${first}`);
  if (!moment.ok) return stoppedBy(moment.change);
  const spec = attachSpec(ctx, moment.gateway);
  const one = await fanOutRound({ ...ctx, world: moment.world }, { ...spec, instanceIds: [first] });
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

/** The re-check of the rest's moment, then the rest (summed up with the first round). */
async function attachRestAfterGuard(
  ctx: StepContext<'attach'>,
  first: FanOutSpec,
  before: FanOutRound,
  rest: readonly string[],
  began: number,
): Promise<ExecutionResult> {
  const started = ctx.clock.now();
  const moment = await ctx.recheck(`AttachDisk ${rest.join(', ')}`, { expected: announced });
  if (!moment.ok) {
    return stopped(first, before, rest, moment.change.after, ctx.clock.now() - began);
  }
  const check = moment.checks.find((c) => c.rule === FILESYSTEM_RULE);
  if (check) {
    await ctx.report({
      label: `Inspect before attaching ${rest.join(', ')}`,
      status: 'ok',
      detail: check.message,
      durationMs: ctx.clock.now() - started,
    });
    if (check.level === 'danger')
      await ctx.auditGuard(
        audit({
          diskId: ctx.params.diskId,
          requestId: ctx.request.id,
          moment: 'run',
          call: `AttachDisk ${rest.join(', ')}`,
          check,
          ...(moment.world.filesystem ? { filesystem: moment.world.filesystem } : {}),
          requesterId: ctx.request.requesterId,
          approvers: ctx.request.approvals.map((a) => a.userId),
        }),
      );
  }
  const spec = attachSpec(ctx, moment.gateway);
  const two = await fanOutRound({ ...ctx, world: moment.world }, { ...spec, instanceIds: rest });
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
