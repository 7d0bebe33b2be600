/**
 * Names next to ids. Requests store the names of their disk and instances (resolved when they
 * were filed) under `params.names`; every surface that shows an id shows `name (id)` through
 * `namedId` (src/workflow/names.ts), reached from a request's parameters here.
 */
import { type IdNames, namedId, nameIds } from '../../workflow/names.js';
import type { RequestParams } from '../../workflow/request.js';

/** The names a request stored, by id (empty when it stored none). */
export function namesOf(params: RequestParams): IdNames {
  const names = params.names;
  if (!names || typeof names !== 'object' || Array.isArray(names)) return {};
  return Object.fromEntries(
    Object.entries(names).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''),
  );
}

/** `shared-db (d-bp1…)` when the request knows the id's name, else the id alone. */
export function named(params: RequestParams, id: unknown): string {
  return namedId(namesOf(params), String(id ?? ''));
}

/** A sentence with every id the request knows the name of written `name (id)` (checks, outcomes). */
export function namedText(params: RequestParams, text: string): string {
  return nameIds(text, namesOf(params));
}
