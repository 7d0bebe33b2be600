/**
 * `/disk delete`: the stored parameters and the plan the approvers see (final snapshot, the
 * re-check of the delete moment, DeleteDisk, the proof that it is gone). Pure.
 */

import type { PlanStep } from '../../workflow/request.js';
import { toJsonParams } from '../../workflow/request-params.js';
import { type BuiltLifecycle, snapshotPlanSteps } from '../snapshot/builder.js';
import type { DeleteCommand, DeleteParams } from './domain.js';

export function buildDelete(command: DeleteCommand, regionId: string): BuiltLifecycle {
  const params: DeleteParams = {
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
  return {
    kind: 'delete',
    params: toJsonParams(params),
    plan,
    checks: [],
    allowSingleNodeFs: false,
    emergency: false,
    force: false,
  };
}
