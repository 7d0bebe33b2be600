import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_ERROR_CODES,
  type DiskCommand,
  LIMITS,
  MAX_ATTACHMENTS,
  parseDiskCommand,
  renderDiskCommand,
  SUBCOMMANDS,
  tokenize,
} from '../../src/commands/index.js';
import {
  instances,
  MOUNTPOINT_CHARS,
  mountpoint,
  resizeSize,
  retentionDays,
  TAG_KEY_CHARS,
  TAG_VALUE_CHARS,
  tagKey,
  tags,
  tagValue,
  validCommand,
} from '../support/command-arbitraries.js';

// Every arbitrary here is sized to its maxLength (configured when command-arbitraries.js is
// imported, before any arbitrary is built), checked by "the generators reach their limits".

const KINDS = new Set<string>([...SUBCOMMANDS, 'create_form', 'attach_form']);

/** The invariant for every input: a command, or an error a user can act on. Never a throw. */
function checkAnyText(text: string): void {
  const result = parseDiskCommand(text);
  if (result.ok) {
    expect(KINDS.has(result.command.kind)).toBe(true);
    return;
  }
  const { error } = result;
  expect(COMMAND_ERROR_CODES).toContain(error.code);
  expect(error.message.trim().length).toBeGreaterThan(0);
  expect(error.usage.trim().length).toBeGreaterThan(0);
  if (error.token !== undefined) expect(text).toContain(error.token);
  if (error.subcommand !== undefined) expect(SUBCOMMANDS).toContain(error.subcommand);
}

// Pieces that reach deep into the grammar, so random soups are more than "unknown subcommand".
const PIECES = [
  ...SUBCOMMANDS,
  'create',
  'attach',
  '--size',
  '—size',
  '–pl',
  '--size=',
  '--tag',
  '--reason',
  '--emergency',
  '--from',
  '--to',
  '--zone',
  '--region',
  '--category',
  '--iops',
  '--burst',
  '--allow-single-node-fs',
  '--mine',
  '--pending',
  '--all',
  '--retention-days',
  '65536',
  '--skip-final-snapshot',
  '--help',
  '-h',
  '--',
  '—',
  '-x',
  'd-1',
  'D-BP1',
  'i-1',
  'i-2',
  'I-1',
  'R-01HZX3K7Q9ABCDEF',
  'essd',
  'autopl',
  'regional',
  'PL1',
  'cn-hangzhou',
  'cn-hangzhou-h',
  '100',
  'abc',
  '0',
  'k=v',
  'aliyun=x',
  '=',
  '"',
  "'",
  '“',
  '”',
  '’',
  '\\',
  '"a b"',
  '<@U123>',
  '<!channel>',
  '<http://x|x>',
  '\u0000',
  '\u202e',
  '😀',
  '\ud800',
];
const SOUP_PIECES = 30;
const soupParts = fc.array(
  fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'binary', maxLength: 8 })),
  {
    maxLength: SOUP_PIECES,
  },
);
const soup = soupParts.chain((parts) =>
  fc
    .array(fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', ''), {
      minLength: parts.length,
      maxLength: parts.length,
    })
    .map((seps) => parts.map((p, i) => `${p}${seps[i]}`).join('')),
);

const BINARY_CHARS = 300;
const GRAPHEMES = 200;
const binaryText = fc.string({ unit: 'binary', maxLength: BINARY_CHARS });
const graphemeText = fc.string({ unit: 'grapheme', maxLength: GRAPHEMES });

describe('parseDiskCommand never throws', () => {
  it('for any string of code units (unicode, lone surrogates, control characters)', () => {
    fc.assert(fc.property(binaryText, checkAnyText), { numRuns: 3_000 });
  });

  it('for any grapheme string', () => {
    fc.assert(fc.property(graphemeText, checkAnyText), { numRuns: 1_000 });
  });

  it('for soups of grammar pieces and junk', () => {
    fc.assert(fc.property(soup, checkAnyText), { numRuns: 5_000 });
  });

  it('for very long text, quickly', () => {
    // CPU time of this process, not wall time: other files and programs share the machine.
    const started = process.cpuUsage();
    for (const text of [
      `attach d-1 ${'i-1 '.repeat(20_000)}`,
      `create ${'a'.repeat(100_000)} --size 1`,
      `detach d-1 i-1 --reason "${'x'.repeat(100_000)}"`,
      `status ${'"'.repeat(100_000)}`,
      '—'.repeat(100_000),
      `create db --size 1 ${'--tag a=b '.repeat(5_000)}`,
    ]) {
      checkAnyText(text);
    }
    const { user, system } = process.cpuUsage(started);
    expect((user + system) / 1_000).toBeLessThan(5_000);
  });
});

// ---- valid commands, rendered and read back -------------------------------------------------

const VALUE_FLAGS = new Set([
  'size',
  'category',
  'pl',
  'zone',
  'region',
  'iops',
  'tag',
  'reason',
  'from',
  'to',
  'emergency',
  'fs',
  'mount',
  'slots',
  'label',
  'channel',
]);

/** Retypes canonical text the way people and phones do: dashes, case, `=`, smart quotes, spacing. */
function noisy(canonical: string): fc.Arbitrary<string> {
  const tokens = tokenize(canonical).tokens;
  return fc
    .tuple(
      fc.array(fc.constantFrom('--', '—', '–', '——'), { minLength: tokens.length, maxLength: tokens.length }),
      fc.array(fc.boolean(), { minLength: tokens.length * 3, maxLength: tokens.length * 3 }),
      fc.array(fc.constantFrom(' ', '  ', '\t', '\u00a0', ' \n '), {
        minLength: tokens.length,
        maxLength: tokens.length,
      }),
    )
    .map(([dashes, coins, spaces]) => {
      const out: string[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        let raw = token.raw;
        if (i === 0 && coins[i * 3]) raw = raw.toUpperCase();
        if (token.quoted && raw.startsWith('"') && coins[i * 3 + 1]) raw = `“${raw.slice(1, -1)}”`;
        if (!token.quoted && raw.startsWith('--')) {
          const flagName = raw.slice(2);
          raw = `${dashes[i]}${coins[i * 3] ? flagName.toUpperCase() : flagName}`;
          const next = tokens[i + 1];
          if (VALUE_FLAGS.has(flagName) && next && coins[i * 3 + 2]) {
            raw = `${raw}=${next.raw}`;
            i++;
          }
        }
        out.push(raw, spaces[i] ?? ' ');
      }
      return out.join('');
    });
}

describe('round trip: valid commands rendered to text parse back to the same command', () => {
  it('canonical rendering', () => {
    fc.assert(
      fc.property(validCommand, (command) => {
        const text = renderDiskCommand(command);
        expect(parseDiskCommand(text)).toStrictEqual({ ok: true, command });
      }),
      { numRuns: 3_000 },
    );
  });

  it('as retyped on a phone: dashes, case, --flag=value, smart quotes, odd spacing', () => {
    fc.assert(
      fc.property(
        validCommand.chain((command) => noisy(renderDiskCommand(command)).map((text) => ({ command, text }))),
        ({ command, text }) => {
          expect(parseDiskCommand(text)).toStrictEqual({ ok: true, command });
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe('the generators reach their limits', () => {
  /** The longest of many samples: at size "max" every limit below is reached. */
  const longest = <T>(arb: fc.Arbitrary<T>, length: (value: T) => number) =>
    Math.max(...fc.sample(arb, { numRuns: 2_000, seed: 42 }).map(length));
  const graphemes = (s: string) => [...new Intl.Segmenter().segment(s)].length;

  it('strings, lists and tags reach their maxLength', () => {
    expect(longest(binaryText, (s) => [...s].length)).toBe(BINARY_CHARS);
    expect(longest(graphemeText, graphemes)).toBeGreaterThanOrEqual(GRAPHEMES - 10);
    expect(longest(soupParts, (parts) => parts.length)).toBe(SOUP_PIECES);
    expect(longest(instances, (ids) => ids.length)).toBe(MAX_ATTACHMENTS);
    expect(longest(tags, (t) => t.length)).toBe(LIMITS.maxTags);
    expect(longest(tagKey, (k) => k.length)).toBe(TAG_KEY_CHARS);
    expect(longest(tagValue, (v) => [...v].length)).toBe(TAG_VALUE_CHARS);
    expect(longest(mountpoint, (m) => m.length)).toBe(MOUNTPOINT_CHARS);
    expect(longest(resizeSize, (n) => n)).toBe(LIMITS.maxSizeGiB);
    expect(-longest(resizeSize, (n) => -n)).toBe(LIMITS.minSizeGiB);
    expect(longest(retentionDays, (d) => d)).toBe(65_536);
    expect(-longest(retentionDays, (d) => -d)).toBe(1);
  });

  it('every subcommand is generated, and each renders to text that starts with it', () => {
    const commands = fc.sample(validCommand, { numRuns: 3_000, seed: 42 });
    const kinds = new Set(commands.map((c) => c.kind));
    expect([...KINDS].filter((k) => !kinds.has(k as DiskCommand['kind']))).toEqual([]);
    // A form opens from its subcommand typed without what the form asks for.
    const FORM_OF: Partial<Record<DiskCommand['kind'], string>> = {
      create_form: 'create',
      attach_form: 'attach',
    };
    for (const command of commands) {
      const verb = FORM_OF[command.kind] ?? command.kind;
      expect(renderDiskCommand(command).split(' ')[0]).toBe(verb);
    }
  });
});
