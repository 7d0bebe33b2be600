import { createHash } from 'node:crypto';
import type { Check, PlanStep } from '../../workflow/request.js';
import { type KindDomain, namesOf } from '../domain.js';
import type { ParamsOf } from '../kinds.js';

const ok = (code: string, message: string): Check => ({ code, level: 'ok', message });

/**
 * `/disk failover <disk> --from <primary> --to <standby> [--emergency <reason>]`: fence the old
 * primary (NVMe reservation preempt, or DetachDisk), then the standby takes over.
 */
export const failoverDomain: KindDomain<'failover'> = {
  build: (command, policy, regionId) => {
    const fencingMode = policy.fencing.mode;
    const hook = policy.actions.failover.takeoverHook;
    const mount = policy.fencing.takeover;
    const params: ParamsOf['failover'] = {
      diskId: command.diskId,
      fromInstanceId: command.fromInstanceId,
      toInstanceId: command.toInstanceId,
      regionId,
      fencingMode,
      ...(command.emergencyReason ? { emergencyReason: command.emergencyReason } : {}),
      ...(hook ? { takeoverHook: { script: hook.script, timeoutSec: hook.timeoutSec } } : {}),
      ...(mount ? { takeoverMount: { mount: mount.mount, options: mount.options } } : {}),
      ...namesOf(command),
    };
    const on = (script: string, extra: Record<string, string> = {}): PlanStep => ({
      action: 'InvokeCommand',
      params: { InstanceId: command.toInstanceId, Script: script, ...extra },
    });
    const attach: PlanStep = {
      action: 'AttachDisk',
      params: { DiskId: command.diskId, InstanceId: command.toInstanceId, IfNotAttached: true },
    };
    // Reservation mode attaches first: the standby needs the device to issue the preempt.
    const plan: PlanStep[] =
      fencingMode === 'reservation'
        ? [
            attach,
            on('nvme-register'),
            on('nvme-preempt', { Victim: command.fromInstanceId }),
            on('nvme-report', { Verify: 'standby holds, victim gone' }),
          ]
        : [
            {
              action: 'DetachDisk',
              params: { DiskId: command.diskId, InstanceId: command.fromInstanceId },
            },
            attach,
          ];
    if (mount) plan.push(on('takeover-mount', { Mount: mount.mount, Options: mount.options }));
    if (hook)
      plan.push(
        on('takeover-hook', {
          Sha256: createHash('sha256').update(hook.script).digest('hex').slice(0, 16),
        }),
      );
    plan.push(on('inspect'));
    const checks: Check[] = [
      ok(
        'fencing',
        `Fencing by ${fencingMode === 'reservation' ? 'NVMe reservation preempt' : 'DetachDisk'}; never skipped.`,
      ),
      ok(
        'takeover',
        mount || hook
          ? `After the verified fence: ${[mount ? `mount ${mount.mount} (${mount.options}) on ${command.toInstanceId}, verified by inspect` : '', hook ? 'the takeover hook' : ''].filter(Boolean).join(', then ')}.`
          : `Takeover: none configured; nothing will be mounted or started on ${command.toInstanceId}.`,
      ),
    ];
    if (command.emergencyReason) {
      checks.push({
        code: 'emergency',
        level: 'warning',
        message: `Emergency failover: ${command.emergencyReason}`,
      });
    }
    return {
      params,
      plan,
      checks,
      allowSingleNodeFs: false,
      force: false,
      emergency: command.emergencyReason !== undefined,
    };
  },
  // Emergency applies only with the policy's emergency section: its quorum (usually 0) replaces the normal one.
  quorum: (policy, options) => {
    const emergency = policy.actions.failover.emergency;
    return options.emergency && emergency ? emergency.quorum : policy.actions.failover.quorum;
  },
  allowsEmergency: (policy) => policy.actions.failover.emergency !== undefined,
  frozen: (policy) => !policy.freeze.allowFailover,
  liftsFreeze: false,
  retry: (p) => ({
    kind: 'failover',
    diskId: p.diskId,
    fromInstanceId: p.fromInstanceId,
    toInstanceId: p.toInstanceId,
    ...(p.emergencyReason ? { emergencyReason: p.emergencyReason } : {}),
  }),
  summary: (p, named) => ({
    text: `failover ${named(p.diskId)} from ${named(p.fromInstanceId)} to ${named(p.toInstanceId)}`,
  }),
  finishes: undefined,
  names: {
    namesAttached: false,
    refs: (command) => ({ disk: command.diskId, instances: [command.fromInstanceId, command.toInstanceId] }),
    withIds: (command, ids) => {
      const [from, to] = ids.instanceIds;
      if (from === undefined) return command;
      return {
        ...command,
        diskId: ids.diskId,
        fromInstanceId: from,
        toInstanceId: to ?? from,
        names: ids.names,
      };
    },
  },
};
