/** The global `--account` flag: every subcommand takes it, anywhere on the line, once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDiskCommand } from '../../src/commands/parse.js';

describe('--account', () => {
  it.each([
    ['list --account staging', 'list'],
    ['--account staging list', 'list'],
    ['create data01 --size 100 --account=staging --zone cn-hangzhou-i', 'create'],
    ['status d-bp1abc --account STAGING', 'status'],
    ['requests --mine --account staging', 'requests'],
    ['attach d-bp1abc i-bp1x i-bp1y --account staging', 'attach'],
  ])('%s → account staging on a %s command', (text, kind) => {
    const parsed = parseDiskCommand(text);
    expect(parsed).toMatchObject({ ok: true, command: { kind }, account: 'staging' });
  });

  it('without the flag, no account and the same command as before', () => {
    const parsed = parseDiskCommand('list --zone cn-hangzhou-i');
    expect(parsed).toEqual({ ok: true, command: { kind: 'list', zoneId: 'cn-hangzhou-i' } });
  });

  it.each([
    ['list --account', 'Give --account an account alias'],
    ['list --account --zone cn-hangzhou-i', 'Give --account an account alias'],
    ['list --account a --account b', 'Give --account only once'],
    ['list --account "no way"', '--account takes an account alias like prod'],
  ])('%s is refused', (text, message) => {
    const parsed = parseDiskCommand(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatchObject({ code: 'invalid_value', subcommand: 'list' });
    expect(!parsed.ok && parsed.error.message).toContain(message);
  });

  it('adding --account <alias> never changes what the rest of the line means', () => {
    const texts = ['list', 'status d-bp1abc', 'requests --all', 'cancel R-0ABCDEF123', 'watch list', 'help'];
    fc.assert(
      fc.property(
        fc.constantFrom(...texts),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/),
        fc.boolean(),
        (text, alias, first) => {
          const withFlag = parseDiskCommand(
            first ? `--account ${alias} ${text}` : `${text} --account ${alias}`,
          );
          const plain = parseDiskCommand(text);
          expect(withFlag).toEqual(plain.ok ? { ...plain, account: alias } : plain);
        },
      ),
    );
  });
});
