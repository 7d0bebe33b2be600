import { createHash } from 'node:crypto';
import type { PlanStep, RequestParams } from './request.js';

/**
 * JSON with object keys sorted at every level, so two equal values always serialise the same way
 * whatever order their keys were built in. Array order is meaningful (plan steps run in order) and
 * kept; `undefined` members are dropped like `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(`canonicalJson: ${value} is not representable in JSON`);
    }
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * sha256 (hex) of the canonical JSON of the plan and the parameters it was built from. Approvals
 * bind to this value: a click whose hash differs from the stored one is refused (`plan_changed`).
 */
export function planHash(plan: readonly PlanStep[], params: RequestParams): string {
  return createHash('sha256')
    .update(canonicalJson({ v: 1, plan, params }))
    .digest('hex');
}
