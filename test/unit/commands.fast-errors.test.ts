import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAST_FIELDS, fastIssues } from '../../src/commands/fast-errors.js';
import { parseDiskCommand, parseDiskCommandZodOnly } from '../../src/commands/parse.js';

// Values around the fast fields' edges (size, disk name, disk ref) and the other fields' too, so
// texts mix fast-field errors with errors only zod finds and with cross-field conflicts.
const VALUES = [
  'x',
  'db1',
  'shared-db',
  'Ünïcode-name',
  '9lives',
  'a'.repeat(128),
  'a'.repeat(129),
  'd-1',
  'D-BP1ABC',
  'd-',
  'd-bad!',
  'd-1 ',
  '"d 1"',
  '""',
  '" x "',
  'abc',
  '0',
  '1',
  '65536',
  '65537',
  '100G',
  '100gib',
  '10TB',
  '1.5T',
  '500MB',
  '-5',
  '1e3',
  'essd',
  'autopl',
  'regional',
  'PL1',
  'PL4',
  'cn-hangzhou',
  'cn-hangzhou-h',
  'cn-beijing-a',
  'hangzhou',
  'k=v',
  'novalue',
  'aliyun-x=v',
  'i-1',
  'i-2',
  'i-bad!',
  'node-1',
  '50001',
];
const FLAGS = [
  '--size',
  '—size',
  '--size=abc',
  '--size=10TB',
  '--category',
  '--pl',
  '--zone',
  '--region',
  '--iops',
  '--burst',
  '--tag',
  '--reason',
  '--from',
  '--to',
  '--emergency',
  '--allow-single-node-fs',
  '--force',
];
const SUBS = ['create', 'attach', 'detach', 'status', 'failover', 'list', 'cancel'];

const text = fc
  .tuple(
    fc.constantFrom(...SUBS),
    fc.array(fc.oneof(fc.constantFrom(...VALUES), fc.constantFrom(...FLAGS), fc.string({ maxLength: 6 })), {
      maxLength: 12,
    }),
  )
  .map(([sub, parts]) => [sub, ...parts].join(' '));

describe('the fast path for value errors', () => {
  it('gives exactly the answer of the zod-only path', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(parseDiskCommand(t)).toEqual(parseDiskCommandZodOnly(t));
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives the same answers on the grammar tests’ error cases', () => {
    for (const t of [
      'create x --size abc',
      'create db1 --size abc',
      'create db1 --size 0',
      'create db1 --size 10TB',
      'create db1 --size=1.5T --reason "a b"',
      'create db1 --size abc --tag novalue',
      'create 9lives --size 10 --category autopl --pl PL1',
      'create x --size 10 --zone cn-beijing-a --region cn-hangzhou',
      'status d-bad!',
      'status "bad name"',
      'attach d-bad! i-1 i-1',
      'attach d-1! i-bad!',
      'detach shared-db! i-1 --reason x',
      'failover d-! --from i-1 --to i-1',
      'failover d-! --from i-1 --to i-2',
    ]) {
      expect(parseDiskCommand(t), t).toEqual(parseDiskCommandZodOnly(t));
    }
  });

  it('answers the usage error of bench:ack itself, and leaves mixed errors to zod', () => {
    const bad = { name: 'x', size: 'abc', burst: false, allowDuplicateName: false, tags: [] };
    expect(fastIssues('create', bad)?.map((i) => i.path)).toEqual([['name'], ['size']]);
    expect(fastIssues('create', { ...bad, tags: ['novalue'] })).toBeUndefined();
    expect(fastIssues('create', { ...bad, name: 'db1', size: '10' })).toBeUndefined();
    expect(fastIssues('status', { diskId: 'd-bad!' })?.map((i) => i.path)).toEqual([['diskId']]);
  });

  it('uses placeholders the fields accept', () => {
    for (const [sub, fields] of Object.entries(FAST_FIELDS)) {
      for (const field of fields)
        expect(field.issue(field.placeholder), `${sub} ${field.field}`).toBe(undefined);
    }
  });
});
