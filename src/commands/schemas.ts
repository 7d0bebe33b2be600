/**
 * One zod schema per subcommand, from the tokenized form (strings exactly as the user gave them,
 * grouped by field) to the typed `DiskCommand`.
 *
 * Issue contract with parse.ts:
 * - a plain issue's message is an expectation ("must be …"); parse.ts prefixes the field's label
 *   (`--size`, `the disk id`) and appends `, got "<value>"`, and the code becomes `invalid_value`;
 * - an issue whose `params.code` is set is a complete sentence with that CommandError code.
 */
import { z } from 'zod';
import { byKind } from '../kinds/kinds.js';
import {
  coded,
  crossCheck,
  diskRefSchema,
  reasonSchema,
  regionIdSchema,
  requestIdSchema,
  required,
  zoneIdSchema,
  zoneInRegion,
} from './fields.js';
import { show, suggest } from './format.js';
import { type DiskCommand, REQUEST_FILTERS, SUBCOMMANDS, type Subcommand } from './types.js';
import { CHANNEL_REF_PATTERN } from './vocabulary.js';

const TOPICS: ReadonlyMap<string, Subcommand> = new Map(SUBCOMMANDS.map((s) => [s, s]));

const helpSchema = z
  .object({
    topic: z
      .string()
      .transform((typed, ctx) => {
        const topic = TOPICS.get(typed.trim().toLowerCase());
        if (topic !== undefined) return topic;
        const hint = suggest(typed, SUBCOMMANDS);
        coded(
          ctx,
          'unknown_subcommand',
          `There is no /disk command ${show(typed)}${hint ? ` (did you mean ${hint}?)` : ''}; try one of: ${SUBCOMMANDS.join(', ')}.`,
        );
        return z.NEVER;
      })
      .optional(),
  })
  .transform((v): DiskCommand => ({ kind: 'help', ...(v.topic === undefined ? {} : { topic: v.topic }) }));

const statusSchema = z
  .object({ diskId: diskRefSchema })
  .transform((v): DiskCommand => ({ kind: 'status', diskId: v.diskId }));

const listSchema = z
  .object({ zone: zoneIdSchema.optional(), region: regionIdSchema.optional() })
  .transform(crossCheck(zoneInRegion))
  .transform(
    (v): DiskCommand => ({
      kind: 'list',
      ...(v.zone === undefined ? {} : { zoneId: v.zone }),
      ...(v.region === undefined ? {} : { regionId: v.region }),
    }),
  );

/**
 * `/disk requests` with no flag lists the caller's own requests: that is what someone who just
 * asked for something is checking on, and approvers already have "awaiting my approval" on App
 * Home; `--pending` and `--all` widen the view on purpose.
 */
export const DEFAULT_REQUEST_FILTER = 'mine' satisfies (typeof REQUEST_FILTERS)[number];

const requestsSchema = z
  .object({ filters: z.array(z.enum(REQUEST_FILTERS)) })
  .transform(
    crossCheck((v, ctx) => {
      if (v.filters.length > 1) {
        coded(ctx, 'conflicting_flags', 'Give at most one of --mine, --pending and --all.', ['filters', 1]);
      }
    }),
  )
  .transform((v): DiskCommand => ({ kind: 'requests', filter: v.filters[0] ?? DEFAULT_REQUEST_FILTER }));

const cancelSchema = z
  .object({ requestId: requestIdSchema })
  .transform((v): DiskCommand => ({ kind: 'cancel', requestId: v.requestId }));

const channelSchema = z.string().transform((typed, ctx) => {
  const m = CHANNEL_REF_PATTERN.exec(typed.trim());
  const id = m?.[1] ?? m?.[2];
  if (id) return id;
  coded(
    ctx,
    'invalid_value',
    `--channel must be a channel picked with # (Slack then sends its id) or a channel id like C0123ABCD, got ${show(typed)}.`,
  );
  return z.NEVER;
});

const watchSchema = z
  // A name is resolved to its id before the handler runs: the watch keeps ids (entries outlive names).
  .object({ diskId: diskRefSchema.optional(), channel: channelSchema.optional(), list: z.boolean() })
  .transform(
    crossCheck((v, ctx) => {
      if (v.list && v.diskId !== undefined)
        coded(ctx, 'conflicting_flags', '--list takes no disk: /disk watch --list.', ['list']);
      else if (v.list && v.channel !== undefined)
        coded(ctx, 'conflicting_flags', '--list and --channel do not go together.', ['channel']);
      else if (!v.list && v.diskId === undefined)
        coded(
          ctx,
          'missing_argument',
          'The disk is required, by id or name, e.g. /disk watch shared-db (or /disk watch --list).',
          [],
        );
    }),
  )
  .transform(
    (v): DiskCommand =>
      v.list || v.diskId === undefined
        ? { kind: 'watch', list: true }
        : {
            kind: 'watch',
            list: false,
            diskId: v.diskId,
            ...(v.channel === undefined ? {} : { channelId: v.channel }),
          },
  );

const unwatchSchema = z
  .object({ diskId: diskRefSchema })
  .transform((v): DiskCommand => ({ kind: 'unwatch', diskId: v.diskId }));

const freezeSchema = z
  .object({ reason: required(reasonSchema, 'A reason is required: /disk freeze --reason "<why>".') })
  .transform((v): DiskCommand => ({ kind: 'freeze', reason: v.reason }));

/** The schema of each subcommand, keyed by subcommand. Input: the tokenized form built by parse.ts. */
export const COMMAND_SCHEMAS: Readonly<Record<Subcommand, z.ZodType<DiskCommand>>> = {
  help: helpSchema,
  status: statusSchema,
  list: listSchema,
  requests: requestsSchema,
  cancel: cancelSchema,
  watch: watchSchema,
  unwatch: unwatchSchema,
  freeze: freezeSchema,
  ...byKind((entry) => entry.grammar.schema),
};
