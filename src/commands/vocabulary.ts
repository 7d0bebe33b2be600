/**
 * The words of the `/disk` grammar that every command's grammar shares (src/commands and each
 * request kind's `grammar.ts`): patterns, limits, categories, the shape of flags and positionals.
 * It imports no kind, so the kinds' grammars can use it while src/commands/types.ts derives
 * `DiskCommand` from the kinds list. Pure data.
 */

/** The disk categories that support multi-attach (multi-attach-facts.md, "category"). */
export const DISK_CATEGORIES = ['cloud_essd', 'cloud_auto', 'cloud_regional_disk_auto'] as const;
export type DiskCategory = (typeof DISK_CATEGORIES)[number];

export const PERFORMANCE_LEVELS = ['PL0', 'PL1', 'PL2', 'PL3'] as const;
export type PerformanceLevel = (typeof PERFORMANCE_LEVELS)[number];

export interface Tag {
  key: string;
  value: string;
}

/**
 * Display names of the disks and instances a command names, keyed by id. Filled by name
 * resolution (never by the parser) so requests store ids for the cloud and names for people.
 */
export type NameMap = Readonly<Record<string, string>>;

export const COMMAND_ERROR_CODES = [
  'empty',
  'unknown_subcommand',
  'unknown_flag',
  'missing_argument',
  'missing_flag_value',
  'invalid_value',
  'unexpected_argument',
  'duplicate_flag',
  'conflicting_flags',
  'too_many_instances',
  'duplicate_instance',
  'unterminated_quote',
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** A multi-attach disk attaches to at most 16 instances (multi-attach-facts.md). */
export const MAX_ATTACHMENTS = 16;

/**
 * A mount point the bot puts into a guest script's text (Cloud Assistant interpolates it): an
 * absolute path of plain characters without `.`/`..` parts. `/disk init`, the policy's takeover
 * mount and the scripts' callers all check it.
 */
export const MOUNTPOINT_PATTERN = /^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/;

/** Limits the grammar checks; size ranges per category/PL are preflight's job, not the parser's. */
export const LIMITS = {
  minSizeGiB: 1,
  maxSizeGiB: 65_536,
  maxProvisionedIops: 50_000,
  maxInstances: MAX_ATTACHMENTS,
  /** ECS takes 20 tags per CreateDisk; the bot adds its own "created blank" tag. */
  maxTags: 19,
  maxTagKeyChars: 128,
  maxTagValueChars: 128,
  maxReasonChars: 500,
  minNameChars: 2,
  maxNameChars: 128,
  maxLocationChars: 64,
} as const;

/** ECS disk ids: `d-` then lower-case letters and digits (emulator: `d-bp1xxxxxxxxxxxxxxx`). */
export const DISK_ID_PATTERN = /^d-[a-z0-9]{1,64}$/;
/** A channel as Slack sends a picked one in command text (`<#C123|name>`), or its bare id. */
export const CHANNEL_REF_PATTERN = /^(?:<#([CG][A-Z0-9]{2,})(?:\|[^>]*)?>|([CG][A-Z0-9]{2,}))$/;
/** ECS instance ids: `i-` then lower-case letters and digits. */
export const INSTANCE_ID_PATTERN = /^i-[a-z0-9]{1,64}$/;
/** A normalised disk reference that is an id rather than a name. */
export const isDiskId = (ref: string): boolean => DISK_ID_PATTERN.test(ref);
/** A normalised instance reference that is an id rather than a name. */
export const isInstanceId = (ref: string): boolean => INSTANCE_ID_PATTERN.test(ref);
/**
 * Request ids: the store generates `R-` and 10 Crockford base32 characters; 8–26 upper-case letters
 * or digits are accepted (a ULID fits). Users may type them in lower case; the parser upper-cases
 * before matching. The one definition: the workflow, the stores and the Slack payloads use it too.
 */
export const REQUEST_ID_PATTERN = /^R-[A-Z0-9]{8,26}$/;
/** Region ids (`cn-hangzhou`, `ap-southeast-1`) and zone ids (`cn-hangzhou-h`, `ap-southeast-1a`). */
export const REGION_ID_PATTERN = /^[a-z]{2}-[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const ZONE_ID_PATTERN = REGION_ID_PATTERN;
/**
 * ECS DiskName: starts with a letter; then letters, digits, `.`, `_`, `-`, `:`; 2–128 characters.
 * (`http://` and `https://` can never match because `/` is not allowed.)
 */
export const DISK_NAME_PATTERN = /^\p{L}[\p{L}0-9._:-]{1,127}$/u;
/** ECS InstanceName follows the same rule (2–128 characters, a letter first). */
export const INSTANCE_NAME_PATTERN = DISK_NAME_PATTERN;

/** value: takes one value; switch: no value; repeat: may repeat, values collected; choice: one of a set. */
export type FlagKind = 'value' | 'switch' | 'repeat' | 'choice';
export interface FlagSpec {
  readonly kind: FlagKind;
  /** The field of the tokenized form this flag fills. */
  readonly field: string;
  /** Shown in "needs a value" messages. */
  readonly example?: string;
}

export interface PositionalSpec {
  /** Single positionals, in order, each with its label and the sentence used when it is missing. */
  readonly fields: readonly { readonly field: string; readonly label: string; readonly missing: string }[];
  /** A trailing list (`<instance>...`), if any. */
  readonly rest?: { readonly field: string; readonly label: string; readonly missing: string };
  /** The trailing list may be empty (`/disk attach <disk>` opens a picker instead). */
  readonly restOptional?: boolean;
  /** How many of `fields` are required. */
  readonly required: number;
}

/** A flag that takes one value, with the example its "needs a value" message shows. */
export const valueFlag = (field: string, example: string): FlagSpec => ({ kind: 'value', field, example });
export const REASON_FLAG = valueFlag('reason', '--reason "disk for the db"');
export const ZONE_FLAG = valueFlag('zone', '--zone cn-hangzhou-h');
export const REGION_FLAG = valueFlag('region', '--region cn-hangzhou');

/** The disk a command names, first positional of most subcommands. */
export const DISK_POSITIONAL = {
  field: 'diskId',
  label: 'the disk',
  missing: 'The disk is required: its id or its name, e.g. d-bp1abc2def3ghi4jkl5m or shared-db.',
};
export const INSTANCES_POSITIONAL = {
  field: 'instanceIds',
  label: 'the instance',
  missing: 'At least one instance is required after the disk: an id or a name, e.g. i-bp1node1 or db-node-1.',
};
