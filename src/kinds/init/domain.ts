import {
  clusterNameFor,
  DEFAULT_SLOTS,
  defaultLabelFor,
  fsUuidFor,
  OCFS2_PORT,
} from '../../workflow/ocfs2-cluster.js';
import type { PlanStep } from '../../workflow/request.js';
import { type KindDomain, namesOf } from '../domain.js';
import type { ParamsOf } from '../kinds.js';

const EVERY = 'every attached instance';

/** `/disk init --fs ocfs2`: parameters and the plan the approvers see (issue 14). */
export const initDomain: KindDomain<'init'> = {
  build: (command, _policy, regionId) => {
    const params: ParamsOf['init'] = {
      diskId: command.diskId,
      regionId,
      fs: command.fs,
      mountpoint: command.mountpoint,
      slots: command.slots ?? DEFAULT_SLOTS,
      label: command.label ?? defaultLabelFor(command.diskId),
      cluster: clusterNameFor(command.diskId),
      uuid: fsUuidFor(command.diskId),
      ...(command.reason ? { reason: command.reason } : {}),
      ...(command.finishes ? { finishes: command.finishes } : {}),
      ...namesOf(command),
    };
    const run = (script: string, extra: Record<string, string | number>): PlanStep => ({
      action: 'InvokeCommand',
      params: { Script: script, ...extra },
    });
    const mountAndVerify = [
      run('ocfs2-mount', { On: EVERY, Mount: params.mountpoint, Fstab: '_netdev' }),
      run('inspect', { On: EVERY, Verify: `ocfs2 rw at ${params.mountpoint}` }),
    ];
    // Finishing a partial init: the format is done (the steps never format twice), so only the mount runs.
    const plan: PlanStep[] = params.finishes
      ? mountAndVerify
      : [
          run('ocfs2-cluster', {
            On: EVERY,
            Cluster: params.cluster,
            Port: OCFS2_PORT,
            Stack: 'o2cb online',
          }),
          run('ocfs2-probe', { On: EVERY, Check: 'no signature anywhere, right before the format' }),
          run('ocfs2-format', {
            On: 'node 0 only',
            Slots: params.slots,
            Label: params.label,
            Uuid: params.uuid,
          }),
          ...mountAndVerify,
        ];
    return { params, plan, checks: [], allowSingleNodeFs: false, force: false, emergency: false };
  },
  /** `/disk init` formats a disk: two approvals unless the policy file says otherwise. */
  quorum: (policy) => policy.actions.init.quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  // A failed init stopped before the format and is checked from scratch: a disk it formatted is refused.
  retry: (p) => ({
    kind: 'init',
    diskId: p.diskId,
    fs: p.fs,
    mountpoint: p.mountpoint,
    slots: p.slots,
    label: p.label,
    ...(p.reason ? { reason: p.reason } : {}),
  }),
  // A partial init formatted: its retry only mounts (the filing verifies the volume is this init's own).
  finishes: (command, partialId) => ({ ...command, finishes: partialId }),
  summary: (p, named) => ({
    text: `init ${named(p.diskId)} with ${p.fs} at ${p.mountpoint} (${p.slots} slots)`,
  }),
  // The card and the result name the disk and every node the cluster will have (its attachments).
  names: {
    namesAttached: true,
    refs: (command) => ({ disk: command.diskId, instances: [] }),
    withIds: (command, ids) => ({ ...command, diskId: ids.diskId, names: ids.names }),
  },
};
