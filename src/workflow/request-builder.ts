import type { DiskCommand } from '../commands/index.js';
import type { CommandOf } from '../kinds/domain.js';
import { domainOf } from '../kinds/domain-registry.js';
import type { Policy } from './policy.js';
import type { Check, PlanStep, RequestKind, RequestParams } from './request.js';
import { toJsonParams } from './request-params.js';

export { CREATED_BLANK_TAG, DEFAULT_ESSD_PL, SIZE_RANGES } from './disk-limits.js';

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

/**
 * Turns a parsed request command into what the workflow stores: normalised parameters, the exact
 * cloud calls (the plan) and every check that needs no cloud call. Pure; cloud preflight adds more.
 */
export function buildRequest(command: RequestCommand, policy: Policy, defaultRegion: string): BuiltRequest {
  const regionId = ('regionId' in command && command.regionId) || policy.region || defaultRegion;
  return buildKind(command.kind, command, policy, regionId);
}

/** The kind's own builder (src/kinds/<kind>/domain.ts); the params are stored as plain JSON. */
function buildKind<K extends RequestKind>(
  kind: K,
  command: CommandOf<K>,
  policy: Policy,
  regionId: string,
): BuiltRequest {
  const built = domainOf(kind).build(command, policy, regionId);
  return { ...built, kind, params: toJsonParams(built.params) };
}
