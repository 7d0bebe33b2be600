/**
 * A fast path for the commonest value errors (`--size abc`, `--size 10TB`, a bad disk name or id):
 * the issue zod would report, found without zod building its error.
 *
 * Why: a failing `safeParse` costs several times a passing one (zod collects the issues, builds a
 * `ZodError` and finalizes each issue), and in the deployed bot that was ≈ 70 µs of a usage
 * error's ≈ 270 µs CPU (bench:ack). A passing parse stays cheap.
 *
 * Why it gives the same answer: each field below is a top-level key of its subcommand's object
 * schema, whose verdict is one plain function shared with that field's schema (fields.ts). Fields
 * of a zod object are parsed independently, and the steps after the object (cross-field checks,
 * the command's shape) run only when the object has no issue at all. So if the field is bad by
 * its function and the whole schema PASSES with the fast fields replaced by valid placeholders, the object's issues were exactly those fields' issues (one each): what this
 * returns. Otherwise (another field is bad too, or a cross-field check fails with a placeholder)
 * it returns undefined and the caller asks zod. test/unit/commands.fast-errors.test.ts checks the equality property.
 */
import { byKind } from '../kinds/kinds.js';
import { FAST_DISK_REF, type FastField, type FieldIssue } from './fast-fields.js';
import { COMMAND_SCHEMAS } from './schemas.js';
import type { OtherSubcommand, Subcommand } from './types.js';

const OTHER_FAST_FIELDS: Readonly<Record<OtherSubcommand, readonly FastField[]>> = {
  help: [],
  status: [FAST_DISK_REF],
  list: [],
  requests: [],
  cancel: [],
  watch: [],
  unwatch: [],
  freeze: [],
};

/** Each subcommand's fast fields (a request kind's from its grammar); none for most. */
export const FAST_FIELDS: Readonly<Record<Subcommand, readonly FastField[]>> = {
  ...OTHER_FAST_FIELDS,
  ...byKind((entry) => entry.grammar.fastFields ?? []),
};

/**
 * The issues zod would report for this tokenized form when every one of them is a fast field's
 * (one per bad field); undefined when no fast field is bad or zod has to decide.
 */
export function fastIssues(sub: Subcommand, input: Record<string, unknown>): FieldIssue[] | undefined {
  const fields = FAST_FIELDS[sub];
  const found: FieldIssue[] = [];
  const patched = { ...input };
  const given: string[] = [];
  for (const fast of fields) {
    const value = input[fast.field];
    if (typeof value !== 'string') continue;
    given.push(fast.field);
    patched[fast.field] = fast.placeholder;
    const issue = fast.issue(value.trim());
    // In the schema's field order, as zod reports them (parse.ts ranks them by token anyway).
    if (issue !== undefined) found.push({ ...issue, path: [fast.field] });
  }
  if (found.length === 0) return undefined;
  return restPasses(sub, patched, given) ? found : undefined;
}

/**
 * Whether the schema passes the form with every given fast field at its placeholder (valid fast
 * fields too: they have no issue either way). When every other field is still what parse.ts's
 * scan starts it at (a switch `false`, a list `[]`, an optional value absent), that form is the
 * same for every such command, so its verdict is computed once.
 */
const verdicts = new Map<string, boolean>();
function restPasses(sub: Subcommand, patched: Record<string, unknown>, given: string[]): boolean {
  const atStart = Object.entries(patched).every(
    ([field, value]) =>
      given.includes(field) || value === false || (Array.isArray(value) && value.length === 0),
  );
  if (!atStart) return COMMAND_SCHEMAS[sub].safeParse(patched).success;
  const key = `${sub}:${given.join(',')}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = COMMAND_SCHEMAS[sub].safeParse(patched).success;
    verdicts.set(key, verdict);
  }
  return verdict;
}
