/** `/disk delete` (issue 19), the pure half the workflow, the card and Retry ask (`KindDomain`). */
import type { PlanStep } from '../../workflow/request.js';
import type { KindDomain } from '../domain.js';
import type { ParamsOf } from '../kinds.js';
import { snapshotPlanSteps } from '../snapshot/domain.js';
import { deleteSummary, retryDelete } from './grammar.js';

export const deleteDomain: KindDomain<'delete'> = {
  build: (command, _policy, regionId) => {
    const params: ParamsOf['delete'] = {
      diskId: command.diskId,
      regionId,
      skipFinalSnapshot: command.skipFinalSnapshot,
      ...(command.reason ? { reason: command.reason } : {}),
    };
    const plan: PlanStep[] = [
      ...(command.skipFinalSnapshot ? [] : snapshotPlanSteps(command.diskId, undefined, 'final snapshot')),
      {
        action: 'DescribeDisks',
        params: { DiskIds: command.diskId, Verify: 'Available, managed, attached nowhere' },
      },
      { action: 'DeleteDisk', params: { DiskId: command.diskId } },
      { action: 'DescribeDisks', params: { DiskIds: command.diskId, Verify: 'gone' } },
    ];
    return { params, plan, checks: [], allowSingleNodeFs: false, force: false, emergency: false };
  },
  /** It cannot be undone: two approvals unless the policy file says otherwise. */
  quorum: (policy) => policy.actions.delete.quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: retryDelete,
  finishes: undefined,
  summary: (p) => ({ text: deleteSummary(p) }),
  names: {
    namesAttached: false,
    refs: (command) => ({ disk: command.diskId, instances: [] }),
    withIds: (command, ids) => ({ ...command, diskId: ids.diskId }),
  },
};
