/**
 * The typed vocabulary of `/disk` (design.md §2): what a parsed command is and what a parse error
 * is. The request kinds' subcommands and commands come from the kinds list (src/kinds/kinds.ts);
 * the rest are declared here. Pure data: no Slack, Redis or cloud imports.
 */
import { type KindCommand, REQUEST_KINDS, type RequestKind } from '../kinds/kinds.js';
import type { CommandErrorCode } from './vocabulary.js';

/** The subcommands that file no request, after the request kinds in the order help lists them. */
const OTHER_SUBCOMMANDS = ['status', 'list', 'requests', 'cancel', 'watch', 'unwatch', 'freeze'] as const;

/** Every subcommand, in the order help lists them: help, the request kinds, the rest. */
export const SUBCOMMANDS = ['help', ...REQUEST_KINDS, ...OTHER_SUBCOMMANDS] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];
/** The subcommands that file no request, help included. */
export type OtherSubcommand = Exclude<Subcommand, RequestKind>;

export const REQUEST_FILTERS = ['mine', 'pending', 'all'] as const;
export type RequestFilter = (typeof REQUEST_FILTERS)[number];

/** The commands of the subcommands that file no request. */
export type OtherCommand =
  | { kind: 'help'; topic?: Subcommand }
  | { kind: 'status'; diskId: string }
  | { kind: 'list'; zoneId?: string; regionId?: string }
  | { kind: 'requests'; filter: RequestFilter }
  | { kind: 'cancel'; requestId: string }
  | { kind: 'watch'; list: false; diskId: string; channelId?: string }
  | { kind: 'watch'; list: true }
  | { kind: 'unwatch'; diskId: string }
  /** A change freeze takes effect at once (approvers and on-call); lifting it is a request. */
  | { kind: 'freeze'; reason: string };

/**
 * A command the grammar accepted. Ids are normalised (trimmed; disk/instance ids lower-case,
 * request ids upper-case); optional fields are absent, never `undefined`, when not given.
 *
 * `diskId`, `instanceIds`, `fromInstanceId` and `toInstanceId` hold what the user typed in that
 * place: an id (`d-…`, `i-…`) or a disk or instance name. Names are resolved to ids, unique in the
 * region, before anything is filed or read (`isDiskId`/`isInstanceId` tell them apart); after
 * resolution `names` maps each id to its name.
 */
export type DiskCommand = OtherCommand | KindCommand;

export type DiskCommandKind = DiskCommand['kind'];

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
