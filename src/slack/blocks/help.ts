/**
 * Block Kit for `/disk help` and `/disk help <command>`, built from the grammar's own usage text so
 * help can never drift from the parser. Pure: types only from `@slack/types`.
 */
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import {
  SUBCOMMAND_EXAMPLES,
  SUBCOMMAND_NOTES,
  SUBCOMMAND_SUMMARIES,
  SUBCOMMANDS,
  type Subcommand,
  usageFor,
} from '../../commands/index.js';
import { escapeMrkdwn } from './escape.js';

/** Slack's limits (slack-conventions.md): a help reply stays well inside them. */
export const HELP_LIMITS = {
  maxBlocks: 50,
  maxSectionChars: 3000,
  maxHeaderChars: 150,
  maxContextElements: 10,
};

const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text, emoji: true },
});
const section = (mrkdwn: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: mrkdwn },
});
const context = (lines: readonly string[]): ContextBlock => ({
  type: 'context',
  elements: lines.slice(0, HELP_LIMITS.maxContextElements).map((text) => ({ type: 'mrkdwn', text })),
});
/** A fenced code block; a stray ``` inside could end the fence early, so it is defused. */
const codeBlock = (text: string) => `\`\`\`${escapeMrkdwn(text).replace(/```/g, "'''")}\`\`\``;
const inlineCode = (text: string) => `\`${escapeMrkdwn(text).replace(/`/g, "'")}\``;

function overview(): KnownBlock[] {
  const commands = SUBCOMMANDS.map((s) => `• ${inlineCode(s)} ${escapeMrkdwn(SUBCOMMAND_SUMMARIES[s])}`);
  return [
    header('How to use /disk'),
    section(
      'Ask for changes to multi-attach shared disks on Alibaba Cloud. Changes (create, attach, detach, failover) go to approval first; status, list and requests answer at once.',
    ),
    section(`*Commands*\n${commands.join('\n')}`),
    section(`*Usage*\n${codeBlock(usageFor())}`),
    context([`Run ${inlineCode('/disk help <command>')} for the details and examples of one command.`]),
  ];
}

function topicHelp(topic: Subcommand): KnownBlock[] {
  const notes = SUBCOMMAND_NOTES[topic].map((note) => `• ${escapeMrkdwn(note)}`);
  const blocks: KnownBlock[] = [
    header(`/disk ${topic}`),
    section(escapeMrkdwn(SUBCOMMAND_SUMMARIES[topic])),
    section(`*Usage*\n${codeBlock(usageFor(topic))}`),
  ];
  if (notes.length > 0) blocks.push(section(`*Good to know*\n${notes.join('\n')}`));
  blocks.push(context(['*Examples*', ...SUBCOMMAND_EXAMPLES[topic].map(inlineCode)]));
  return blocks;
}

/** The help reply's blocks: the overview, or one command's usage, notes and examples. */
export function helpBlocks(topic?: Subcommand): KnownBlock[] {
  return topic === undefined ? overview() : topicHelp(topic);
}
