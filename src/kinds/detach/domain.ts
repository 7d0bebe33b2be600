import type { Policy } from '../../workflow/policy.js';
import type { PlanStep } from '../../workflow/request.js';
import { type KindDomain, namesOf, type QuorumOptions } from '../domain.js';

/** `detach --force` raises the quorum to `detachMounted.quorum`, never lowers it. */
const quorum = (policy: Policy, options: QuorumOptions): number =>
  options.force
    ? Math.max(policy.actions.detach.quorum, policy.detachMounted.quorum)
    : policy.actions.detach.quorum;

/** `/disk detach <disk> <instance…> [--force]`: one DetachDisk per instance. */
export const detachDomain: KindDomain<'detach'> = {
  build: (command, policy, regionId) => {
    const plan: PlanStep[] = command.instanceIds.map((instanceId) => ({
      action: 'DetachDisk',
      params: { DiskId: command.diskId, InstanceId: instanceId },
    }));
    return {
      params: {
        diskId: command.diskId,
        instanceIds: command.instanceIds,
        force: command.force,
        regionId,
        ...(command.reason ? { reason: command.reason } : {}),
        ...namesOf(command),
      },
      plan,
      checks: command.force
        ? [
            {
              code: 'detach_force',
              level: 'danger',
              message: `--force: detaches even where ${command.diskId} is mounted read-write; writes not yet flushed there are lost and the application sees I/O errors. Needs ${quorum(policy, { force: true })} approvals.`,
            },
          ]
        : [],
      allowSingleNodeFs: false,
      force: command.force,
      emergency: false,
    };
  },
  quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: (p) => ({
    kind: 'detach',
    diskId: p.diskId,
    instanceIds: p.instanceIds,
    force: p.force,
    ...(p.reason ? { reason: p.reason } : {}),
  }),
  summary: (p, named) => ({ head: `detach ${named(p.diskId)} from `, list: p.instanceIds.map(named) }),
  finishes: undefined,
  names: {
    namesAttached: false,
    refs: (command) => ({ disk: command.diskId, instances: command.instanceIds }),
    withIds: (command, ids) => ({
      ...command,
      diskId: ids.diskId,
      instanceIds: [...ids.instanceIds],
      names: ids.names,
    }),
  },
};
