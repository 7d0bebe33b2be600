import type { KnownBlock } from '@slack/types';
import type { CommandError } from '../../commands/index.js';
import { escapeMrkdwn } from './escape.js';
import { clip, codeBlock, SLACK_LIMITS } from './limits.js';

export interface EphemeralMessage {
  response_type: 'ephemeral';
  text: string;
  blocks: KnownBlock[];
}

const section = (text: string) => ({
  type: 'section' as const,
  text: { type: 'mrkdwn' as const, text: clip(text, SLACK_LIMITS.sectionText) },
});

/**
 * The usage section of a usage error. There is one usage text per subcommand, so each is escaped
 * and laid out once: a usage error is answered inside the ack, so this work sat on every such
 * request. The shared block is frozen: replies are serialized, never edited.
 */
const usageBlocks = new Map<string, KnownBlock>();
function usageBlock(usage: string): KnownBlock {
  let block = usageBlocks.get(usage);
  if (!block) {
    const built = section(codeBlock(escapeMrkdwn(usage), SLACK_LIMITS.sectionText, '*Usage*\n'));
    Object.freeze(built.text);
    block = Object.freeze(built);
    // Usage texts come from the grammar, a fixed set; the bound only guards against a future change.
    if (usageBlocks.size < 64) usageBlocks.set(usage, block);
  }
  return block;
}

/** The ack for a command that did not parse: what was wrong, naming the token, and the usage. */
export function usageErrorMessage(error: CommandError): EphemeralMessage {
  const what = error.subcommand ? `\`/disk ${error.subcommand}\`` : '`/disk`';
  const text = `That ${what} command could not be read: ${error.message}`;
  return {
    response_type: 'ephemeral',
    text: clip(escapeMrkdwn(text), 3000),
    blocks: [
      section(`:warning: ${escapeMrkdwn(text)}`),
      usageBlock(error.usage),
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: `Run \`/disk help${error.subcommand ? ` ${error.subcommand}` : ''}\` for details.`,
          },
        ],
      },
    ],
  };
}

/** A valid subcommand whose implementation has not shipped: said plainly, never a fake success. */
export function notAvailableMessage(kind: string): EphemeralMessage {
  const text = `\`/disk ${kind}\` is understood but not available yet in this deployment; nothing was changed.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:construction: ${text}` } }],
  };
}

/** `--account` named no configured account (or accounts are not configured): nothing was done. */
export function accountRefusedMessage(message: string): EphemeralMessage {
  const text = `${escapeMrkdwn(message)} Nothing was done.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:no_entry_sign: ${text}` } }],
  };
}

/** A handler failed unexpectedly: the user gets a reference to quote, the logs carry the detail. */
export function internalErrorMessage(reference: string): EphemeralMessage {
  const text = `Something went wrong on our side and nothing may have been done. Quote reference \`${reference}\` to the bot's operators.`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:x: ${text}` } }],
  };
}

export function workingMessage(kind: string): EphemeralMessage {
  const text = `Working on \`/disk ${kind}\`…`;
  return {
    response_type: 'ephemeral',
    text,
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }],
  };
}
