/**
 * The typed vocabulary of `/disk` (design.md §2): what a parsed command is, what a parse error is,
 * and the limits the grammar enforces. Pure data: no Slack, Redis or cloud imports.
 */
import type { ResizeCommand } from '../kinds/resize/command.js';

/** Every subcommand, in the order help lists them. */
export const SUBCOMMANDS = [
  'help',
  'create',
  'attach',
  'detach',
  'status',
  'list',
  'failover',
  'requests',
  'cancel',
  'init',
  'snapshot',
  'delete',
  'watch',
  'unwatch',
  'freeze',
  'unfreeze',
  'resize',
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

/** The disk categories that support multi-attach (multi-attach-facts.md, "category"). */
export const DISK_CATEGORIES = ['cloud_essd', 'cloud_auto', 'cloud_regional_disk_auto'] as const;
export type DiskCategory = (typeof DISK_CATEGORIES)[number];

export const PERFORMANCE_LEVELS = ['PL0', 'PL1', 'PL2', 'PL3'] as const;
export type PerformanceLevel = (typeof PERFORMANCE_LEVELS)[number];

export const REQUEST_FILTERS = ['mine', 'pending', 'all'] as const;
export type RequestFilter = (typeof REQUEST_FILTERS)[number];

export interface Tag {
  key: string;
  value: string;
}

/**
 * Display names of the disks and instances a command names, keyed by id. Filled by name
 * resolution (never by the parser) so requests store ids for the cloud and names for people.
 */
export type NameMap = Readonly<Record<string, string>>;

/**
 * A command the grammar accepted. Ids are normalised (trimmed; disk/instance ids lower-case,
 * request ids upper-case); optional fields are absent, never `undefined`, when not given.
 *
 * `diskId`, `instanceIds`, `fromInstanceId` and `toInstanceId` hold what the user typed in that
 * place: an id (`d-…`, `i-…`) or a disk or instance name. Names are resolved to ids, unique in the
 * region, before anything is filed or read (`isDiskId`/`isInstanceId` tell them apart); after
 * resolution `names` maps each id to its name.
 */
export type DiskCommand =
  | { kind: 'help'; topic?: Subcommand }
  | {
      kind: 'create';
      name: string;
      sizeGiB: number;
      category: DiskCategory;
      performanceLevel?: PerformanceLevel;
      zoneId?: string;
      regionId?: string;
      provisionedIops?: number;
      burstingEnabled: boolean;
      /** `--allow-duplicate-name`: create even when another disk in the region has this name. */
      allowDuplicateName: boolean;
      tags: Tag[];
      reason?: string;
    }
  | { kind: 'create_form' }
  | {
      kind: 'attach';
      diskId: string;
      instanceIds: string[];
      allowSingleNodeFs: boolean;
      reason?: string;
      names?: NameMap;
      /** Set by Retry on a partial attach (never typed): the request whose missing steps this one runs. */
      finishes?: string;
    }
  /** `/disk attach <disk>` with no instances: a form with an instance picker. */
  | { kind: 'attach_form'; diskId: string; allowSingleNodeFs: boolean; reason?: string }
  | {
      kind: 'detach';
      diskId: string;
      instanceIds: string[];
      force: boolean;
      reason?: string;
      names?: NameMap;
    }
  | { kind: 'status'; diskId: string }
  | { kind: 'list'; zoneId?: string; regionId?: string }
  | {
      kind: 'failover';
      diskId: string;
      fromInstanceId: string;
      toInstanceId: string;
      emergencyReason?: string;
      names?: NameMap;
    }
  | { kind: 'requests'; filter: RequestFilter }
  | { kind: 'cancel'; requestId: string }
  | {
      kind: 'init';
      diskId: string;
      fs: 'ocfs2';
      mountpoint: string;
      slots?: number;
      label?: string;
      reason?: string;
      /** Set by Retry on a partial init (never typed): the request whose format this one mounts. */
      finishes?: string;
      /** The disk's name and those of the instances it is attached to (the cluster's nodes). */
      names?: NameMap;
    }
  | { kind: 'snapshot'; diskId: string; retentionDays?: number; reason?: string }
  | { kind: 'delete'; diskId: string; skipFinalSnapshot: boolean; reason?: string }
  | { kind: 'watch'; list: false; diskId: string; channelId?: string }
  | { kind: 'watch'; list: true }
  | { kind: 'unwatch'; diskId: string }
  /** A change freeze takes effect at once (approvers and on-call); lifting it is a request. */
  | { kind: 'freeze'; reason: string }
  | { kind: 'unfreeze'; reason?: string }
  | ResizeCommand;

export type DiskCommandKind = DiskCommand['kind'];

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

export interface CommandError {
  code: CommandErrorCode;
  /** The subcommand whose usage is shown; absent when the subcommand itself is unknown or missing. */
  subcommand?: Subcommand;
  /**
   * The offending token exactly as typed (`abc`, `D-X`, `—size`). For a bad flag value it is the
   * flag as typed without any `=value` part, so the UI can point at the flag; absent when the
   * problem is something missing.
   */
  token?: string;
  /** One plain sentence naming the token, e.g. `--size must be a whole number ..., got "abc"`. */
  message: string;
  /** That subcommand's usage lines, or the general usage. Plain text, meant for a code block. */
  usage: string;
}

/** `account`: the alias given with the global `--account` flag, absent when none was given. */
export type ParseResult =
  | { ok: true; command: DiskCommand; account?: string }
  | { ok: false; error: CommandError };

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
