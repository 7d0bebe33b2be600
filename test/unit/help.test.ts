import type { KnownBlock } from '@slack/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDiskCommand,
  SUBCOMMAND_EXAMPLES,
  SUBCOMMAND_SUMMARIES,
  SUBCOMMANDS,
  type Subcommand,
  usageFor,
} from '../../src/commands/index.js';
import { escapeMrkdwn } from '../../src/slack/blocks/escape.js';
import { HELP_LIMITS, helpBlocks } from '../../src/slack/blocks/help.js';

/** Every mrkdwn / plain_text string in the blocks, with the kind of text object it sits in. */
function texts(blocks: KnownBlock[]): { type: string; text: string }[] {
  const out: { type: string; text: string }[] = [];
  for (const block of blocks) {
    if (block.type === 'header' || block.type === 'section') {
      if (block.text) out.push({ type: block.text.type, text: block.text.text });
    }
    if (block.type === 'context') {
      for (const element of block.elements) {
        if ('text' in element && typeof element.text === 'string')
          out.push({ type: element.type, text: element.text });
      }
    }
  }
  return out;
}

const TOPICS: (Subcommand | undefined)[] = [undefined, ...SUBCOMMANDS];

describe('helpBlocks', () => {
  it.each(TOPICS)('stays within Slack limits (topic %s)', (topic) => {
    const blocks = helpBlocks(topic);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(HELP_LIMITS.maxBlocks);
    expect(blocks[0]?.type).toBe('header');
    for (const block of blocks) {
      expect(['header', 'section', 'context', 'divider']).toContain(block.type);
      if (block.type === 'header')
        expect(block.text.text.length).toBeLessThanOrEqual(HELP_LIMITS.maxHeaderChars);
      if (block.type === 'section')
        expect(block.text?.text.length).toBeLessThanOrEqual(HELP_LIMITS.maxSectionChars);
      if (block.type === 'context') {
        expect(block.elements.length).toBeGreaterThan(0);
        expect(block.elements.length).toBeLessThanOrEqual(HELP_LIMITS.maxContextElements);
      }
    }
    expect(JSON.parse(JSON.stringify(blocks))).toEqual(blocks);
  });

  it.each(TOPICS)('escapes every mrkdwn text: no raw <, > or stray & (topic %s)', (topic) => {
    for (const { type, text } of texts(helpBlocks(topic))) {
      if (type !== 'mrkdwn') continue;
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  it('the overview lists every subcommand with its summary, and the full usage', () => {
    const all = texts(helpBlocks())
      .map((t) => t.text)
      .join('\n');
    for (const sub of SUBCOMMANDS) {
      expect(all).toContain(`\`${sub}\``);
      expect(all).toContain(escapeMrkdwn(SUBCOMMAND_SUMMARIES[sub]));
    }
    expect(all).toContain(`\`\`\`${escapeMrkdwn(usageFor())}\`\`\``);
  });

  it.each(SUBCOMMANDS)('help for %s shows its usage in a code block and its examples', (sub) => {
    const blocks = helpBlocks(sub);
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: `/disk ${sub}` } });
    const all = texts(blocks)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain(`\`\`\`${escapeMrkdwn(usageFor(sub))}\`\`\``);
    for (const example of SUBCOMMAND_EXAMPLES[sub]) expect(all).toContain(`\`${escapeMrkdwn(example)}\``);
    expect(blocks.at(-1)?.type).toBe('context');
  });
});

describe('usage text and examples', () => {
  it.each(SUBCOMMANDS)('usageFor(%s) starts with its command and is part of the general usage', (sub) => {
    const usage = usageFor(sub);
    expect(usage.startsWith(`/disk ${sub}`)).toBe(true);
    expect(usageFor()).toContain(usage);
  });

  it.each(SUBCOMMANDS.flatMap((sub) => SUBCOMMAND_EXAMPLES[sub].map((example) => [sub, example] as const)))(
    'the %s example parses: %s',
    (sub, example) => {
      const result = parseDiskCommand(example.replace(/^\/disk\s*/, ''));
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) expect([sub, `${sub}_form`]).toContain(result.command.kind);
    },
  );
});

describe('escapeMrkdwn', () => {
  it.each([
    ['plain', 'plain'],
    ['<!channel>', '&lt;!channel&gt;'],
    ['<@U123> hi', '&lt;@U123&gt; hi'],
    ['<http://evil|click>', '&lt;http://evil|click&gt;'],
    ['a & b', 'a &amp; b'],
    ['&lt;', '&amp;lt;'],
    ['*bold* _it_ `code`', '*bold* _it_ `code`'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });

  it('never leaves a raw < or >, and Slack unescaping gives back the input', () => {
    const slackUnescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('<', '>', '&', 'a', ';', 'l', 't', 'g', '!', '@', ' ') }),
        (s) => {
          const escaped = escapeMrkdwn(s);
          expect(escaped).not.toMatch(/[<>]/);
          expect(slackUnescape(escaped)).toBe(s);
        },
      ),
    );
  });
});
