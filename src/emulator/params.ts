/**
 * Request parameter decoding. The SDK flattens lists (`InstanceId.1`, `Tag.1.Key`) and JSON-encodes
 * some fields (`DiskIds`, `InstanceIds`, `Parameters`); `Params` reassembles them and turns a
 * malformed value into the `InvalidParameter`/`MissingParameter` answer the real API gives.
 */
import { EcsError, invalid, missing } from './errors.js';

export type RawParams = Record<string, string>;

/** Form-encoding rules: `+` is a space; the last of repeated keys wins, as in the SDK's own verifier. */
export function parseQuery(raw: string): RawParams {
  const out: RawParams = {};
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out[decodeURIComponent(k.replace(/\+/g, ' '))] = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      throw new EcsError(
        'InvalidParameter',
        `The query string is not correctly percent-encoded near "${k}".`,
      );
    }
  }
  return out;
}

/** `Name.N` values ordered by N (1-based, gaps allowed). */
export function flatList(raw: RawParams, name: string): string[] {
  const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)$`);
  return Object.entries(raw)
    .flatMap(([k, v]) => {
      const m = re.exec(k);
      return m ? [{ i: Number(m[1]), v }] : [];
    })
    .sort((a, b) => a.i - b.i)
    .map((e) => e.v);
}

/** `Name.N.Field` groups ordered by N: `Tag.1.Key=a&Tag.1.Value=b` → `[{Key:'a', Value:'b'}]`. */
export function flatObjects(raw: RawParams, name: string): Record<string, string>[] {
  const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\.(\\d+)\\.([A-Za-z0-9]+)$`);
  const groups = new Map<number, Record<string, string>>();
  for (const [k, v] of Object.entries(raw)) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const group = groups.get(i) ?? {};
    group[m[2] ?? ''] = v;
    groups.set(i, group);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => g);
}

export class Params {
  constructor(readonly raw: RawParams) {}

  /** An empty value counts as absent: the SDK sends `''` for fields a caller set to the empty string. */
  str(name: string): string | undefined {
    const v = this.raw[name];
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw missing(name);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (hit === undefined) throw invalid(name, `expected one of ${allowed.join(', ')}`);
    return hit;
  }

  int(name: string, range: { min?: number; max?: number } = {}): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) throw invalid(name, 'expected an integer');
    const n = Number(v);
    if ((range.min !== undefined && n < range.min) || (range.max !== undefined && n > range.max)) {
      throw invalid(name, `expected a value from ${range.min ?? '-∞'} to ${range.max ?? '∞'}`);
    }
    return n;
  }

  bool(name: string): boolean | undefined {
    const v = this.str(name)?.toLowerCase();
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw invalid(name, 'expected true or false');
    return v === 'true';
  }

  list(name: string): string[] {
    return flatList(this.raw, name).filter((v) => v !== '');
  }

  objects(name: string): Record<string, string>[] {
    return flatObjects(this.raw, name);
  }

  /** A JSON array of strings such as `DiskIds='["d-1","d-2"]'`; `[]` is kept (it means "match nothing"). */
  jsonStrings(name: string, max = 100): string[] | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw invalid(name, 'expected a JSON array of strings');
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
      throw invalid(name, 'expected a JSON array of strings');
    }
    if (parsed.length > max) throw invalid(name, `at most ${max} entries`);
    return parsed;
  }

  /** A JSON object such as RunCommand's `Parameters='{"serial":"bp1..."}'`. */
  jsonMap(name: string): Record<string, unknown> | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      throw invalid(name, 'expected a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalid(name, 'expected a JSON object');
    }
    return parsed as Record<string, unknown>;
  }
}
