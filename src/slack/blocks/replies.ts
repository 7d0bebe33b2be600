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

/** The ack for a command that did not parse: what was wrong, naming the token, and the usage. */
export function usageErrorMessage(error: CommandError): EphemeralMessage {
  const what = error.subcommand ? `\`/disk ${error.subcommand}\`` : '`/disk`';
  const text = `That ${what} command could not be read: ${error.message}`;
  return {
    response_type: 'ephemeral',
    text: clip(escapeMrkdwn(text), 3000),
    blocks: [
      section(`:warning: ${escapeMrkdwn(text)}`),
      section(codeBlock(escapeMrkdwn(error.usage), SLACK_LIMITS.sectionText, '*Usage*\n')),
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
