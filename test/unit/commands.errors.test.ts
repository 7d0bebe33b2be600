import { describe, expect, it } from 'vitest';
import {
  COMMAND_ERROR_CODES,
  type CommandError,
  type CommandErrorCode,
  parseDiskCommand,
  type Subcommand,
  usageFor,
} from '../../src/commands/index.js';

function err(text: string): CommandError {
  const result = parseDiskCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(result.command)}`);
  return result.error;
}

const sixteen = Array.from({ length: 16 }, (_, i) => `i-n${i}`).join(' ');
const tags = (n: number) => Array.from({ length: n }, (_, i) => `--tag k${i}=v`).join(' ');

type Case = [text: string, code: CommandErrorCode, token: string | undefined, sub: Subcommand | undefined];

/** Every error code, with the token it must name (undefined: nothing was typed to point at). */
const CASES: Case[] = [
  ['', 'empty', undefined, undefined],
  ['   \t\n', 'empty', undefined, undefined],
  ['frobnicate', 'unknown_subcommand', 'frobnicate', undefined],
  ['atach d-1 i-1', 'unknown_subcommand', 'atach', undefined],
  ['"attach" d-1 i-1', 'unknown_subcommand', '"attach"', undefined],
  ['--size 10', 'unknown_subcommand', '--size', undefined],
  ['help frobnicate', 'unknown_subcommand', 'frobnicate', 'help'],
  ['attach d-1 i-1 --force', 'unknown_flag', '--force', 'attach'],
  ['detach d-1 i-1 --allow-single-node-fs', 'unknown_flag', '--allow-single-node-fs', 'detach'],
  ['create db1 --sise 10', 'unknown_flag', '--sise', 'create'],
  ['create db1 —SISE=10', 'unknown_flag', '—SISE', 'create'],
  ['create db1 -size 10', 'unknown_flag', '-size', 'create'],
  ['status d-1 --', 'unknown_flag', '--', 'status'],
  ['help --zone x', 'unknown_flag', '--zone', 'help'],
  ['create --size 10', 'missing_argument', undefined, 'create'],
  ['create db1', 'missing_argument', undefined, 'create'],
  ['create db1 --reason x', 'missing_argument', undefined, 'create'],
  ['attach', 'missing_argument', undefined, 'attach'],
  ['detach d-1', 'missing_argument', undefined, 'detach'],
  ['detach d-1 --reason x', 'missing_argument', undefined, 'detach'],
  ['status', 'missing_argument', undefined, 'status'],
  ['failover', 'missing_argument', undefined, 'failover'],
  ['failover d-1 --to i-2', 'missing_argument', undefined, 'failover'],
  ['failover d-1 --from i-1', 'missing_argument', undefined, 'failover'],
  ['cancel', 'missing_argument', undefined, 'cancel'],
  ['create db1 --size', 'missing_flag_value', '--size', 'create'],
  ['create db1 --size --burst', 'missing_flag_value', '--size', 'create'],
  ['create db1 --size=', 'missing_flag_value', '--size', 'create'],
  ['detach d-1 i-1 —reason', 'missing_flag_value', '—reason', 'detach'],
  ['failover d-1 --from --to i-2', 'missing_flag_value', '--from', 'failover'],
  ['failover d-1 --from i-1 --to i-2 --emergency', 'missing_flag_value', '--emergency', 'failover'],
  ['create db1 --tag', 'missing_flag_value', '--tag', 'create'],
  ['create x --size abc', 'invalid_value', '--size', 'create'],
  ['create db1 --size abc', 'invalid_value', '--size', 'create'],
  ['create db1 --size 0', 'invalid_value', '--size', 'create'],
  ['create db1 --size 65537', 'invalid_value', '--size', 'create'],
  ['create db1 --size 1.5', 'invalid_value', '--size', 'create'],
  ['create db1 --size -5', 'invalid_value', '--size', 'create'],
  ['create db1 --size 10TB', 'invalid_value', '--size', 'create'],
  ['create db1 --size 10 --category ssd', 'invalid_value', '--category', 'create'],
  ['create db1 --size 10 --category cloud_essd_entry', 'invalid_value', '--category', 'create'],
  ['create db1 --size 10 --pl PL4', 'invalid_value', '--pl', 'create'],
  ['create db1 --size 10 --zone hangzhou', 'invalid_value', '--zone', 'create'],
  ['create db1 --size 10 --region "cn hangzhou"', 'invalid_value', '--region', 'create'],
  ['create db1 --size 10 --category autopl --iops 50001', 'invalid_value', '--iops', 'create'],
  ['create db1 --size 10 --tag novalue', 'invalid_value', '--tag', 'create'],
  ['create db1 --size 10 --tag =v', 'invalid_value', '--tag', 'create'],
  ['create db1 --size 10 --tag aliyun-x=v', 'invalid_value', '--tag', 'create'],
  ['create db1 --size 10 --tag ACS:x=v', 'invalid_value', '--tag', 'create'],
  [`create db1 --size 10 --tag k=${'v'.repeat(129)}`, 'invalid_value', '--tag', 'create'],
  [`create db1 --size 10 ${tags(20)}`, 'invalid_value', '--tag', 'create'],
  ['create db1 --size 10 --tag env=a --tag env=b', 'invalid_value', '--tag', 'create'],
  ['create x --size 10', 'invalid_value', 'x', 'create'],
  ['create 1db --size 10', 'invalid_value', '1db', 'create'],
  ['create http://x --size 10', 'invalid_value', 'http://x', 'create'],
  [`create a${'b'.repeat(128)} --size 10`, 'invalid_value', `a${'b'.repeat(128)}`, 'create'],
  ['status 1disk', 'invalid_value', '1disk', 'status'],
  ['status D-', 'invalid_value', 'D-', 'status'],
  ['create db1 --size 10 --zone cn-hangzou-i', 'invalid_value', '--zone', 'create'],
  ['list --region cn-hangzou', 'invalid_value', '--region', 'list'],
  ['status d-', 'invalid_value', 'd-', 'status'],
  ['status <http://x|x>', 'invalid_value', '<http://x|x>', 'status'],
  ['status <mailto:a@b.c|a@b.c>', 'invalid_value', '<mailto:a@b.c|a@b.c>', 'status'],
  ['attach d-1 i-1 <@U123>', 'invalid_value', '<@U123>', 'attach'],
  ['attach d-1 i-_1', 'invalid_value', 'i-_1', 'attach'],
  ['attach d-1 i-1 --reason x node-2', 'unexpected_argument', 'node-2', 'attach'],
  ['detach d-1 i-1 --reason ""', 'invalid_value', '--reason', 'detach'],
  [`detach d-1 i-1 --reason "${'r'.repeat(501)}"`, 'invalid_value', '--reason', 'detach'],
  ['detach d-1 i-1 --reason "bell\u0007"', 'invalid_value', '--reason', 'detach'],
  ['failover d-1 --from i-1 --to i-2 --emergency ""', 'invalid_value', '--emergency', 'failover'],
  ['failover d-1 --from i-1 --to i-2 --emergency "   "', 'invalid_value', '--emergency', 'failover'],
  ['failover d-1 --from x --to i-2', 'invalid_value', '--from', 'failover'],
  ['cancel 123', 'invalid_value', '123', 'cancel'],
  ['cancel R-SHORT', 'invalid_value', 'R-SHORT', 'cancel'],
  ['create db1 --size 10 --burst=yes', 'invalid_value', '--burst', 'create'],
  ['requests --all=1', 'invalid_value', '--all', 'requests'],
  ['status d-1 d-2', 'unexpected_argument', 'd-2', 'status'],
  ['create my disk --size 10', 'unexpected_argument', 'disk', 'create'],
  ['create db1 --size 10 --reason disk for db', 'unexpected_argument', 'for', 'create'],
  ['list cn-hangzhou', 'unexpected_argument', 'cn-hangzhou', 'list'],
  ['requests pending', 'unexpected_argument', 'pending', 'requests'],
  ['cancel R-01HZX3K7Q9ABCDEF R-01HZX3K7Q9ABCDEG', 'unexpected_argument', 'R-01HZX3K7Q9ABCDEG', 'cancel'],
  ['help attach detach', 'unexpected_argument', 'detach', 'help'],
  ['create db1 --size 10 --size 20', 'duplicate_flag', '--size', 'create'],
  ['create db1 --size 10 --burst --category autopl —burst', 'duplicate_flag', '—burst', 'create'],
  ['detach d-1 i-1 --reason a --REASON b', 'duplicate_flag', '--REASON', 'detach'],
  ['requests --mine --mine', 'duplicate_flag', '--mine', 'requests'],
  ['create db1 --size 10 --pl PL1 --category autopl', 'conflicting_flags', '--pl', 'create'],
  ['create db1 --size 10 --iops 100', 'conflicting_flags', '--iops', 'create'],
  ['create db1 --size 10 --burst', 'conflicting_flags', '--burst', 'create'],
  ['create db1 --size 10 --category regional --zone cn-hangzhou-h', 'conflicting_flags', '--zone', 'create'],
  ['create db1 --size 10 --zone cn-beijing-a --region cn-hangzhou', 'conflicting_flags', '--zone', 'create'],
  ['list --zone cn-beijing-a --region cn-hangzhou', 'conflicting_flags', '--zone', 'list'],
  ['failover d-1 --from i-1 --to I-1', 'conflicting_flags', '--to', 'failover'],
  ['requests --mine --pending', 'conflicting_flags', '--pending', 'requests'],
  [`attach d-1 ${sixteen} i-n16`, 'too_many_instances', 'i-n16', 'attach'],
  [`detach d-1 ${sixteen} i-n16 i-n17`, 'too_many_instances', 'i-n16', 'detach'],
  ['attach d-1 i-1 i-2 i-1', 'duplicate_instance', 'i-1', 'attach'],
  ['detach d-1 i-a I-A', 'duplicate_instance', 'I-A', 'detach'],
  ['detach d-1 i-1 --reason "oops', 'unterminated_quote', '"oops', 'detach'],
  ["status 'd-1", 'unterminated_quote', "'d-1", 'status'],
  ['attach d-1 i-1 --reason “smart', 'unterminated_quote', '“smart', 'attach'],
  ['"attach', 'unterminated_quote', '"attach', undefined],
  ['detach d-1 i-1 --reason="a b', 'unterminated_quote', '--reason="a b', 'detach'],
];

describe('parseDiskCommand: errors name the offending token', () => {
  it.each(CASES)('%j → %s (token %j)', (text, code, token, sub) => {
    const error = err(text);
    expect(error.code).toBe(code);
    expect(error.token).toBe(token);
    expect(error.subcommand).toBe(sub);
    expect(error.message.length).toBeGreaterThan(0);
    if (token !== undefined) {
      // The message names the token: as typed (long tokens are cut), or as its canonical --flag.
      const asTyped = JSON.stringify(token.slice(0, 20)).slice(1, -1).toLowerCase();
      const canonical = /^[-\u2013\u2014]+[a-z-]+$/i.test(token)
        ? `--${token.replace(/^[-\u2013\u2014]+/, '').toLowerCase()}`
        : asTyped;
      const message = error.message.toLowerCase();
      expect(message.includes(asTyped) || message.includes(canonical), message).toBe(true);
    }
    const expectedUsage = code === 'unknown_subcommand' || sub === undefined ? usageFor() : usageFor(sub);
    expect(error.usage).toBe(expectedUsage);
  });

  it('covers every error code', () => {
    const covered = new Set(CASES.map(([, code]) => code));
    expect([...covered].sort()).toEqual([...COMMAND_ERROR_CODES].sort());
  });
});

describe('parseDiskCommand: messages', () => {
  it('answers `create x --size abc` naming --size in message and token', () => {
    const error = err('create x --size abc');
    expect(error.token).toBe('--size');
    expect(error.message).toMatch(/^--size is a whole number of GiB between 1 and 65536, got "abc"\./);
    expect(error.usage).toContain('--size <GiB>');
  });

  it('reports further problems after "Also:", at most two', () => {
    const error = err('create x --size abc --zone BAD! --pl PL9');
    expect(error.message.match(/Also:/g)).toHaveLength(1);
    expect(error.message).toContain('--zone');
    expect(error.message).toContain('--pl');
    expect(error.message).not.toContain('disk name');
  });

  it('suggests the closest subcommand and flag', () => {
    expect(err('atach d-1 i-1').message).toContain('did you mean attach?');
    expect(err('create db1 --sise 10').message).toContain('did you mean --size?');
    expect(err('create db1 -size 10').message).toContain('--size');
    expect(err('requests pending').message).toContain('Did you mean --pending?');
  });

  it('hints at quoting when a value with spaces spills over', () => {
    expect(err('detach d-1 i-1 --reason db is gone').message).toContain('put the whole value in quotes');
  });

  it('quotes hostile input safely and cuts long tokens', () => {
    const error = err(`status d-${'x'.repeat(200)}\u0000`);
    expect(error.message).toContain('…');
    expect(error.message).toContain('\\u0000'.slice(0, 0));
    expect(error.message.length).toBeLessThan(300);
    expect(err('status "a\u0007b"').message).toContain('\\u0007');
  });

  it('suggests the closest zone and region for a typo, and accepts real ones', () => {
    expect(err('create db1 --size 10 --zone cn-hangzou-i').message).toBe(
      '--zone "cn-hangzou-i" is not a known zone; did you mean cn-hangzhou-i?',
    );
    expect(err('create db1 --size 10 --zone ap-southeast-la').message).toContain(
      'did you mean ap-southeast-1a?',
    );
    expect(err('list --region cn-shangai').message).toContain('did you mean cn-shanghai?');
    expect(parseDiskCommand('list --zone cn-hangzhou-i').ok).toBe(true);
    expect(parseDiskCommand('list --region xx-newregion-9').ok).toBe(true);
  });

  it.each([
    ['10TB', 'use --size 9314 for at least 10 TB, or --size 10240 if you meant 10 TiB'],
    ['10 TiB', undefined],
    ['1.5T', 'use --size 1536'],
    ['500GB', '500 GB is 465.7 GiB'],
    ['100GB', '100 GB is 93.1 GiB (GB counts 1000s, disks are sized in GiB of 1024³ bytes): use --size 94'],
    ['100 MB', 'under 1 GiB'],
    ['0.5TiB', 'use --size 512'],
    ['2048MiB', 'use --size 2'],
    ['100MB', 'under 1 GiB'],
    ['100TB', 'over the 65536 GiB'],
  ])('suggests the GiB figure for --size %s', (size, hint) => {
    const error = err(`create db1 --size ${JSON.stringify(size)}`);
    expect(error.token).toBe('--size');
    if (hint) expect(error.message).toContain(hint);
    else expect(error.message).toContain('use --size 10240');
  });

  it('a unit typed apart from the --size value gets the figure to type, not advice to quote it', () => {
    const error = err('create db1 --size 100 GB');
    expect(error.message).toContain('--size takes one number of GiB with no space before a unit');
    expect(error.message).toContain('use --size 94 for at least 100 GB, or --size 100 if you meant 100 GiB');
    expect(error.message).not.toContain('quotes');
    // The advice, followed, is accepted.
    expect(parseDiskCommand('create db1 --size 94').ok).toBe(true);
    expect(err('create db1 --reason db is gone').message).toContain('put the whole value in quotes');
  });

  it('checks conflicts only once every flag is valid', () => {
    expect(err('create db1 --size 10 --category nope --pl PL1').code).toBe('invalid_value');
    expect(err('failover d-1').message).not.toContain('undefined');
  });
});
