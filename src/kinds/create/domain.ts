import { CREATED_BLANK_TAG, DEFAULT_ESSD_PL, SIZE_RANGES } from '../../workflow/disk-limits.js';
import type { Policy } from '../../workflow/policy.js';
import type { Check, PlanStep } from '../../workflow/request.js';
import type { KindDomain } from '../domain.js';
import type { ParamsOf } from '../kinds.js';

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

/** `/disk create`: one CreateDisk with MultiAttach=Enabled, tagged as blank at creation. */
export const createDomain: KindDomain<'create'> = {
  build: (command, policy, regionId) => {
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
      params,
      plan: createPlan(params),
      checks: createChecks(params, policy),
      allowSingleNodeFs: false,
      force: false,
      emergency: false,
    };
  },
  quorum: (policy) => policy.actions.create.quorum,
  allowsEmergency: () => false,
  frozen: () => true,
  liftsFreeze: false,
  retry: (p) => ({
    kind: 'create',
    name: p.name,
    sizeGiB: p.sizeGiB,
    category: p.category,
    ...(p.performanceLevel ? { performanceLevel: p.performanceLevel } : {}),
    ...(p.zoneId ? { zoneId: p.zoneId } : {}),
    regionId: p.regionId,
    ...(p.provisionedIops === undefined ? {} : { provisionedIops: p.provisionedIops }),
    burstingEnabled: p.burstingEnabled,
    allowDuplicateName: p.allowDuplicateName,
    tags: p.tags,
    ...(p.reason ? { reason: p.reason } : {}),
  }),
  summary: (p) => ({ text: `create ${p.name} (${p.sizeGiB} GiB ${p.category})` }),
  finishes: undefined,
  // A new disk has a name, not an id: nothing to resolve.
  names: undefined,
};
