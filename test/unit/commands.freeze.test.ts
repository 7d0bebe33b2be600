import { describe, expect, it } from 'vitest';
import { parseDiskCommand } from '../../src/commands/index.js';

const parse = (text: string) => parseDiskCommand(text);

describe('/disk freeze and /disk unfreeze', () => {
  it('freeze needs a reason; unfreeze takes one optionally', () => {
    expect(parse('freeze --reason "INC-42: latency"')).toEqual({
      ok: true,
      command: { kind: 'freeze', reason: 'INC-42: latency' },
    });
    expect(parse('unfreeze')).toEqual({ ok: true, command: { kind: 'unfreeze' } });
    expect(parse('unfreeze —reason=done')).toEqual({
      ok: true,
      command: { kind: 'unfreeze', reason: 'done' },
    });
  });

  it('freeze without a reason, or with a disk, is refused naming what to fix', () => {
    const missing = parse('freeze');
    expect(missing).toMatchObject({ ok: false, error: { subcommand: 'freeze' } });
    expect(missing.ok ? '' : missing.error.message).toContain('--reason');
    expect(parse('freeze d-bp1abc --reason x')).toMatchObject({
      ok: false,
      error: { code: 'unexpected_argument', subcommand: 'freeze' },
    });
  });
});
