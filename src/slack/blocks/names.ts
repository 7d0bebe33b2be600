/**
 * Names next to ids. Requests store the names of their disk and instances (resolved when they
 * were filed) under `params.names`; every surface that shows an id shows `name (id)` through here.
 */
import type { RequestParams } from '../../workflow/request.js';

function namesOf(params: RequestParams): Readonly<Record<string, unknown>> {
  const names = params.names;
  return names && typeof names === 'object' && !Array.isArray(names) ? names : {};
}

/** The name the request stored for an id, or undefined. */
export function nameOf(params: RequestParams, id: string): string | undefined {
  const name = namesOf(params)[id];
  return typeof name === 'string' && name ? name : undefined;
}

/** `shared-db (d-bp1…)` when the request knows the id's name, else the id alone. */
export function named(params: RequestParams, id: unknown): string {
  const key = String(id ?? '');
  const name = namesOf(params)[key];
  return typeof name === 'string' && name && name !== key ? `${name} (${key})` : key;
}

/** The same for a list of ids; anything that is not a list is shown as one id. */
export function namedList(params: RequestParams, ids: unknown): string[] {
  return Array.isArray(ids) ? ids.map((id) => named(params, id)) : [named(params, ids)];
}
