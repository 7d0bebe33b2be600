import type { ParamsOf, RequestKind } from '../kinds/kinds.js';
import type { RequestParams } from './request.js';

export { type ParamsOf, readParams } from '../kinds/kinds.js';

/** Drops `undefined` members so the value is plain JSON (what the store and the plan hash see). */
export function toJsonParams(params: ParamsOf[RequestKind]): RequestParams {
  return JSON.parse(JSON.stringify(params)) as RequestParams;
}
