import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_ERROR_CODES,
  type DiskCommand,
  LIMITS,
  MAX_ATTACHMENTS,
  parseDiskCommand,
  regionTypo,
  renderDiskCommand,
  SUBCOMMANDS,
  type Tag,
  tokenize,
} from '../../src/commands/index.js';

// fast-check 4 sizes arbitraries "small" by default (at most about 10 elements or characters),
// so a maxLength of 300 or 20 would never be reached; with this, an arbitrary given a maxLength
// generates every length up to it (checked below by "the generators reach their limits").
fc.configureGlobal({ defaultSizeToMaxWhenMaxSpecified: true });

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
    const started = performance.now();
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
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

// ---- valid commands, rendered and read back -------------------------------------------------

const lowerAlnum = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9]{1,${max}}$`));
const diskId = lowerAlnum(22).map((s) => `d-${s}`);
const instanceId = lowerAlnum(22).map((s) => `i-${s}`);
const instances = fc.uniqueArray(instanceId, { minLength: 1, maxLength: MAX_ATTACHMENTS });
// A made-up region within two edits of a real one is answered with "did you mean" (seed 17695
// drew `me-eat-0`, one edit from me-east-1), so only far-off ones are valid commands.
const region = fc
  .stringMatching(/^[a-z]{2}-[a-z]{3,10}(-[0-9])?$/)
  .filter((r) => regionTypo(r) === undefined);
const zoneIn = (r: string) => fc.stringMatching(/^(-[a-z]|[a-z])$/).map((suffix) => `${r}${suffix}`);
const name = fc.oneof(
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._:-]{1,40}$/),
  fc.constantFrom('数据盘', 'ÉtéDisk', 'pg-shared'),
);
const TEXT_CHARS = [
  ...'abcXYZ 019',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '\\',
  '—',
  '-',
  '=',
  '\n',
  '\t',
  'é',
  '数',
  '😀',
  '<',
  '>',
  '&',
];
const text = (maxLength: number) =>
  fc
    .string({ unit: fc.constantFrom(...TEXT_CHARS), minLength: 1, maxLength })
    .filter((s) => s === s.trim() && s.length > 0);
const TAG_KEY_CHARS = 20;
const TAG_VALUE_CHARS = 30;
const tagKey = fc
  .string({ unit: fc.constantFrom(...'abkZ09_.:/ -'), minLength: 1, maxLength: TAG_KEY_CHARS })
  .filter((k) => k === k.trim() && !/^(aliyun|acs:|https?:\/\/)/i.test(k));
const tagValue = fc.oneof(
  fc.constant(''),
  text(TAG_VALUE_CHARS).filter((v) => !/^(acs:|https?:\/\/)/i.test(v)),
);
const tags: fc.Arbitrary<Tag[]> = fc.uniqueArray(
  // fc.record builds null-prototype objects; the parser builds plain ones.
  fc.tuple(tagKey, tagValue).map(([key, value]) => ({ key, value })),
  { maxLength: LIMITS.maxTags, selector: (t) => t.key },
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops keys whose value is undefined: commands never carry `undefined` fields. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const createCommand = fc
  .record({
    name,
    sizeGiB: fc.integer({ min: 1, max: 65_536 }),
    category: fc.constantFrom('cloud_essd', 'cloud_auto', 'cloud_regional_disk_auto' as const),
    region: opt(region),
    withZone: fc.boolean(),
    pl: opt(fc.constantFrom('PL0', 'PL1', 'PL2', 'PL3' as const)),
    iops: opt(fc.integer({ min: 0, max: 50_000 })),
    burst: fc.boolean(),
    tags,
    reason: opt(text(120)),
  })
  .chain((r) =>
    (r.withZone && r.category !== 'cloud_regional_disk_auto'
      ? zoneIn(r.region ?? 'cn-hangzhou').map((z) => z as string | undefined)
      : fc.constant(undefined)
    ).map(
      (zoneId): DiskCommand =>
        compact({
          kind: 'create' as const,
          name: r.name,
          sizeGiB: r.sizeGiB,
          category: r.category,
          performanceLevel: r.category === 'cloud_essd' ? r.pl : undefined,
          zoneId,
          regionId: r.region,
          provisionedIops: r.category === 'cloud_auto' ? r.iops : undefined,
          burstingEnabled: r.category === 'cloud_auto' && r.burst,
          tags: r.tags,
          reason: r.reason,
        }),
    ),
  );

const MOUNTPOINT_CHARS = 200;
/** Absolute paths of plain segments (no `.`/`..` parts), up to the 200 characters `--mount` takes. */
const mountpoint = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,30}$/), { minLength: 1, maxLength: 12 })
  .map((segments) => `/${segments.join('/')}`.slice(0, MOUNTPOINT_CHARS))
  .filter((path) => !path.endsWith('/'));
const initCommand = fc
  .record({
    diskId,
    mountpoint,
    slots: opt(fc.integer({ min: 1, max: 255 })),
    label: opt(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/)),
    reason: opt(text(120)),
  })
  .map((r): DiskCommand => compact({ kind: 'init' as const, fs: 'ocfs2' as const, ...r }));
/** A channel as Slack puts a picked one in the text is turned into its id; the bare id reads back. */
const channelId = fc.stringMatching(/^[CG][A-Z0-9]{2,12}$/);

const validCommand: fc.Arbitrary<DiskCommand> = fc.oneof(
  opt(fc.constantFrom(...SUBCOMMANDS)).map((topic): DiskCommand => compact({ kind: 'help' as const, topic })),
  fc.constant<DiskCommand>({ kind: 'create_form' }),
  createCommand,
  fc
    .record({ diskId, instanceIds: instances, allowSingleNodeFs: fc.boolean(), reason: opt(text(120)) })
    .map((r): DiskCommand => compact({ kind: 'attach' as const, ...r })),
  fc
    .record({ diskId, instanceIds: instances, force: fc.boolean(), reason: opt(text(120)) })
    .map((r): DiskCommand => compact({ kind: 'detach' as const, ...r })),
  diskId.map((id): DiskCommand => ({ kind: 'status', diskId: id })),
  fc
    .record({ regionId: opt(region), withZone: fc.boolean() })
    .chain((r) =>
      (r.withZone ? zoneIn(r.regionId ?? 'eu-central-1') : fc.constant(undefined)).map(
        (zoneId): DiskCommand => compact({ kind: 'list' as const, zoneId, regionId: r.regionId }),
      ),
    ),
  fc
    .record({
      diskId,
      pair: fc.uniqueArray(instanceId, { minLength: 2, maxLength: 2 }),
      emergencyReason: opt(text(120)),
    })
    .map(
      (r): DiskCommand =>
        compact({
          kind: 'failover' as const,
          diskId: r.diskId,
          fromInstanceId: r.pair[0] as string,
          toInstanceId: r.pair[1] as string,
          emergencyReason: r.emergencyReason,
        }),
    ),
  fc
    .constantFrom('mine', 'pending', 'all' as const)
    .map((filter): DiskCommand => ({ kind: 'requests', filter })),
  fc.stringMatching(/^R-[A-Z0-9]{8,26}$/).map((requestId): DiskCommand => ({ kind: 'cancel', requestId })),
  initCommand,
  fc.constant<DiskCommand>({ kind: 'watch', list: true }),
  fc
    .record({ diskId, channelId: opt(channelId) })
    .map((r): DiskCommand => compact({ kind: 'watch' as const, list: false as const, ...r })),
  diskId.map((id): DiskCommand => ({ kind: 'unwatch', diskId: id })),
);

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
  });

  it('every subcommand is generated, and each renders to text that starts with it', () => {
    const commands = fc.sample(validCommand, { numRuns: 3_000, seed: 42 });
    const kinds = new Set(commands.map((c) => c.kind));
    expect([...KINDS].filter((k) => !kinds.has(k as DiskCommand['kind']) && k !== 'attach_form')).toEqual([]);
    for (const command of commands) {
      const verb = command.kind === 'create_form' ? 'create' : command.kind;
      expect(renderDiskCommand(command).split(' ')[0]).toBe(verb);
    }
  });
});
