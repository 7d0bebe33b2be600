/**
 * Every request kind's pure half, total over `RequestKind` (src/kinds/kinds.ts): a kind missing
 * here, or an entry missing a part of `KindDomain`, does not compile. The builder, approvals,
 * freeze, filing, the card, Retry and name resolution ask the kind through this table. Pure:
 * importable by src/commands, src/workflow, src/app and src/slack.
 */
import type { DiskCommand } from '../commands/index.js';
import type { DiskRequest, RequestParams } from '../workflow/request.js';
import { readParams } from '../workflow/request-params.js';
import { attachDomain } from './attach/domain.js';
import { createDomain } from './create/domain.js';
import { deleteDomain } from './delete/domain.js';
import { detachDomain } from './detach/domain.js';
import type { CommandOf, KindDomain, KindSummary } from './domain.js';
import { failoverDomain } from './failover/domain.js';
import { initDomain } from './init/domain.js';
import type { RequestKind } from './kinds.js';
import { resizeDomain } from './resize/domain.js';
import { snapshotDomain } from './snapshot/domain.js';
import { unfreezeDomain } from './unfreeze/domain.js';

export type KindDomains = { readonly [K in RequestKind]: KindDomain<K> };

export const KIND_DOMAINS: KindDomains = {
  create: createDomain,
  attach: attachDomain,
  detach: detachDomain,
  failover: failoverDomain,
  init: initDomain,
  unfreeze: unfreezeDomain,
  resize: resizeDomain,
  snapshot: snapshotDomain,
  delete: deleteDomain,
};

/** The pure half of `kind`, typed by it (the correlated-union lookup: no cast at the caller). */
export function domainOf<K extends RequestKind>(kind: K): KindDomain<K> {
  return KIND_DOMAINS[kind];
}

/** Whether a parsed command files a request (then its kind's module handles it). */
export function isRequestCommand(command: DiskCommand): command is CommandOf<RequestKind> {
  return Object.hasOwn(KIND_DOMAINS, command.kind);
}

/** What Retry reads of a finished request: how far it ran too (a resize past its ResizeDisk resumes from the verification). */
export type RetrySource<K extends RequestKind> = Pick<
  DiskRequest,
  'id' | 'state' | 'params' | 'stepCursor'
> & {
  kind: K;
};

/** Whether Retry on `request` finishes it (a partial result of a kind that can) rather than filing it again. */
export const retryFinishes = (request: Pick<DiskRequest, 'kind' | 'state'>): boolean =>
  request.state === 'partial' && domainOf(request.kind).finishes !== undefined;

/**
 * The Retry command of a finished request: the same parameters, marked to finish it when
 * `retryFinishes`; undefined when the stored parameters do not fit the kind.
 */
export function retryOf<K extends RequestKind>(request: RetrySource<K>): CommandOf<K> | undefined {
  const params = readParams(request.kind, request.params);
  if (!params) return undefined;
  const domain = domainOf(request.kind);
  const command = domain.retry(params, request);
  return domain.finishes && retryFinishes(request) ? domain.finishes(command, request.id) : command;
}

/** The card summary of stored parameters; undefined when they do not fit the kind. */
export function summaryOf<K extends RequestKind>(
  kind: K,
  stored: RequestParams,
  named: (id: string) => string,
): KindSummary | undefined {
  const params = readParams(kind, stored);
  return params && domainOf(kind).summary(params, named);
}
