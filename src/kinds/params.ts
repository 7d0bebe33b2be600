/**
 * The list of request kinds (issue 18): each kind's stored parameters, one line per kind. Every
 * other per-kind table (`KIND_DOMAINS`, `KIND_EXECUTIONS`) is total over the kinds named here, so
 * a line added here makes the compiler list every part the new kind still lacks. Pure: zod only.
 */
import type { z } from 'zod';
import { attachParamsSchema } from './attach/params.js';
import { createParamsSchema } from './create/params.js';
import { detachParamsSchema } from './detach/params.js';
import { failoverParamsSchema } from './failover/params.js';
import { initParamsSchema } from './init/params.js';
import { unfreezeParamsSchema } from './unfreeze/params.js';

export const KIND_PARAMS = {
  create: createParamsSchema,
  attach: attachParamsSchema,
  detach: detachParamsSchema,
  failover: failoverParamsSchema,
  init: initParamsSchema,
  unfreeze: unfreezeParamsSchema,
} as const;

/** What a request asks the cloud to do; one policy section per kind (design.md §4). */
export type RequestKind = keyof typeof KIND_PARAMS;

/** The kinds in declaration order, for zod enums and iteration. */
export const REQUEST_KINDS = Object.keys(KIND_PARAMS) as [RequestKind, ...RequestKind[]];

/**
 * The normalised parameters each request kind stores, shared by the card, preflight and the
 * executor. They are stored as JSON and read back through these schemas, never by casting.
 */
export type ParamsOf = { [K in RequestKind]: z.infer<(typeof KIND_PARAMS)[K]> };
