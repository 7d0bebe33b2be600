import { describe, expect, it } from 'vitest';
import { parseDiskCommand } from '../../src/commands/index.js';

const parse = (text: string) => parseDiskCommand(text);

describe('/disk watch and /disk unwatch', () => {
  it('takes a disk by name too (resolved to its id before the handler runs)', () => {
    expect(parse('watch shared-db')).toEqual({
      ok: true,
      command: { kind: 'watch', list: false, diskId: 'shared-db' },
    });
    expect(parse('unwatch shared-db')).toEqual({
      ok: true,
      command: { kind: 'unwatch', diskId: 'shared-db' },
    });
  });

  it('reads a disk, a picked channel or a channel id, and --list', () => {
    expect(parse('watch D-BP1ABC')).toEqual({
      ok: true,
      command: { kind: 'watch', list: false, diskId: 'd-bp1abc' },
    });
    expect(parse('watch d-bp1abc --channel <#C0OPS123|storage-ops>')).toMatchObject({
      ok: true,
      command: { diskId: 'd-bp1abc', channelId: 'C0OPS123' },
    });
    expect(parse('watch d-bp1abc —channel=C0OPS123')).toMatchObject({
      ok: true,
      command: { channelId: 'C0OPS123' },
    });
    expect(parse('watch --list')).toEqual({ ok: true, command: { kind: 'watch', list: true } });
    expect(parse('unwatch d-bp1abc')).toEqual({ ok: true, command: { kind: 'unwatch', diskId: 'd-bp1abc' } });
  });

  it('names what is wrong', () => {
    expect(parse('watch')).toMatchObject({ ok: false, error: { code: 'missing_argument' } });
    expect(parse('watch --list d-bp1abc')).toMatchObject({ ok: false, error: { code: 'conflicting_flags' } });
    expect(parse('watch --list --channel C0OPS123')).toMatchObject({
      ok: false,
      error: { code: 'conflicting_flags' },
    });
    const named = parse('watch d-bp1abc --channel #ops');
    expect(named).toMatchObject({ ok: false, error: { code: 'invalid_value', token: '--channel' } });
    expect(parse('unwatch')).toMatchObject({
      ok: false,
      error: { code: 'missing_argument', subcommand: 'unwatch' },
    });
    expect(parse('watch 9x')).toMatchObject({ ok: false, error: { code: 'invalid_value' } });
  });
});
