/**
 * `/disk snapshot`: the stored parameters and the plan the approvers see. Pure; a file of its own
 * because it reads `toJsonParams`, whose module imports this kind's params schema from `domain.ts`.
 */
import type { PlanStep, RequestKind, RequestParams } from '../../workflow/request.js';
import { toJsonParams } from '../../workflow/request-params.js';
import type { SnapshotCommand, SnapshotParams } from './domain.js';

export interface BuiltLifecycle {
  readonly kind: RequestKind;
  readonly params: RequestParams;
  readonly plan: PlanStep[];
  readonly checks: [];
  readonly allowSingleNodeFs: false;
  readonly emergency: false;
  readonly force: false;
}

/** CreateSnapshot as the plan shows it: named after the request, tagged, idempotent. */
export function snapshotPlanSteps(
  diskId: string,
  retentionDays: number | undefined,
  why: string,
): PlanStep[] {
  return [
    {
      action: 'CreateSnapshot',
      params: {
        DiskId: diskId,
        SnapshotName: `shared-disk-bot <request> ${why} by <requester>`,
        ...(retentionDays === undefined ? {} : { RetentionDays: retentionDays }),
        Tags: 'request, requester, managed',
        ClientToken: 'from the request id',
      },
    },
    { action: 'DescribeSnapshots', params: { Wait: 'accomplished' } },
  ];
}

export function buildSnapshot(command: SnapshotCommand, regionId: string): BuiltLifecycle {
  const params: SnapshotParams = {
    diskId: command.diskId,
    regionId,
    ...(command.retentionDays === undefined ? {} : { retentionDays: command.retentionDays }),
    ...(command.reason ? { reason: command.reason } : {}),
  };
  return {
    kind: 'snapshot',
    params: toJsonParams(params),
    plan: snapshotPlanSteps(command.diskId, command.retentionDays, 'snapshot'),
    checks: [],
    allowSingleNodeFs: false,
    emergency: false,
    force: false,
  };
}
