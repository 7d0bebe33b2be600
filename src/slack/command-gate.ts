import type { KnownBlock } from '@slack/types';
import type { EphemeralMessage } from './blocks/replies.js';
import type { CommandHandler, CommandHandlers, CommandKind, CommandReply } from './ports.js';

/** Port: counts one command of a user; `allowed: false` once the user is over the policy's rate. */
export type CommandRateLimit = (
  userId: string,
) => Promise<{ readonly allowed: true } | { readonly allowed: false; limit: number; retryInSec: number }>;

/** Port: whether a user is one of the policy's `viewers` (everyone when the policy has none). */
export type CanView = (userId: string) => Promise<boolean>;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** The ack of a command over the rate: nothing was done, and when to try again. */
export function rateLimitedMessage(limit: number, retryInSec: number): EphemeralMessage {
  const text =
    `You are sending \`/disk\` commands faster than this deployment allows (${limit} per minute); ` +
    `nothing was done. Try again in ${retryInSec} s.`;
  return { response_type: 'ephemeral', text, blocks: [section(`:hourglass: ${text}`)] };
}

export function notViewerReply(kind: string): CommandReply {
  const text =
    `\`/disk ${kind}\` shows disks and other people's requests, which this deployment's policy ` +
    'limits to its viewers, and you are not one. `/disk requests --mine` shows your own requests; ' +
    "ask the bot's operators to add you to `viewers` in the policy file.";
  return { text, blocks: [section(`:lock: ${text}`)] };
}

/** Commands that show what exists, beyond the user's own requests. */
function isViewing(kind: CommandKind, command: { filter?: string }): boolean {
  if (kind === 'status' || kind === 'list') return true;
  return kind === 'requests' && command.filter !== 'mine';
}

/**
 * Wraps the handlers so that status, list and `requests pending|all` answer non-viewers with a
 * clear refusal and do no work; everything else (asking, cancelling, `requests --mine`) is unchanged.
 */
export function withViewerGate(handlers: CommandHandlers, canView: CanView): CommandHandlers {
  const gated: Record<string, CommandHandler<CommandKind>> = {};
  for (const [kind, handler] of Object.entries(handlers) as [CommandKind, CommandHandler<CommandKind>][]) {
    gated[kind] = async (command, context) => {
      if (isViewing(kind, command as { filter?: string }) && !(await canView(context.userId))) {
        return notViewerReply(kind);
      }
      return handler(command, context);
    };
  }
  return gated as CommandHandlers;
}
