/** `/disk snapshot` (issue 19), the pure half the workflow, the card and Retry ask (`KindDomain`). */
import type { PlanStep } from '../../workflow/request.js';
import type { KindDomain } from '../domain.js';
import type { ParamsOf } from '../kinds.js';
import { retrySnapshot, snapshotSummary } from './grammar.js';

/** CreateSnapshot as the plan shows it: named after the request, tagged, idempotent; then the wait. */
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

export const snapshotDomain: KindDomain<'snapshot'> = {
  build: (command, _policy, regionId) => {
    const params: ParamsOf['snapshot'] = {
      diskId: command.diskId,
      regionId,
      ...(command.retentionDays === undefined ? {} : { retentionDays: command.retentionDays }),
      ...(command.reason ? { reason: command.reason } : {}),
    };
    return {
      params,
      plan: snapshotPlanSteps(command.diskId, command.retentionDays, 'snapshot'),
      checks: [],
      allowSingleNodeFs: false,
      force: false,
      emergency: false,
    };
  },
  /** One approval unless the policy file says otherwise. */
  quorum: (policy) => policy.actions.snapshot.quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: retrySnapshot,
  finishes: undefined,
  summary: (p) => ({ text: snapshotSummary(p) }),
  // The disk only, by id (a disk id needs no lookup).
  names: {
    namesAttached: false,
    refs: (command) => ({ disk: command.diskId, instances: [] }),
    withIds: (command, ids) => ({ ...command, diskId: ids.diskId }),
  },
};
