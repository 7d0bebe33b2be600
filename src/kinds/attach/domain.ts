import type { Policy } from '../../workflow/policy.js';
import type { Check, PlanStep } from '../../workflow/request.js';
import { type KindDomain, namesOf, type QuorumOptions } from '../domain.js';

/** `--allow-single-node-fs` raises the quorum to `singleNodeFs.quorum`, never lowers it. */
const quorum = (policy: Policy, options: QuorumOptions): number =>
  options.allowSingleNodeFs
    ? Math.max(policy.actions.attach.quorum, policy.singleNodeFs.quorum)
    : policy.actions.attach.quorum;

/** `/disk attach <disk> <instance…> [--allow-single-node-fs]`: one AttachDisk per instance. */
export const attachDomain: KindDomain<'attach'> = {
  build: (command, policy, regionId) => {
    const checks: Check[] = [];
    if (command.allowSingleNodeFs) {
      checks.push({
        code: 'single_node_fs_override',
        level: 'danger',
        message:
          `--allow-single-node-fs: if this disk holds ext4, XFS or another single-node file system, mounting it on two instances corrupts data. ` +
          `Needs ${quorum(policy, { allowSingleNodeFs: true })} approvals.`,
      });
    }
    const plan: PlanStep[] = command.instanceIds.map((instanceId) => ({
      action: 'AttachDisk',
      params: { DiskId: command.diskId, InstanceId: instanceId },
    }));
    return {
      params: {
        diskId: command.diskId,
        instanceIds: command.instanceIds,
        allowSingleNodeFs: command.allowSingleNodeFs,
        regionId,
        ...(command.reason ? { reason: command.reason } : {}),
        ...namesOf(command),
        ...(command.finishes ? { finishes: command.finishes } : {}),
      },
      plan,
      checks,
      allowSingleNodeFs: command.allowSingleNodeFs,
      force: false,
      emergency: false,
    };
  },
  quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: (p) => ({
    kind: 'attach',
    diskId: p.diskId,
    instanceIds: p.instanceIds,
    allowSingleNodeFs: p.allowSingleNodeFs,
    ...(p.reason ? { reason: p.reason } : {}),
  }),
  // A partial attach attached some instances: its retry recognises them and runs the steps after the attach.
  finishes: (command, partialId) => ({ ...command, finishes: partialId }),
  summary: (p, named) => ({ head: `attach ${named(p.diskId)} to `, list: p.instanceIds.map(named) }),
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
