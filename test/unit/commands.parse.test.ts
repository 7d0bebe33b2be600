import { describe, expect, it } from 'vitest';
import { type DiskCommand, parseDiskCommand } from '../../src/commands/index.js';

const DISK = 'd-bp1abc2def3ghi4jkl5m';

function ok(text: string): DiskCommand {
  const result = parseDiskCommand(text);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to parse, got ${JSON.stringify(result.error)}`);
  return result.command;
}

describe('parseDiskCommand: every subcommand', () => {
  const cases: [string, DiskCommand][] = [
    ['help', { kind: 'help' }],
    ['help attach', { kind: 'help', topic: 'attach' }],
    ['HELP Failover', { kind: 'help', topic: 'failover' }],
    ['--help', { kind: 'help' }],
    ['-h', { kind: 'help' }],
    ['attach --help', { kind: 'help', topic: 'attach' }],
    [`status ${DISK} —help`, { kind: 'help', topic: 'status' }],
    ['create', { kind: 'create_form' }],
    ['  create  ', { kind: 'create_form' }],
    [
      'create pg-shared --size 500',
      {
        kind: 'create',
        name: 'pg-shared',
        sizeGiB: 500,
        category: 'cloud_essd',
        burstingEnabled: false,
        allowDuplicateName: false,
        tags: [],
      },
    ],
    [
      'create pg.shared_01:a --size 20GiB --category essd --pl PL1 --zone cn-hangzhou-h --region cn-hangzhou --tag team=storage --tag env= --reason "shared WAL"',
      {
        kind: 'create',
        name: 'pg.shared_01:a',
        sizeGiB: 20,
        category: 'cloud_essd',
        performanceLevel: 'PL1',
        zoneId: 'cn-hangzhou-h',
        regionId: 'cn-hangzhou',
        burstingEnabled: false,
        allowDuplicateName: false,
        tags: [
          { key: 'team', value: 'storage' },
          { key: 'env', value: '' },
        ],
        reason: 'shared WAL',
      },
    ],
    [
      'create auto1 --size 100 --category autopl --iops 5000 --burst',
      {
        kind: 'create',
        name: 'auto1',
        sizeGiB: 100,
        category: 'cloud_auto',
        provisionedIops: 5000,
        burstingEnabled: true,
        allowDuplicateName: false,
        tags: [],
      },
    ],
    [
      'create reg1 --size 10 --category regional --region cn-shanghai',
      {
        kind: 'create',
        name: 'reg1',
        sizeGiB: 10,
        category: 'cloud_regional_disk_auto',
        regionId: 'cn-shanghai',
        burstingEnabled: false,
        allowDuplicateName: false,
        tags: [],
      },
    ],
    [
      `attach ${DISK} i-bp1node1 i-bp1node2 --allow-single-node-fs --reason "second node"`,
      {
        kind: 'attach',
        diskId: DISK,
        instanceIds: ['i-bp1node1', 'i-bp1node2'],
        allowSingleNodeFs: true,
        reason: 'second node',
      },
    ],
    ['attach d-1 i-1', { kind: 'attach', diskId: 'd-1', instanceIds: ['i-1'], allowSingleNodeFs: false }],
    [
      `detach ${DISK} i-a i-b --reason retired`,
      { kind: 'detach', diskId: DISK, instanceIds: ['i-a', 'i-b'], force: false, reason: 'retired' },
    ],
    [`detach ${DISK} i-a —force`, { kind: 'detach', diskId: DISK, instanceIds: ['i-a'], force: true }],
    [`status ${DISK}`, { kind: 'status', diskId: DISK }],
    ['list', { kind: 'list' }],
    [
      'list --zone cn-hangzhou-h --region cn-hangzhou',
      { kind: 'list', zoneId: 'cn-hangzhou-h', regionId: 'cn-hangzhou' },
    ],
    [
      `failover ${DISK} --from i-old --to i-new`,
      { kind: 'failover', diskId: DISK, fromInstanceId: 'i-old', toInstanceId: 'i-new' },
    ],
    [
      `failover ${DISK} --to i-new --from i-old --emergency "node hung"`,
      {
        kind: 'failover',
        diskId: DISK,
        fromInstanceId: 'i-old',
        toInstanceId: 'i-new',
        emergencyReason: 'node hung',
      },
    ],
    ['requests', { kind: 'requests', filter: 'mine' }],
    ['requests --mine', { kind: 'requests', filter: 'mine' }],
    ['requests --pending', { kind: 'requests', filter: 'pending' }],
    ['requests --all', { kind: 'requests', filter: 'all' }],
    ['cancel R-01HZX3K7Q9ABCDEF', { kind: 'cancel', requestId: 'R-01HZX3K7Q9ABCDEF' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(ok(text)).toStrictEqual(expected);
  });
});

describe('parseDiskCommand: category and PL aliases, case-insensitive', () => {
  it.each([
    ['essd', 'cloud_essd'],
    ['ESSD', 'cloud_essd'],
    ['cloud_essd', 'cloud_essd'],
    ['autopl', 'cloud_auto'],
    ['AutoPL', 'cloud_auto'],
    ['cloud_auto', 'cloud_auto'],
    ['regional', 'cloud_regional_disk_auto'],
    ['Regional', 'cloud_regional_disk_auto'],
    ['CLOUD_REGIONAL_DISK_AUTO', 'cloud_regional_disk_auto'],
  ])('--category %s → %s', (alias, category) => {
    expect(ok(`create db1 --size 100 --category ${alias}`)).toMatchObject({ kind: 'create', category });
  });

  it.each(['PL0', 'pl1', 'Pl2', 'pL3'])('--pl %s', (pl) => {
    expect(ok(`create db1 --size 100 --pl ${pl}`)).toMatchObject({ performanceLevel: pl.toUpperCase() });
  });
});

describe('parseDiskCommand: dash forms and --flag=value', () => {
  it.each([
    'create db1 --size 100',
    'create db1 —size 100',
    'create db1 –size 100',
    'create db1 ——size 100',
    'create db1 —-size 100',
    'create db1 --size=100',
    'create db1 —size=100',
    'create db1 --SIZE 100',
    'create db1 –Size=100',
    'CREATE db1 --size 100',
  ])('%s', (text) => {
    expect(ok(text)).toMatchObject({ kind: 'create', name: 'db1', sizeGiB: 100 });
  });

  it('accepts dashes on every subcommand', () => {
    expect(ok('requests —pending')).toStrictEqual({ kind: 'requests', filter: 'pending' });
    expect(ok('attach d-1 i-1 —allow-single-node-fs')).toMatchObject({ allowSingleNodeFs: true });
    expect(ok('failover d-1 –from i-1 —to=i-2')).toMatchObject({
      fromInstanceId: 'i-1',
      toInstanceId: 'i-2',
    });
  });

  it('lets flags and positionals interleave', () => {
    expect(ok('attach --reason "x y" d-1 i-1 --allow-single-node-fs i-2')).toStrictEqual({
      kind: 'attach',
      diskId: 'd-1',
      instanceIds: ['i-1', 'i-2'],
      allowSingleNodeFs: true,
      reason: 'x y',
    });
    expect(ok('create --size 10 db1')).toMatchObject({ name: 'db1', sizeGiB: 10 });
  });
});

describe('parseDiskCommand: quoting', () => {
  const reasonOf = (text: string) => {
    const command = ok(`detach d-1 i-1 --reason ${text}`);
    return command.kind === 'detach' ? command.reason : undefined;
  };
  it.each([
    ['"disk for db"', 'disk for db'],
    ["'disk for db'", 'disk for db'],
    ['“disk for db”', 'disk for db'],
    ['”disk for db”', 'disk for db'],
    ['„disk for db“', 'disk for db'],
    ['‘disk for db’', 'disk for db'],
    ['"db won’t start"', 'db won’t start'],
    ["'it's fine'", "it's fine"],
    ['"say \\"hi\\" now"', 'say "hi" now'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"C:\\path"', 'C:\\path'],
    ['"--not-a-flag"', '--not-a-flag'],
    ['"multi\nline"', 'multi\nline'],
    ['db’s', 'db’s'],
    ['plain', 'plain'],
  ])('--reason %s', (typed, reason) => {
    expect(reasonOf(typed)).toBe(reason);
  });

  it('quotes after = in --flag=value and in tags', () => {
    expect(ok('detach d-1 i-1 --reason="a b"')).toMatchObject({ reason: 'a b' });
    expect(ok('create db1 --size 1 --tag owner="storage team"')).toMatchObject({
      tags: [{ key: 'owner', value: 'storage team' }],
    });
    expect(ok('create db1 --size 1 --tag "owner=storage team"')).toMatchObject({
      tags: [{ key: 'owner', value: 'storage team' }],
    });
  });

  it('accepts non-breaking and other Unicode spaces between tokens', () => {
    expect(ok('status\u00a0d-1')).toStrictEqual({ kind: 'status', diskId: 'd-1' });
    expect(ok('\tattach d-1\u2003i-1\n')).toMatchObject({ instanceIds: ['i-1'] });
  });
});

describe('parseDiskCommand: normalisation', () => {
  it('lower-cases disk and instance ids, upper-cases request ids, trims quoted ids', () => {
    expect(ok('attach D-BP1ABC I-X1 " i-x2 "')).toMatchObject({
      diskId: 'd-bp1abc',
      instanceIds: ['i-x1', 'i-x2'],
    });
    expect(ok('cancel r-01hzx3k7q9abcdef')).toStrictEqual({
      kind: 'cancel',
      requestId: 'R-01HZX3K7Q9ABCDEF',
    });
    expect(ok('list --zone CN-Hangzhou-H')).toStrictEqual({ kind: 'list', zoneId: 'cn-hangzhou-h' });
  });

  it('trims reasons and tag parts', () => {
    expect(ok('detach d-1 i-1 --reason "  spaced  "')).toMatchObject({ reason: 'spaced' });
    expect(ok('create db1 --size 1 --tag " k = v "')).toMatchObject({ tags: [{ key: 'k', value: 'v' }] });
  });

  it('accepts G and GiB size suffixes and leading zeros', () => {
    expect(ok('create db1 --size 100G')).toMatchObject({ sizeGiB: 100 });
    expect(ok('create db1 --size 100gib')).toMatchObject({ sizeGiB: 100 });
    expect(ok('create db1 --size 0010')).toMatchObject({ sizeGiB: 10 });
    expect(ok('create db1 --size 65536')).toMatchObject({ sizeGiB: 65536 });
  });

  it('accepts the limits exactly', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `i-n${i}`).join(' ');
    expect(ok(`attach d-1 ${sixteen}`)).toMatchObject({ instanceIds: expect.arrayContaining(['i-n15']) });
    // 19: ECS takes 20 tags per CreateDisk and the bot adds its own "created blank" tag.
    const nineteen = Array.from({ length: 19 }, (_, i) => `--tag k${i}=v`).join(' ');
    expect(ok(`create db1 --size 1 ${nineteen}`)).toMatchObject({ kind: 'create' });
    expect(ok(`detach d-1 i-1 --reason "${'r'.repeat(500)}"`)).toMatchObject({ kind: 'detach' });
    expect(ok(`create a${'b'.repeat(127)} --size 1`)).toMatchObject({ kind: 'create' });
    expect(ok('create 数据盘 --size 1')).toMatchObject({ name: '数据盘' });
  });
});

describe('parseDiskCommand: disk and instance names', () => {
  it('takes a name wherever a disk or instance is expected, keeping its case', () => {
    expect(ok('status Shared-DB')).toStrictEqual({ kind: 'status', diskId: 'Shared-DB' });
    expect(ok('attach shared-db nvme-i-01 I-BP1X')).toMatchObject({
      kind: 'attach',
      diskId: 'shared-db',
      instanceIds: ['nvme-i-01', 'i-bp1x'],
    });
    expect(ok('failover shared-db --from nvme-i-01 --to nvme-i-02')).toMatchObject({
      fromInstanceId: 'nvme-i-01',
      toInstanceId: 'nvme-i-02',
    });
    expect(ok('detach 数据盘 节点一')).toMatchObject({ diskId: '数据盘', instanceIds: ['节点一'] });
  });

  it('opens the picker form for /disk attach <disk> with no instances, keeping its flags', () => {
    expect(ok('attach shared-db --reason "more nodes"')).toStrictEqual({
      kind: 'attach_form',
      diskId: 'shared-db',
      allowSingleNodeFs: false,
      reason: 'more nodes',
    });
  });
});
