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
import { deleteCommandSchema } from '../kinds/delete/grammar.js';
import { resizeCommandSchema } from '../kinds/resize/grammar.js';
import { snapshotCommandSchema } from '../kinds/snapshot/grammar.js';
import {
  CATEGORY_ALIASES,
  coded,
  diskNameSchema,
  diskRefSchema,
  emergencySchema,
  instanceRefSchema,
  instancesSchema,
  oneOf,
  PL_ALIASES,
  reasonSchema,
  regionIdSchema,
  requestIdSchema,
  required,
  sizeSchema,
  TOPICS,
  tagsSchema,
  wholeNumber,
  zoneIdSchema,
} from './fields.js';
import { show, suggest } from './format.js';
import {
  CHANNEL_REF_PATTERN,
  type DiskCommand,
  LIMITS,
  MOUNTPOINT_PATTERN,
  REQUEST_FILTERS,
  SUBCOMMANDS,
  type Subcommand,
} from './types.js';

/**
 * Cross-field checks as a transform step: a transform after the object is a pipe, and a pipe stops
 * at the first stage's issues, so these run only once every field is valid (an object-level
 * superRefine would also run over fields that failed and report nonsense such as "not undefined").
 */
function crossCheck<T>(check: (value: T, ctx: z.RefinementCtx) => void) {
  return (value: T, ctx: z.RefinementCtx): T => {
    check(value, ctx);
    return value;
  };
}

/** A zone id starts with its region id (`cn-hangzhou-h` is in `cn-hangzhou`). */
function zoneInRegion(v: { zone?: string; region?: string }, ctx: z.RefinementCtx): void {
  if (v.zone !== undefined && v.region !== undefined && !v.zone.startsWith(v.region)) {
    coded(ctx, 'conflicting_flags', `--zone ${v.zone} is not in --region ${v.region}.`, ['zone']);
  }
}

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

const createSchema = z
  .object({
    name: diskNameSchema,
    size: required(sizeSchema, 'The size is required: add --size <GiB>, e.g. --size 100.'),
    category: oneOf(CATEGORY_ALIASES, 'must be one of essd, autopl, regional').optional(),
    pl: oneOf(PL_ALIASES, 'must be one of PL0, PL1, PL2, PL3').optional(),
    zone: zoneIdSchema.optional(),
    region: regionIdSchema.optional(),
    iops: wholeNumber(0, LIMITS.maxProvisionedIops, 'must be a whole number between 0 and 50000').optional(),
    burst: z.boolean(),
    allowDuplicateName: z.boolean(),
    tags: tagsSchema,
    reason: reasonSchema.optional(),
  })
  .transform(
    crossCheck((v, ctx) => {
      const category = v.category ?? 'cloud_essd';
      if (v.pl !== undefined && category !== 'cloud_essd') {
        coded(ctx, 'conflicting_flags', `--pl applies only to --category essd, not ${category}.`, ['pl']);
      }
      if (v.iops !== undefined && category !== 'cloud_auto') {
        coded(ctx, 'conflicting_flags', `--iops applies only to --category autopl, not ${category}.`, [
          'iops',
        ]);
      }
      if (v.burst && category !== 'cloud_auto') {
        coded(ctx, 'conflicting_flags', `--burst applies only to --category autopl, not ${category}.`, [
          'burst',
        ]);
      }
      if (v.zone !== undefined && category === 'cloud_regional_disk_auto') {
        coded(
          ctx,
          'conflicting_flags',
          '--zone cannot be used with --category regional: a regional disk spans zones.',
          ['zone'],
        );
      }
      zoneInRegion(v, ctx);
    }),
  )
  .transform(
    (v): DiskCommand => ({
      kind: 'create',
      name: v.name,
      sizeGiB: v.size,
      category: v.category ?? 'cloud_essd',
      ...(v.pl === undefined ? {} : { performanceLevel: v.pl }),
      ...(v.zone === undefined ? {} : { zoneId: v.zone }),
      ...(v.region === undefined ? {} : { regionId: v.region }),
      ...(v.iops === undefined ? {} : { provisionedIops: v.iops }),
      burstingEnabled: v.burst,
      allowDuplicateName: v.allowDuplicateName,
      tags: v.tags,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

const attachSchema = z
  .object({
    diskId: diskRefSchema,
    instanceIds: instancesSchema,
    allowSingleNodeFs: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): DiskCommand => ({
      // No instances: the picker form, which offers the eligible ones.
      ...(v.instanceIds.length === 0
        ? { kind: 'attach_form' as const }
        : { kind: 'attach' as const, instanceIds: v.instanceIds }),
      diskId: v.diskId,
      allowSingleNodeFs: v.allowSingleNodeFs,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

const detachSchema = z
  .object({
    diskId: diskRefSchema,
    instanceIds: instancesSchema,
    force: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): DiskCommand => ({
      kind: 'detach',
      diskId: v.diskId,
      instanceIds: v.instanceIds,
      force: v.force,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

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

const failoverSchema = z
  .object({
    diskId: diskRefSchema,
    from: required(instanceRefSchema, 'The instance to fence is required: add --from <instance>.'),
    to: required(instanceRefSchema, 'The instance to take over is required: add --to <instance>.'),
    emergency: emergencySchema.optional(),
  })
  .transform(
    crossCheck((v, ctx) => {
      if (v.from === v.to) {
        coded(ctx, 'conflicting_flags', `--from and --to must be different instances, both are ${v.to}.`, [
          'to',
        ]);
      }
    }),
  )
  .transform(
    (v): DiskCommand => ({
      kind: 'failover',
      diskId: v.diskId,
      fromInstanceId: v.from,
      toInstanceId: v.to,
      ...(v.emergency === undefined ? {} : { emergencyReason: v.emergency }),
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

/** `/disk init`: only OCFS2 today; one file-system interface each leaves room for GFS2 later. */
const initSchema = z
  .object({
    diskId: diskRefSchema,
    fs: required(
      oneOf(
        new Map([['ocfs2', 'ocfs2' as const]]),
        'must be ocfs2 (the only cluster file system built so far)',
      ),
      'The file system is required: add --fs ocfs2.',
    ),
    mountpoint: required(
      z
        .string()
        .trim()
        .max(200, 'must be at most 200 characters')
        .regex(
          MOUNTPOINT_PATTERN,
          'must be an absolute path like /shared (letters, digits, . _ - and /; no . or .. parts)',
        ),
      'The mount point is required: add --mount <path>, e.g. --mount /shared.',
    ),
    slots: wholeNumber(1, 255, 'must be a whole number of node slots between 1 and 255').optional(),
    label: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, . _ or -')
      .optional(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): DiskCommand => ({
      kind: 'init',
      diskId: v.diskId,
      fs: v.fs,
      mountpoint: v.mountpoint,
      ...(v.slots === undefined ? {} : { slots: v.slots }),
      ...(v.label === undefined ? {} : { label: v.label }),
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

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

const unfreezeSchema = z
  .object({ reason: reasonSchema.optional() })
  .transform(
    (v): DiskCommand => ({ kind: 'unfreeze', ...(v.reason === undefined ? {} : { reason: v.reason }) }),
  );

/** The schema of each subcommand, keyed by subcommand. Input: the tokenized form built by parse.ts. */
export const COMMAND_SCHEMAS: Readonly<Record<Subcommand, z.ZodType<DiskCommand>>> = {
  help: helpSchema,
  create: createSchema,
  attach: attachSchema,
  detach: detachSchema,
  status: statusSchema,
  list: listSchema,
  failover: failoverSchema,
  requests: requestsSchema,
  cancel: cancelSchema,
  init: initSchema,
  snapshot: snapshotCommandSchema,
  delete: deleteCommandSchema,
  watch: watchSchema,
  unwatch: unwatchSchema,
  freeze: freezeSchema,
  unfreeze: unfreezeSchema,
  resize: resizeCommandSchema,
};
