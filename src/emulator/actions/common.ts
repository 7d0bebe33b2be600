/** What every action handler shares: its signature, the region check, paging and ClientToken replay. */
import { EcsError, invalid, missing } from '../errors.js';
import type { Params } from '../params.js';
import type { World } from '../world.js';

export interface ActionContext {
  params: Params;
  world: World;
}

/** Returns the response body without `RequestId`, which the server adds. */
export type ActionHandler = (ctx: ActionContext) => Record<string, unknown>;

export function requireRegion(ctx: ActionContext, required = true): void {
  const region = ctx.params.str('RegionId');
  if (region === undefined) {
    if (required) throw missing('RegionId');
    return;
  }
  if (region !== ctx.world.regionId) throw new EcsError('InvalidRegionId.NotFound');
}

export interface Page<T> {
  items: T[];
  meta: { TotalCount: number; PageNumber: number; PageSize: number; NextToken: string };
}

const encodeToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url');

function decodeToken(token: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m) throw invalid('NextToken', 'the token was not issued by this service');
  return Number(m[1]);
}

/**
 * Both paging styles of ECS: `NextToken`/`MaxResults` when either is given, else
 * `PageNumber`/`PageSize`. `NextToken` is empty on the last page.
 */
export function paginate<T>(
  items: readonly T[],
  p: Params,
  limits: { defaultSize: number; maxPageSize: number; maxResults: number },
): Page<T> {
  const tokenMode = p.str('NextToken') !== undefined || p.str('MaxResults') !== undefined;
  let offset: number;
  let size: number;
  let pageNumber: number;
  if (tokenMode) {
    size = p.int('MaxResults', { min: 1, max: limits.maxResults }) ?? limits.defaultSize;
    const token = p.str('NextToken');
    offset = token === undefined ? 0 : decodeToken(token);
    pageNumber = Math.floor(offset / size) + 1;
  } else {
    size = p.int('PageSize', { min: 1, max: limits.maxPageSize }) ?? limits.defaultSize;
    pageNumber = p.int('PageNumber', { min: 1 }) ?? 1;
    offset = (pageNumber - 1) * size;
  }
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    meta: {
      TotalCount: items.length,
      PageNumber: pageNumber,
      PageSize: size,
      NextToken: end < items.length ? encodeToken(end) : '',
    },
  };
}

/** Signature and transport parameters of the v1 form: not part of what the caller asked for. */
const NOT_BUSINESS = new Set([
  'Action',
  'Version',
  'Format',
  'Timestamp',
  'SignatureNonce',
  'SignatureMethod',
  'SignatureVersion',
  'Signature',
  'AccessKeyId',
  'SecurityToken',
  'ClientToken',
]);

function fingerprint(p: Params): string {
  const entries = Object.entries(p.raw)
    .filter(([k]) => !NOT_BUSINESS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(entries);
}

/**
 * ClientToken semantics of ECS: the same token with the same parameters returns the first answer
 * without acting again; with other parameters it is `IdempotentParameterMismatch`.
 */
export function idempotent(
  ctx: ActionContext,
  action: string,
  run: () => Record<string, unknown>,
): Record<string, unknown> {
  const token = ctx.params.str('ClientToken');
  if (token === undefined) return run();
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token))
    throw invalid('ClientToken', 'at most 64 ASCII characters');
  const key = `${action}\n${token}`;
  const print = fingerprint(ctx.params);
  const seen = ctx.world.idempotency.get(key);
  if (seen) {
    if (seen.fingerprint !== print) throw new EcsError('IdempotentParameterMismatch');
    return seen.body;
  }
  const body = run();
  ctx.world.idempotency.set(key, { fingerprint: print, body });
  return body;
}

export function findOr404<T>(
  map: ReadonlyMap<string, T>,
  id: string,
  code: 'InvalidDiskId.NotFound' | 'InvalidInstanceId.NotFound',
): T {
  const hit = map.get(id);
  if (hit === undefined) throw new EcsError(code);
  return hit;
}
