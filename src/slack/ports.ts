import type { KnownBlock } from '@slack/types';
import type { DiskCommand } from '../commands/index.js';
import type { RequestOrigin } from '../workflow/request.js';

/** Who ran a command and where; everything a handler may need from the Slack request. */
export interface CommandContext {
  readonly userId: string;
  readonly channelId: string;
  readonly teamId: string;
  readonly triggerId: string;
  /** Set when a Workflow Builder step files the request instead of a person typing `/disk`. */
  readonly origin?: RequestOrigin;
}

/** What a handler answers; the listener sends it privately through the command's response_url. */
/**
 * Sends a submitted form's answer to `user` only, in `channel`, at most once per `viewId` (Slack
 * gives every modal its own); in the bot, through the outbox's critical lane: the person who
 * submitted the form waits for it.
 */
export type SendEphemeral = (
  viewId: string,
  channel: string,
  user: string,
  message: { readonly text: string; readonly blocks?: KnownBlock[] },
) => Promise<void>;

export interface CommandReply {
  readonly text: string;
  readonly blocks?: KnownBlock[];
  /** The request this reply opened, when it opened one (a workflow step waits for its end). */
  readonly requestId?: string;
}

export type CommandKind = DiskCommand['kind'];

export type CommandHandler<K extends CommandKind> = (
  command: Extract<DiskCommand, { kind: K }>,
  context: CommandContext,
) => Promise<CommandReply>;

/**
 * The service methods behind `/disk`, one per subcommand. A subcommand without a handler is
 * answered honestly as "not available yet" instead of pretending to work.
 */
export type CommandHandlers = { readonly [K in CommandKind]?: CommandHandler<K> };
