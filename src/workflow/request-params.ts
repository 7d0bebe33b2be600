import { KINDS, type ParamsOf, type RequestKind } from '../kinds/kinds.js';
import type { RequestParams } from './request.js';

export type { ParamsOf } from '../kinds/kinds.js';

/**
 * Reads stored parameters back; undefined when they do not fit the kind (a corrupt or foreign
 * record). The one place a kind's schema output is named as `ParamsOf[K]`: indexing the schema
 * table with a generic kind loses the correlation TypeScript cannot follow through zod's types.
 */
export function readParams<K extends RequestKind>(kind: K, params: RequestParams): ParamsOf[K] | undefined {
  const parsed = KINDS[kind].params.safeParse(params);
  return parsed.success ? (parsed.data as ParamsOf[K]) : undefined;
}

/** Drops `undefined` members so the value is plain JSON (what the store and the plan hash see). */
export function toJsonParams(params: ParamsOf[RequestKind]): RequestParams {
  return JSON.parse(JSON.stringify(params)) as RequestParams;
}
