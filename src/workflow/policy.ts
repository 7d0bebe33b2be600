import { parseDocument } from 'yaml';
import { type core, z } from 'zod';
import { DISK_CATEGORIES, MOUNTPOINT_PATTERN } from '../commands/vocabulary.js';
import { failure, type Outcome, success } from '../errors.js';
import { byKind, KIND_POLICIES } from '../kinds/kinds.js';
import {
  actionOverrideSchema,
  channelId,
  durationSchema,
  principalsObject,
  quorumSchema,
  WHOLE,
} from './policy-fields.js';
import type { RequestKind } from './request.js';
import { watchPolicySchema } from './watch-policy.js';

/**
 * The policy file of design.md §4, validated once at startup. Every error names its path in the
 * file (`actions.detach.quorum: expected a whole number ≥ 0`) so an operator can fix it directly.
 */

/**
 * The built-in takeover (`fencing.takeover`): after the fence is verified, mount the disk's file
 * system on the standby through Cloud Assistant and verify it with an inspection. Both strings are
 * put into the script text, so only plain characters pass (the script checks them again).
 */
const takeoverMountSchema = z.strictObject({
  mount: z
    .string({ error: 'expected an absolute mount point like /data' })
    .max(200, { error: 'at most 200 characters' })
    .regex(MOUNTPOINT_PATTERN, {
      error: 'expected an absolute mount point like /data (letters, digits, . _ - and /; no . or .. parts)',
    }),
  options: z
    .string({ error: 'expected mount options like noatime' })
    .regex(/^[A-Za-z0-9_=,.:-]{1,200}$/, {
      error: 'expected mount options like noatime or noatime,nodiratime',
    })
    .default('defaults'),
});

/**
 * The ECS call budget of the whole deployment (all replicas together), one bucket per class of
 * call because ECS throttles each API on its own: `read` (Describe*), `mutate` (CreateDisk,
 * AttachDisk, DetachDisk, …) and `assistant` (every Cloud Assistant call: RunCommand,
 * DescribeInvocationResults, …). The account's quota is shared with the console, Terraform and
 * other tools, so leave them room; when ECS throttles anyway the bot shrinks its rate (AIMD).
 */
export const DEFAULT_ECS_LIMITS = {
  read: { callsPerSecond: 20, burst: 40 },
  mutate: { callsPerSecond: 10, burst: 20 },
  assistant: { callsPerSecond: 10, burst: 20 },
} as const;
const ecsBucketSchema = (fallback: { callsPerSecond: number; burst: number }) =>
  z
    .strictObject({
      callsPerSecond: z
        .number({ error: 'expected calls per second, a number > 0' })
        .positive({ error: 'expected calls per second, a number > 0' })
        .max(1_000, { error: 'at most 1000' })
        .default(fallback.callsPerSecond),
      burst: z
        .int({ error: 'expected a whole number ≥ 1' })
        .min(1, { error: 'expected a whole number ≥ 1' })
        .max(1_000, { error: 'at most 1000' })
        .default(fallback.burst),
    })
    .prefault({});
const ecsLimitsSchema = z
  .strictObject({
    read: ecsBucketSchema(DEFAULT_ECS_LIMITS.read),
    mutate: ecsBucketSchema(DEFAULT_ECS_LIMITS.mutate),
    assistant: ecsBucketSchema(DEFAULT_ECS_LIMITS.assistant),
  })
  .prefault({});

const regionSchema = z
  .string({ error: 'expected a region id like cn-hangzhou' })
  .regex(/^[a-z]{2}-[a-z0-9-]+$/, { error: 'expected a region id like cn-hangzhou' });

const fencingFields = {
  mode: z.enum(['reservation', 'detach'], { error: 'expected reservation or detach' }),
  takeover: takeoverMountSchema.optional(),
};
const fencingSchema = z
  .strictObject({ ...fencingFields, mode: fencingFields.mode.default('reservation') })
  .prefault({});

/**
 * One Alibaba Cloud account the bot manages through STS AssumeRole (`accounts:` of the policy). The
 * role lives in that account and trusts the bot's own role; `externalId` guards against a confused
 * deputy. The other entries, when given, replace the top-level ones for requests in this account.
 */
const accountSchema = z.strictObject({
  roleArn: z
    .string({ error: 'expected a role ARN like acs:ram::1234567890123456:role/shared-disk-bot' })
    .regex(/^acs:ram::\d{16}:role\/[A-Za-z0-9.@_-]{1,64}$/, {
      error: 'expected a role ARN like acs:ram::1234567890123456:role/shared-disk-bot',
    }),
  externalId: z
    .string({ error: 'expected the external id of the role’s trust policy' })
    .regex(/^[\w+=,.@:/-]{2,1224}$/, {
      error: 'expected 2 to 1224 letters, digits or + = , . @ : / - _',
    })
    .optional(),
  /** Omitted: the policy's `region`. */
  regions: z.array(regionSchema, { error: 'expected a list of region ids' }).min(1).optional(),
  /** STS session length: 900 s up to the role's MaxSessionDuration (at most 12 h). */
  durationSeconds: z
    .int({ error: 'expected whole seconds from 900 to 43200' })
    .min(900, { error: 'expected whole seconds from 900 to 43200' })
    .max(43_200, { error: 'expected whole seconds from 900 to 43200' })
    .optional(),
  requesters: principalsObject.optional(),
  viewers: principalsObject.optional(),
  actions: z.strictObject(byKind(() => actionOverrideSchema.optional())).optional(),
  fencing: z.strictObject({ ...fencingFields, mode: fencingFields.mode.optional() }).optional(),
  watch: watchPolicySchema.optional(),
});

/** Short names people type after `--account`. */
export const ACCOUNT_ALIAS = /^[a-z][a-z0-9-]{0,31}$/;
const accountAliasSchema = z
  .string()
  .regex(ACCOUNT_ALIAS, { error: 'expected an alias of lower-case letters, digits and -, like prod' });

export const policySchema = z.strictObject({
  region: regionSchema.optional(),
  /** Omitted: the bot manages the one account its own credential belongs to. The first is the default. */
  accounts: z
    .record(accountAliasSchema, accountSchema)
    .refine((accounts) => Object.keys(accounts).length > 0, { error: 'list at least one account' })
    .optional(),
  channels: z.strictObject({ approvals: channelId.optional(), audit: channelId.optional() }).prefault({}),
  /** Omitted = anyone may ask. */
  requesters: principalsObject.optional(),
  /** Who may see status, list, everyone's requests and App Home details; omitted = everyone. */
  viewers: principalsObject.optional(),
  /** `/disk` commands one user may run per minute, counted across replicas (floods are refused). */
  rateLimit: z
    .strictObject({
      commandsPerMinute: z.int({ error: WHOLE }).min(1, { error: 'at least 1' }).max(10_000).default(30),
    })
    .prefault({}),
  /** One section per request kind, as the kind declares it (src/kinds/kinds.ts). */
  actions: z.strictObject(KIND_POLICIES).prefault({}),
  /** A change freeze (`/disk freeze`): whether failover, emergency included, stays allowed during one. */
  freeze: z.strictObject({ allowFailover: z.boolean().default(true) }).prefault({}),
  singleNodeFs: z.strictObject({ quorum: quorumSchema.default(2) }).prefault({}),
  /** `detach --force` of an instance that has the disk mounted read-write needs this many approvals. */
  detachMounted: z.strictObject({ quorum: quorumSchema.default(2) }).prefault({}),
  limits: z
    .strictObject({
      maxSizeGiB: z.int({ error: 'expected a whole number of GiB' }).min(1).max(65_536).default(32_768),
      categories: z
        .array(z.string().min(1))
        .min(1)
        .default([...DISK_CATEGORIES]),
      zones: z.array(z.string().min(1)).default([]),
      ecs: ecsLimitsSchema,
    })
    .prefault({}),
  fencing: fencingSchema,
  watch: watchPolicySchema,
  /** Riding out Slack's faults: a card Slack has not taken after `cardDeadline` is given up (the request is cancelled, the requester told). */
  slack: z.strictObject({ cardDeadline: durationSchema.prefault('15m') }).prefault({}),
});

export type Policy = z.output<typeof policySchema>;
export type ActionPolicy = Policy['actions'][RequestKind];
export type EcsLimits = Policy['limits']['ecs'];
export type AccountPolicy = NonNullable<Policy['accounts']>[string];

/** `actions.detach.quorum`, `requesters.users[0]`; `(file)` for the root. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(file)';
}

function describeIssue(issue: core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${formatIssuePath(issue.path)}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys
      .map((k) => `"${k}"`)
      .join(', ')}`;
  }
  // A bad `accounts` alias: say what an alias must look like, not zod's "Invalid key in record".
  if (issue.code === 'invalid_key' && issue.issues[0]) {
    return `${formatIssuePath(issue.path)}: ${issue.issues[0].message}`;
  }
  return `${formatIssuePath(issue.path)}: ${issue.message}`;
}

/**
 * Parses and validates a policy file. All problems are reported at once, one per line, each
 * starting with its path; code `policy_invalid`.
 */
export function parsePolicy(yamlText: string): Outcome<Policy> {
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      return `${at ? `line ${at.line}, column ${at.col}` : '(file)'}: ${e.message.split('\n')[0]}`;
    });
    return failure('policy_invalid', `Policy file is not valid YAML:\n${problems.join('\n')}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(describeIssue);
    return failure('policy_invalid', `Policy file is invalid:\n${problems.join('\n')}`);
  }
  return success(parsed.data);
}

/** The policy when no file is configured: anyone may ask, nobody may approve (fail closed). */
export function defaultPolicy(): Policy {
  return policySchema.parse({});
}
