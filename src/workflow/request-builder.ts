import { createHash } from 'node:crypto';
import type { DiskCommand } from '../commands/index.js';
import { requiredQuorum } from './approvers.js';
import { buildInit } from './init-builder.js';
import type { Policy } from './policy.js';
import type { Check, PlanStep, RequestKind, RequestParams } from './request.js';
import { type ParamsOf, toJsonParams } from './request-params.js';

/** Size limits per category and performance level, GiB (multi-attach-facts.md). */
export const SIZE_RANGES: Readonly<Record<string, { min: number; max: number }>> = {
  'cloud_essd:PL0': { min: 1, max: 65_536 },
  'cloud_essd:PL1': { min: 20, max: 65_536 },
  'cloud_essd:PL2': { min: 461, max: 65_536 },
  'cloud_essd:PL3': { min: 1_261, max: 65_536 },
  cloud_auto: { min: 1, max: 65_536 },
  cloud_regional_disk_auto: { min: 10, max: 65_536 },
};

/** ECS defaults an ESSD without a PL to PL1; the plan names it so approvers see what will exist. */
export const DEFAULT_ESSD_PL = 'PL1';

/**
 * Tagged on every disk the bot creates (so the plan shows it): with no attachment and no
 * `DetachedTime` such a disk is known to be blank, and an attach to many instances fans out at once.
 */
export const CREATED_BLANK_TAG = { key: 'shared-disk-bot:content', value: 'blank-at-creation' } as const;

export type RequestCommand = Extract<DiskCommand, { kind: RequestKind }>;

export interface BuiltRequest {
  readonly kind: RequestKind;
  readonly params: RequestParams;
  readonly plan: PlanStep[];
  /** Checks that need no cloud call; any `error` means the request must not be opened. */
  readonly checks: Check[];
  readonly allowSingleNodeFs: boolean;
  /** `detach --force`: raises the quorum to `detachMounted.quorum`. */
  readonly force: boolean;
  readonly emergency: boolean;
}

const ok = (code: string, message: string): Check => ({ code, level: 'ok', message });
const error = (code: string, message: string): Check => ({ code, level: 'error', message });

function createChecks(params: ParamsOf['create'], policy: Policy): Check[] {
  const checks: Check[] = [];
  const { limits } = policy;
  if (!limits.categories.includes(params.category)) {
    checks.push(
      error(
        'category_not_allowed',
        `Category ${params.category} is not allowed by policy (allowed: ${limits.categories.join(', ')}).`,
      ),
    );
  }
  const rangeKey =
    params.category === 'cloud_essd'
      ? `cloud_essd:${params.performanceLevel ?? DEFAULT_ESSD_PL}`
      : params.category;
  const range = SIZE_RANGES[rangeKey];
  if (range && (params.sizeGiB < range.min || params.sizeGiB > range.max)) {
    checks.push(
      error(
        'size_out_of_range',
        `${params.sizeGiB} GiB is outside ${rangeKey.replace(':', ' ')}'s range of ${range.min}–${range.max} GiB; change --size or --pl.`,
      ),
    );
  } else if (range) {
    checks.push(
      ok(
        'size_in_range',
        `${params.sizeGiB} GiB fits ${rangeKey.replace(':', ' ')} (${range.min}–${range.max} GiB).`,
      ),
    );
  }
  if (params.sizeGiB > limits.maxSizeGiB) {
    checks.push(
      error(
        'size_over_policy_limit',
        `${params.sizeGiB} GiB is over the policy limit of ${limits.maxSizeGiB} GiB.`,
      ),
    );
  }
  if (params.category !== 'cloud_regional_disk_auto' && !params.zoneId) {
    checks.push(
      error(
        'zone_required',
        'A zonal disk needs --zone (the zone of the instances it will serve), e.g. --zone cn-hangzhou-i.',
      ),
    );
  }
  if (params.zoneId && limits.zones.length > 0 && !limits.zones.includes(params.zoneId)) {
    checks.push(
      error(
        'zone_not_allowed',
        `Zone ${params.zoneId} is not allowed by policy (allowed: ${limits.zones.join(', ')}).`,
      ),
    );
  }
  checks.push(
    ok('billing', 'Pay-as-you-go, created with MultiAttach=Enabled (it cannot be switched on later).'),
  );
  return checks;
}

function createPlan(params: ParamsOf['create']): PlanStep[] {
  const tagParams = Object.fromEntries(
    [...params.tags, CREATED_BLANK_TAG].flatMap((tag, i) => [
      [`Tag.${i + 1}.Key`, tag.key],
      [`Tag.${i + 1}.Value`, tag.value],
    ]),
  );
  return [
    {
      action: 'CreateDisk',
      params: {
        RegionId: params.regionId,
        ...(params.zoneId ? { ZoneId: params.zoneId } : {}),
        DiskName: params.name,
        DiskCategory: params.category,
        ...(params.category === 'cloud_essd'
          ? { PerformanceLevel: params.performanceLevel ?? DEFAULT_ESSD_PL }
          : {}),
        Size: params.sizeGiB,
        MultiAttach: 'Enabled',
        ...(params.provisionedIops === undefined ? {} : { ProvisionedIops: params.provisionedIops }),
        ...(params.burstingEnabled ? { BurstingEnabled: true } : {}),
        ...tagParams,
      },
    },
  ];
}

/** The display names resolved for the command, when there are any. */
const namesOf = (command: { names?: Readonly<Record<string, string>> }) =>
  command.names && Object.keys(command.names).length > 0 ? { names: { ...command.names } } : {};

/**
 * Turns a parsed request command into what the workflow stores: normalised parameters, the exact
 * cloud calls (the plan) and every check that needs no cloud call. Pure; cloud preflight adds more.
 */
export function buildRequest(command: RequestCommand, policy: Policy, defaultRegion: string): BuiltRequest {
  const regionId = ('regionId' in command && command.regionId) || policy.region || defaultRegion;
  switch (command.kind) {
    case 'create': {
      const params: ParamsOf['create'] = {
        name: command.name,
        sizeGiB: command.sizeGiB,
        category: command.category,
        ...(command.category === 'cloud_essd'
          ? { performanceLevel: command.performanceLevel ?? DEFAULT_ESSD_PL }
          : {}),
        regionId,
        ...(command.zoneId ? { zoneId: command.zoneId } : {}),
        ...(command.provisionedIops === undefined ? {} : { provisionedIops: command.provisionedIops }),
        burstingEnabled: command.burstingEnabled,
        allowDuplicateName: command.allowDuplicateName,
        tags: command.tags.map((t) => ({ key: t.key, value: t.value })),
        ...(command.reason ? { reason: command.reason } : {}),
      };
      return {
        kind: 'create',
        params: toJsonParams(params),
        plan: createPlan(params),
        checks: createChecks(params, policy),
        allowSingleNodeFs: false,
        force: false,
        emergency: false,
      };
    }
    case 'attach': {
      const params: ParamsOf['attach'] = {
        diskId: command.diskId,
        instanceIds: command.instanceIds,
        allowSingleNodeFs: command.allowSingleNodeFs,
        regionId,
        ...(command.reason ? { reason: command.reason } : {}),
        ...namesOf(command),
        ...(command.finishes ? { finishes: command.finishes } : {}),
      };
      const checks: Check[] = [];
      if (command.allowSingleNodeFs) {
        checks.push({
          code: 'single_node_fs_override',
          level: 'danger',
          message:
            `--allow-single-node-fs: if this disk holds ext4, XFS or another single-node file system, mounting it on two instances corrupts data. ` +
            `Needs ${requiredQuorum(policy, 'attach', { allowSingleNodeFs: true })} approvals.`,
        });
      }
      const plan: PlanStep[] = command.instanceIds.map((instanceId) => ({
        action: 'AttachDisk',
        params: { DiskId: command.diskId, InstanceId: instanceId },
      }));
      return {
        kind: 'attach',
        params: toJsonParams(params),
        plan,
        checks,
        allowSingleNodeFs: command.allowSingleNodeFs,
        force: false,
        emergency: false,
      };
    }
    case 'detach': {
      const params: ParamsOf['detach'] = {
        diskId: command.diskId,
        instanceIds: command.instanceIds,
        force: command.force,
        regionId,
        ...(command.reason ? { reason: command.reason } : {}),
        ...namesOf(command),
      };
      const plan: PlanStep[] = command.instanceIds.map((instanceId) => ({
        action: 'DetachDisk',
        params: { DiskId: command.diskId, InstanceId: instanceId },
      }));
      return {
        kind: 'detach',
        params: toJsonParams(params),
        plan,
        checks: command.force
          ? [
              {
                code: 'detach_force',
                level: 'danger',
                message: `--force: detaches even where ${command.diskId} is mounted read-write; writes not yet flushed there are lost and the application sees I/O errors. Needs ${requiredQuorum(policy, 'detach', { force: true })} approvals.`,
              },
            ]
          : [],
        allowSingleNodeFs: false,
        force: command.force,
        emergency: false,
      };
    }
    case 'failover': {
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
        kind: 'failover',
        params: toJsonParams(params),
        plan,
        checks,
        allowSingleNodeFs: false,
        force: false,
        emergency: command.emergencyReason !== undefined,
      };
    }
    case 'init':
      return buildInit(command, regionId);
    case 'unfreeze': {
      // No cloud call: its one step lifts the freeze; filing has checked that one is in force.
      const params: ParamsOf['unfreeze'] = command.reason === undefined ? {} : { reason: command.reason };
      return {
        kind: 'unfreeze',
        params: toJsonParams(params),
        plan: [],
        checks: [],
        allowSingleNodeFs: false,
        force: false,
        emergency: false,
      };
    }
  }
}
