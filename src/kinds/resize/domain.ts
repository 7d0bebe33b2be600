/**
 * `/disk resize` (issue 19), the pure half: stored parameters, the plan approvers see, static
 * checks, the summary line, the Retry mapping and the step cursor. No cloud, Slack or Redis.
 */
import type { Check, DiskRequest, PlanStep } from '../../workflow/request.js';
import { type KindBuild, type KindDomain, namesOf } from '../domain.js';
import type { ResizeCommand } from './command.js';
import type { ResizeParams } from './params.js';

/**
 * Where a resize is (the request's step cursor, after CURSOR.CHECKED = 1). A cursor at RESIZED or
 * beyond means ResizeDisk went through: Retry then opens an `afterResize` request.
 */
export const RESIZE_CURSOR = { SNAPSHOT: 2, RESIZED: 3, SEEN: 4, GROWN: 5 } as const;

const EVERY = 'every attached instance';

export function resizeParams(command: ResizeCommand, regionId: string): ResizeParams {
  return {
    diskId: command.diskId,
    regionId,
    sizeGiB: command.sizeGiB,
    offline: command.offline,
    snapshot: !command.noSnapshot && command.afterResize !== true,
    afterResize: command.afterResize === true,
    instanceIds: [...(command.instanceIds ?? [])],
    ...(command.reason ? { reason: command.reason } : {}),
    ...namesOf(command),
  };
}

/** The calls in order: snapshot, ResizeDisk, wait, rescan everywhere, grow once. */
export function resizePlan(p: ResizeParams): PlanStep[] {
  const run = (script: string, extra: Record<string, string | number>): PlanStep => ({
    action: 'InvokeCommand',
    params: { Script: script, ...extra },
  });
  const resize: PlanStep[] = p.afterResize
    ? []
    : [
        ...(p.snapshot
          ? [{ action: 'CreateSnapshot' as const, params: { DiskId: p.diskId, WaitFor: 'accomplished' } }]
          : []),
        {
          action: 'ResizeDisk',
          params: {
            DiskId: p.diskId,
            NewSize: p.sizeGiB,
            Type: p.offline ? 'offline' : 'online',
            ClientToken: 'the request id',
          },
        },
      ];
  return [
    ...resize,
    { action: 'DescribeDisks', params: { DiskId: p.diskId, WaitFor: `${p.sizeGiB} GiB` } },
    ...(p.offline && !p.afterResize
      ? [{ action: 'DescribeInstances' as const, params: { On: EVERY, WaitFor: 'Running (started by you)' } }]
      : []),
    run('rescan', {
      On: `${EVERY}, one invocation`,
      Expect: `${p.sizeGiB} GiB`,
      Else: 'stop before any grow',
    }),
    run('fs-grow', { On: 'one node (partx -u on the others)', Once: 'partition and file system' }),
  ];
}

/** What needs no cloud call: the policy's size limit, and the snapshot that will or will not be taken. */
export function resizeStaticChecks(p: ResizeParams, maxSizeGiB: number): Check[] {
  const checks: Check[] = [];
  if (p.sizeGiB > maxSizeGiB) {
    checks.push({
      code: 'size_over_policy_limit',
      level: 'error',
      message: `${p.sizeGiB} GiB is over the policy limit of ${maxSizeGiB} GiB.`,
    });
  }
  if (p.afterResize) {
    checks.push({
      code: 'resume_after_resize',
      level: 'ok',
      message: `Retry after the resize: ResizeDisk is not called again; every node is verified at ${p.sizeGiB} GiB before anything grows.`,
    });
  } else if (p.snapshot) {
    checks.push({
      code: 'snapshot_first',
      level: 'ok',
      message: `A snapshot of ${p.diskId} is taken first and waited for until accomplished.`,
    });
  } else {
    checks.push({
      code: 'no_snapshot',
      level: 'danger',
      message:
        '--no-snapshot: no snapshot is taken first; a grow that goes wrong has no copy to restore from.',
    });
  }
  return checks;
}

/** "resize shared-db (d-…) to 80 GiB online" for the card, threads and App Home. */
export function resizeSummary(p: ResizeParams, named: (id: string) => string = (id) => id): string {
  const how = p.offline ? 'offline' : 'online';
  const extra = [
    p.snapshot || p.afterResize ? '' : 'no snapshot',
    p.afterResize ? 'verify and grow only' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `resize ${named(p.diskId)} to ${p.sizeGiB} GiB ${how}${extra ? ` (${extra})` : ''}`;
}

/**
 * The command Retry opens: the same resize, and once ResizeDisk went through (the cursor says so)
 * one that resumes from the verification and never resizes again.
 */
export function resizeRetry(request: Pick<DiskRequest, 'stepCursor'>, p: ResizeParams): ResizeCommand {
  const resized = p.afterResize || request.stepCursor >= RESIZE_CURSOR.RESIZED;
  return {
    kind: 'resize',
    diskId: p.diskId,
    sizeGiB: p.sizeGiB,
    offline: p.offline && !resized,
    noSnapshot: !p.snapshot,
    ...(resized ? { afterResize: true } : {}),
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.names ? { names: p.names } : {}),
  };
}

/** `/disk resize <disk> --size <GiB> [--offline] [--no-snapshot]` (issue 19). */
export const resizeDomain: KindDomain<'resize'> = {
  build: (command, policy, regionId): KindBuild<'resize'> => {
    const params = resizeParams(command, regionId);
    return {
      params,
      plan: resizePlan(params),
      checks: resizeStaticChecks(params, policy.limits.maxSizeGiB),
      allowSingleNodeFs: false,
      force: false,
      emergency: false,
    };
  },
  quorum: (policy) => policy.actions.resize.quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: (p, ran) => resizeRetry(ran, p),
  // Retry of a resize past its ResizeDisk already resumes from the verification (`retry` above).
  finishes: undefined,
  summary: (p, named) => ({ text: resizeSummary(p, named) }),
  // The disk by id or name; its instances are the disk's attachments (locked, and named in results).
  names: {
    namesAttached: false,
    instancesOfDisk: true,
    refs: (command) => ({ disk: command.diskId, instances: [] }),
    withIds: (command, ids) => ({
      ...command,
      diskId: ids.diskId,
      instanceIds: [...ids.instanceIds],
      ...namesOf({ names: ids.names }),
    }),
  },
};
