/**
 * Field schemas of the tokenized form: each turns one string as typed into a normalised value.
 * Messages are expectations ("must be …"); parse.ts adds the label and the value as typed. Shared
 * by src/commands and the kinds' grammars, so it imports no kind.
 */
import { z } from 'zod';
import { show } from './format.js';
import { regionTypo, zoneTypo } from './regions.js';
import {
  type CommandErrorCode,
  DISK_ID_PATTERN,
  DISK_NAME_PATTERN,
  type DiskCategory,
  INSTANCE_ID_PATTERN,
  INSTANCE_NAME_PATTERN,
  LIMITS,
  type PerformanceLevel,
  REGION_ID_PATTERN,
  REQUEST_ID_PATTERN,
  type Tag,
  ZONE_ID_PATTERN,
} from './vocabulary.js';

/** Adds an issue that parse.ts turns into a CommandError with exactly this code and message. */
export function coded(
  ctx: z.RefinementCtx,
  code: CommandErrorCode,
  message: string,
  path: PropertyKey[] = [],
): void {
  ctx.addIssue({ code: 'custom', message, path, params: { code } });
}

/** A flag that must be present: absent → `missing_argument`, present → validated by `schema`. */
export function required<T extends z.ZodType<unknown, string>>(schema: T, message: string) {
  return z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) coded(ctx, 'missing_argument', message);
    })
    .pipe(schema);
}

// Control characters (other than tab and newline) never belong in free text shown on a card.
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Normalised text → canonical value; unknown text fails with `message`. */
export function oneOf<T>(table: ReadonlyMap<string, T>, message: string) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((s) => table.has(s), message)
    .transform((s) => table.get(s)!);
}

export const CATEGORY_ALIASES: ReadonlyMap<string, DiskCategory> = new Map([
  ['essd', 'cloud_essd'],
  ['cloud_essd', 'cloud_essd'],
  ['autopl', 'cloud_auto'],
  ['auto', 'cloud_auto'],
  ['cloud_auto', 'cloud_auto'],
  ['regional', 'cloud_regional_disk_auto'],
  ['cloud_regional_disk_auto', 'cloud_regional_disk_auto'],
]);
export const PL_ALIASES: ReadonlyMap<string, PerformanceLevel> = new Map([
  ['pl0', 'PL0'],
  ['pl1', 'PL1'],
  ['pl2', 'PL2'],
  ['pl3', 'PL3'],
]);

/** Whole number in [min, max]. */
export function wholeNumber(min: number, max: number, message: string) {
  return z
    .string()
    .trim()
    .refine((s) => {
      const digits = /^(\d{1,9})$/.exec(s)?.[1];
      const n = digits === undefined ? Number.NaN : Number.parseInt(digits, 10);
      return n >= min && n <= max;
    }, message)
    .transform((s) => Number.parseInt(s, 10));
}

/**
 * GiB per unit as people type them: `G`/`GiB`, `T`/`TiB`, `M`/`MiB` are binary (1024ⁿ bytes, as
 * `--size 100G` is read); `GB`, `TB`, `MB` are decimal (1000ⁿ bytes): 100 GB is 93.1 GiB.
 */
const GIB_PER: Record<string, number> = {
  g: 1,
  gib: 1,
  t: 1024,
  tib: 1024,
  m: 1 / 1024,
  mib: 1 / 1024,
  gb: 1e9 / 2 ** 30,
  tb: 1e12 / 2 ** 30,
  mb: 1e6 / 2 ** 30,
};
const BINARY_OF: Record<string, string> = { gb: 'GiB', tb: 'TiB', mb: 'MiB' };

const oneDecimal = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** The GiB figure for a size typed with another unit (`10TB`, `1.5T`, `500GB`), as a hint. */
export function sizeHint(typed: string): string | undefined {
  const match = /^(\d{1,9}(?:\.\d{1,6})?)\s*(t|tb|tib|g|gb|gib|m|mb|mib)$/i.exec(typed);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  const gib = amount * (GIB_PER[unit] ?? 1);
  const whole = Math.ceil(gib - 1e-9);
  if (gib < LIMITS.minSizeGiB) return `${typed} is under 1 GiB; the smallest size is --size 1`;
  if (whole > LIMITS.maxSizeGiB) {
    return `${typed} is ${oneDecimal(gib)} GiB, over the ${LIMITS.maxSizeGiB} GiB (64 TiB) maximum`;
  }
  const binary = BINARY_OF[unit];
  if (binary) {
    // A decimal unit: say both figures, and offer the binary one in case that is what was meant.
    const meant = amount * (GIB_PER[binary.toLowerCase()] ?? 1);
    const alternative =
      Number.isInteger(meant) && meant <= LIMITS.maxSizeGiB
        ? `, or --size ${meant} if you meant ${match[1]} ${binary}`
        : '';
    return `${match[1]} ${unit.toUpperCase()} is ${oneDecimal(gib)} GiB (${unit.toUpperCase()} counts 1000s, disks are sized in GiB of 1024³ bytes): use --size ${whole} for at least ${match[1]} ${unit.toUpperCase()}${alternative}`;
  }
  const exact = whole === gib ? '' : ' (rounded up to a whole GiB)';
  return `${typed} is ${whole} GiB${exact}: use --size ${whole}`;
}

/**
 * A size in whole GiB as typed (already trimmed), or the sentence saying why it is not one.
 * `G`/`GiB` suffixes are accepted, other units get the GiB figure suggested. Shared by `sizeSchema`
 * and parse.ts's fast path, so both decide alike.
 */
export function readSize(typed: string): number | { readonly problem: string } {
  const digits = /^(\d{1,9})(?:g|gib)?$/i.exec(typed)?.[1];
  const n = digits === undefined ? Number.NaN : Number.parseInt(digits, 10);
  if (n >= LIMITS.minSizeGiB && n <= LIMITS.maxSizeGiB) return n;
  const hint = digits === undefined ? sizeHint(typed) : undefined;
  const rule = `--size is a whole number of GiB between ${LIMITS.minSizeGiB} and ${LIMITS.maxSizeGiB}`;
  return { problem: hint ? `${rule}; ${hint}.` : `${rule}, got ${show(typed)}.` };
}

/** A size in whole GiB (see `readSize`); a bad one is an `invalid_value` with its own sentence. */
export const sizeSchema = z
  .string()
  .trim()
  .transform((typed, ctx) => {
    const size = readSize(typed);
    if (typeof size === 'number') return size;
    coded(ctx, 'invalid_value', size.problem);
    return z.NEVER;
  });

export const requestIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(REQUEST_ID_PATTERN, 'must be R- followed by 8 to 26 letters or digits, e.g. R-01HZX3K7Q9ABCDEF');

function location(kind: 'zone' | 'region', pattern: RegExp, example: string) {
  const typo = kind === 'zone' ? zoneTypo : regionTypo;
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine(
      (s) => s.length <= LIMITS.maxLocationChars && pattern.test(s),
      `must be a ${kind} id such as ${example}`,
    )
    .superRefine((s, ctx) => {
      const hint = pattern.test(s) ? typo(s) : undefined;
      if (hint !== undefined) {
        coded(ctx, 'invalid_value', `--${kind} ${show(s)} is not a known ${kind}; did you mean ${hint}?`);
      }
    });
}
export const zoneIdSchema = location('zone', ZONE_ID_PATTERN, 'cn-hangzhou-h');
export const regionIdSchema = location('region', REGION_ID_PATTERN, 'cn-hangzhou');

export const DISK_REF_EXPECTED =
  'must be a disk id (d- followed by letters and digits) or a disk name (a letter, then letters, digits, ".", "_", ":" or "-"), e.g. d-bp1abc2def3ghi4jkl5m or shared-db';

/**
 * Where a command takes a disk: its id (`d-…`, any case) or its name (kept as typed). Anything
 * starting with `d-` is read as an id, so a typo in an id is reported, not looked up as a name.
 * Takes the trimmed text; undefined when it is neither (shared by `diskRefSchema` and the fast path).
 */
export function readDiskRef(typed: string): string | undefined {
  const lower = typed.toLowerCase();
  if (DISK_ID_PATTERN.test(lower)) return lower;
  if (!lower.startsWith('d-') && DISK_NAME_PATTERN.test(typed)) return typed;
  return undefined;
}

export const diskRefSchema = z
  .string()
  .trim()
  .transform((typed, ctx) => {
    const ref = readDiskRef(typed);
    if (ref !== undefined) return ref;
    ctx.addIssue({ code: 'custom', message: DISK_REF_EXPECTED });
    return z.NEVER;
  });

/** Where a command takes an instance: its id (`i-…`, any case) or its name. */
export const instanceRefSchema = z
  .string()
  .trim()
  .transform((typed, ctx) => {
    const lower = typed.toLowerCase();
    if (INSTANCE_ID_PATTERN.test(lower)) return lower;
    if (!lower.startsWith('i-') && INSTANCE_NAME_PATTERN.test(typed)) return typed;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an instance id (i- followed by letters and digits) or an instance name, e.g. i-bp1node1 or db-node-1',
    });
    return z.NEVER;
  });

export const DISK_NAME_EXPECTED = `must be ${LIMITS.minNameChars}–${LIMITS.maxNameChars} characters: a letter first, then letters, digits, ".", "_", ":" or "-"`;
export const diskNameSchema = z.string().trim().regex(DISK_NAME_PATTERN, DISK_NAME_EXPECTED);

function freeText(emptyMessage: string) {
  return z
    .string()
    .trim()
    .min(1, emptyMessage)
    .max(LIMITS.maxReasonChars, `must be at most ${LIMITS.maxReasonChars} characters`)
    .refine((s) => !hasControl(s), 'must not contain control characters');
}
export const reasonSchema = freeText('must not be empty');
export const emergencySchema = freeText('needs a non-empty reason for the emergency');

/** ECS reserves aliyun/acs:; the bot reserves shared-disk-bot: (its "created blank" tag). */
const RESERVED_TAG_PREFIX = /^(?:aliyun|acs:|https?:\/\/|shared-disk-bot:)/i;
const tagSchema = z.string().transform((s, ctx): Tag => {
  const eq = s.indexOf('=');
  const key = (eq < 0 ? s : s.slice(0, eq)).trim();
  const value = eq < 0 ? '' : s.slice(eq + 1).trim();
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (eq < 0) return fail('must be key=value, e.g. team=storage');
  if (key.length < 1 || key.length > LIMITS.maxTagKeyChars) {
    return fail(`must have a key of 1–${LIMITS.maxTagKeyChars} characters before "="`);
  }
  if (value.length > LIMITS.maxTagValueChars) {
    return fail(`must have a value of at most ${LIMITS.maxTagValueChars} characters`);
  }
  if (RESERVED_TAG_PREFIX.test(key))
    return fail('must not have a key starting with "aliyun", "acs:", "shared-disk-bot:" or http(s)://');
  if (/^(?:acs:|https?:\/\/)/i.test(value))
    return fail('must not have a value starting with "acs:" or http(s)://');
  if (hasControl(s)) return fail('must not contain control characters');
  return { key, value };
});

export const tagsSchema = z.array(tagSchema).superRefine((tags, ctx) => {
  if (tags.length > LIMITS.maxTags) {
    coded(ctx, 'invalid_value', `At most ${LIMITS.maxTags} --tag flags are allowed.`, [LIMITS.maxTags]);
  }
  const seen = new Set<string>();
  // A tag that failed its own check is left undefined here; only valid tags take part.
  tags.forEach((tag, i) => {
    if (tag && seen.has(tag.key))
      coded(ctx, 'invalid_value', `--tag: the key ${show(tag.key)} is given twice.`, [i]);
    if (tag) seen.add(tag.key);
  });
});

export const instancesSchema = z.array(instanceRefSchema).superRefine((ids, ctx) => {
  if (ids.length > LIMITS.maxInstances) {
    coded(
      ctx,
      'too_many_instances',
      `At most ${LIMITS.maxInstances} instances can share one disk; ${ids.length} were given (the first one too many is ${show(ids[LIMITS.maxInstances] ?? '')}).`,
      [LIMITS.maxInstances],
    );
  }
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (seen.has(id))
      coded(ctx, 'duplicate_instance', `The instance ${show(id)} is given more than once.`, [i]);
    seen.add(id);
  });
});

/**
 * Cross-field checks as a transform step: a transform after the object is a pipe, and a pipe stops
 * at the first stage's issues, so these run only once every field is valid (an object-level
 * superRefine would also run over fields that failed and report nonsense such as "not undefined").
 */
export function crossCheck<T>(check: (value: T, ctx: z.RefinementCtx) => void) {
  return (value: T, ctx: z.RefinementCtx): T => {
    check(value, ctx);
    return value;
  };
}

/** A zone id starts with its region id (`cn-hangzhou-h` is in `cn-hangzhou`). */
export function zoneInRegion(v: { zone?: string; region?: string }, ctx: z.RefinementCtx): void {
  if (v.zone !== undefined && v.region !== undefined && !v.zone.startsWith(v.region)) {
    coded(ctx, 'conflicting_flags', `--zone ${v.zone} is not in --region ${v.region}.`, ['zone']);
  }
}
