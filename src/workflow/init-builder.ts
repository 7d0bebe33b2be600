/** `/disk init --fs ocfs2`: parameters and the plan the approvers see (issue 14). */
import type { DiskCommand } from '../commands/index.js';
import { clusterNameFor, DEFAULT_SLOTS, defaultLabelFor, fsUuidFor, OCFS2_PORT } from './ocfs2-cluster.js';
import type { PlanStep, RequestKind, RequestParams } from './request.js';
import { type ParamsOf, toJsonParams } from './request-params.js';

export interface BuiltInit {
  readonly kind: RequestKind;
  readonly params: RequestParams;
  readonly plan: PlanStep[];
  readonly checks: [];
  readonly allowSingleNodeFs: false;
  readonly emergency: false;
  readonly force: false;
}

const EVERY = 'every attached instance';

export function buildInit(command: Extract<DiskCommand, { kind: 'init' }>, regionId: string): BuiltInit {
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
    ...(command.names && Object.keys(command.names).length > 0 ? { names: { ...command.names } } : {}),
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
        run('ocfs2-cluster', { On: EVERY, Cluster: params.cluster, Port: OCFS2_PORT, Stack: 'o2cb online' }),
        run('ocfs2-probe', { On: EVERY, Check: 'no signature anywhere, right before the format' }),
        run('ocfs2-format', {
          On: 'node 0 only',
          Slots: params.slots,
          Label: params.label,
          Uuid: params.uuid,
        }),
        ...mountAndVerify,
      ];
  return {
    kind: 'init',
    params: toJsonParams(params),
    plan,
    checks: [],
    allowSingleNodeFs: false,
    emergency: false,
    force: false,
  };
}
