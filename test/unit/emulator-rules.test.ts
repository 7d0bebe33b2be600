import { describe, expect, test } from 'vitest';
import { paginate } from '../../src/emulator/actions/common.js';
import { parseCli } from '../../src/emulator/cli-args.js';
import { drawFault, QuotaWindows } from '../../src/emulator/faults.js';
import { Params } from '../../src/emulator/params.js';
import {
  checkAttach,
  checkCreateDisk,
  checkDelete,
  checkDetach,
  checkResize,
  checkSnapshot,
  sizeRange,
} from '../../src/emulator/rules.js';
import { runScript } from '../../src/emulator/script-runner.js';
import { hostKeyFor, isReservationKey, parseScriptMarker, scriptMarker } from '../../src/emulator/scripts.js';
import { applySeed, SEED } from '../../src/emulator/seed.js';
import { DEFAULT_LATENCY, type Disk, diskStatus, type Instance, World } from '../../src/emulator/world.js';

const code = (c: string) => expect.objectContaining({ code: c });

function world(start = 1_000): { w: World; clock: { t: number } } {
  const clock = { t: start };
  const w = new World({ now: () => clock.t, random: () => 0, latency: DEFAULT_LATENCY });
  applySeed(w, 'default');
  return { w, clock };
}

const disk = (over: Partial<Disk> = {}): Disk => ({
  diskId: 'd-bp1test',
  diskName: '',
  description: '',
  zoneId: SEED.zones.multiAttachI,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  size: 40,
  multiAttach: 'Enabled',
  busy: null,
  attachments: [],
  pending: new Map(),
  deleteWithInstance: false,
  tags: [],
  creationTime: 0,
  detachedTime: null,
  fstype: null,
  ...over,
});

describe('CreateDisk rules', () => {
  const { w } = world();
  const zone = w.zones.get(SEED.zones.multiAttachI);
  const base = {
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    size: 40,
    multiAttach: 'Enabled' as const,
    instanceId: undefined,
    zone,
  };
  test.each([
    [{}, null],
    [{ instanceId: 'i-1' }, 'InvalidParameter.MultiAttachAndInstanceIdConflict'],
    [{ category: 'cloud_efficiency' }, 'InvalidParameter.DiskCategoryAndMultiAttachNotMatch'],
    [
      { category: 'cloud_essd_entry', performanceLevel: '' },
      'InvalidParameter.DiskCategoryAndMultiAttachNotMatch',
    ],
    [{ zone: w.zones.get(SEED.zones.noMultiAttachB) }, 'OperationDenied.ZoneNotSupportMultiAttachDisk'],
    [{ category: 'cloud' }, 'InvalidDiskCategory.NotSupported'],
    [{ performanceLevel: 'PL3', size: 1260 }, 'InvalidDiskSize.NotSupported'],
    [{ category: 'cloud_regional_disk_auto', zone: undefined, size: 10 }, null],
  ])('%o → %s', (over, expected) => {
    const run = () => checkCreateDisk({ ...base, ...over });
    if (expected === null) expect(run).not.toThrow();
    else expect(run).toThrow(code(expected));
  });

  test('size ranges depend on category and performance level', () => {
    expect(sizeRange('cloud_essd', 'PL2')).toEqual({ min: 461, max: 65536 });
    expect(sizeRange('cloud_auto', '')).toEqual({ min: 1, max: 65536 });
    expect(sizeRange('cloud_essd', 'PL7')).toBeUndefined();
  });
});

describe('AttachDisk and DetachDisk rules', () => {
  const { w } = world();
  const inst = (id: string, over: Partial<Instance> = {}): Instance => ({ ...w.instances.get(id)!, ...over });
  const nvme = SEED.instances.nvmeI[0]!.id;
  const attachInput = (d: Disk, i: Instance, over = {}) => ({
    disk: d,
    instance: i,
    type: w.instanceTypes.get(i.instanceType)!,
    image: w.images.get(i.imageId),
    instanceDataDisks: 0,
    deleteWithInstance: false,
    bootable: false,
    ...over,
  });
  const sixteen = Array.from({ length: 16 }, (_, n) => ({
    instanceId: `i-${n}`,
    device: '',
    hostDevice: '',
    attachedTime: 0,
  }));

  test.each([
    ['a 17th attachment', disk({ attachments: sixteen }), nvme, {}, 'DiskAttachedNumberExceeded'],
    [
      'a non-NVMe type',
      disk(),
      SEED.instances.noNvmeTypeI[0]!.id,
      {},
      'InvalidInstanceType.NotSupportMultiAttachDisk',
    ],
    ['a non-NVMe image', disk(), SEED.instances.noNvmeImageI[0]!.id, {}, 'InvalidImage.NvmeUnsupported'],
    ['another zone', disk(), SEED.instances.nvmeJ[0]!.id, {}, 'ResourcesNotInSameZone'],
    ['DeleteWithInstance', disk(), nvme, { deleteWithInstance: true }, 'DeleteWithInstance.Conflict'],
    ['a full instance', disk(), nvme, { instanceDataDisks: 15 }, 'InstanceDiskLimitExceeded'],
    ['a creating disk', disk({ busy: 'Creating' }), nvme, {}, 'IncorrectDiskStatus'],
  ])('%s is refused', (_name, d, id, over, expected) => {
    expect(() => checkAttach(attachInput(d, inst(id), over))).toThrow(code(expected));
  });

  test('a Starting instance is refused with 400 on attach and 403 on detach', () => {
    const starting = inst(nvme, { status: 'Starting' });
    expect(() => checkAttach(attachInput(disk(), starting))).toThrow(
      expect.objectContaining({ code: 'IncorrectInstanceStatus', status: 400 }),
    );
    expect(() => checkDetach(disk(), starting)).toThrow(
      expect.objectContaining({ code: 'IncorrectInstanceStatus', status: 403 }),
    );
  });

  test('attachments to other instances in flight do not block a multi-attach disk', () => {
    const d = disk({
      pending: new Map([
        ['i-other', { op: 'attach', token: 1, device: '/dev/xvdb', hostDevice: '/dev/nvme1n1' }],
      ]),
    });
    expect(() => checkAttach(attachInput(d, inst(nvme)))).not.toThrow();
    expect(() => checkAttach(attachInput({ ...d, multiAttach: 'Disabled' }, inst(nvme)))).toThrow(
      code('IncorrectDiskStatus'),
    );
  });

  test('detach, delete and resize guards', () => {
    const attached = disk({
      attachments: [{ instanceId: 'i-x', device: '/dev/xvdb', hostDevice: '/dev/nvme1n1', attachedTime: 0 }],
    });
    expect(() => checkDetach(disk(), inst(nvme))).toThrow(code('InvalidDisk.AlreadyDetached'));
    expect(() => checkDetach(attached, inst(nvme))).toThrow(code('DependencyViolation'));
    expect(() => checkDelete(attached, false)).toThrow(code('IncorrectDiskStatus'));
    expect(() => checkDelete(disk({ busy: 'Creating' }), false)).toThrow(code('IncorrectDiskStatus'));
    expect(() => checkDelete(disk(), true)).toThrow(code('DiskCreatingSnapshot'));
    expect(() => checkDelete(disk(), false)).not.toThrow();
    const resize = (d: Disk, newSize: number, type: 'online' | 'offline', statuses: string[], more = {}) =>
      checkResize({
        disk: d,
        newSize,
        type,
        attachedStatuses: statuses,
        snapshotInProgress: false,
        onlineMultiAttachResize: true,
        ...more,
      });
    expect(() => resize(attached, 80, 'online', ['Running'])).not.toThrow();
    expect(() => resize(attached, 80, 'online', ['Stopped'])).toThrow(code('IncorrectInstanceStatus'));
    expect(() => resize(attached, 80, 'offline', ['Running'])).toThrow(code('IncorrectInstanceStatus'));
    expect(() => resize(attached, 80, 'offline', ['Stopped'])).not.toThrow();
    expect(() => resize(attached, 80, 'online', ['Running'], { snapshotInProgress: true })).toThrow(
      code('DiskCreatingSnapshot'),
    );
    const legacy = { onlineMultiAttachResize: false };
    expect(() => resize(disk(), 80, 'online', [], legacy)).toThrow(
      code('InvalidOperation.MultiAttachDiskNotSupportResizeOnline'),
    );
    expect(() => resize(attached, 80, 'offline', ['Running'], legacy)).toThrow(
      code('InvalidOperation.MultiAttachDiskNotSupportResizeOnline'),
    );
    expect(() => resize(attached, 80, 'offline', ['Stopped'], legacy)).not.toThrow();
    expect(() => resize(disk(), 40, 'offline', [])).toThrow(code('InvalidDiskSize.TooSmall'));
    expect(() => resize(disk(), 70000, 'offline', [])).toThrow(code('InvalidDiskSize.NotSupported'));
  });

  test('snapshot guards: name, retention, a never-attached disk, one in progress, the quota', () => {
    const used = disk({ detachedTime: 1 });
    const snap = (d: Disk, more = {}) =>
      checkSnapshot({
        disk: d,
        name: 'before resize',
        retentionDays: 7,
        manualSnapshots: 0,
        snapshotInProgress: false,
        ...more,
      });
    expect(() => snap(used)).not.toThrow();
    expect(() => snap(disk())).toThrow(code('IncorrectDiskStatus'));
    expect(() => snap(used, { name: 'auto-1' })).toThrow(code('InvalidSnapshotName.Malformed'));
    expect(() => snap(used, { name: 'x' })).toThrow(code('InvalidSnapshotName.Malformed'));
    expect(() => snap(used, { retentionDays: 0 })).toThrow(code('InvalidRetentionDays.Malformed'));
    expect(() => snap(used, { snapshotInProgress: true })).toThrow(code('DiskCreatingSnapshot'));
    expect(() => snap(used, { manualSnapshots: 256 })).toThrow(code('QuotaExceed.Snapshot'));
  });
});

describe('World', () => {
  test('events apply in time order, only once the clock reaches them', () => {
    const { w, clock } = world();
    const seen: string[] = [];
    w.at(1_050, () => seen.push('b'));
    w.at(1_020, () => {
      seen.push('a');
      w.at(1_030, () => seen.push('a2'));
    });
    w.settle();
    expect(seen).toEqual([]);
    clock.t = 1_100;
    w.settle();
    expect(seen).toEqual(['a', 'a2', 'b']);
  });

  test('disk status: a detach in flight wins over an attach', () => {
    const op = (o: 'attach' | 'detach') => ({ op: o, token: 1, device: '', hostDevice: '' });
    expect(diskStatus(disk({ busy: 'Creating' }))).toBe('Creating');
    expect(
      diskStatus(
        disk({
          pending: new Map([
            ['a', op('attach')],
            ['b', op('detach')],
          ]),
        }),
      ),
    ).toBe('Detaching');
    expect(diskStatus(disk({ pending: new Map([['a', op('attach')]]) }))).toBe('Attaching');
    expect(diskStatus(disk())).toBe('Available');
  });

  test('the seed is deterministic and names what each instance is', () => {
    const a = world().w;
    const b = world().w;
    expect([...a.instances.keys()]).toEqual([...b.instances.keys()]);
    expect([...a.instances.keys()].every((id) => /^i-[a-z0-9]+$/.test(id))).toBe(true);
    expect(a.instances.get(SEED.instances.stoppedI[0]!.id)).toMatchObject({
      instanceName: 'stopped-i-01',
      status: 'Stopped',
    });
    expect(SEED.instances.nvmeI).toHaveLength(20);
    expect(a.nextId('d-bp1')).toBe(b.nextId('d-bp1'));
  });
});

describe('scripts', () => {
  test('markers: first line, or the line after a shebang', () => {
    expect(parseScriptMarker(`${scriptMarker('inspect')}\nlsblk`)).toEqual({ name: 'inspect', version: 1 });
    expect(parseScriptMarker('#!/bin/bash\n# shared-disk-bot:nvme-report:1\n')).toEqual({
      name: 'nvme-report',
      version: 1,
    });
    expect(parseScriptMarker('echo hi\n# shared-disk-bot:inspect:1')).toBeNull();
  });

  test('reservation keys are non-zero 64-bit numbers', () => {
    expect(['1', '0x1f', '18446744073709551615'].every(isReservationKey)).toBe(true);
    expect(['0', '0x0', 'abc', '18446744073709551616', '-1'].some(isReservationKey)).toBe(false);
  });

  test('runScript refuses unknown scripts and versions with 127', () => {
    const { w } = world();
    expect(runScript(w, 'i-x', 'rm -rf /', null).exitCode).toBe(127);
    expect(runScript(w, 'i-x', '# shared-disk-bot:inspect:9', { serial: 'x' }).exitCode).toBe(127);
  });

  test('keys come from the substituted {{ACS::InstanceId}} and compare by value', () => {
    const { w } = world();
    const host = SEED.disks.sharedExt4.attachedTo;
    const diskId = SEED.disks.sharedExt4.diskId;
    const serial = diskId.replace(/^d-/, '');
    const run = (name: 'nvme-register' | 'nvme-acquire', values: Record<string, string>) =>
      runScript(w, host, scriptMarker(name), { serial, ...values });
    // Not substituted (not referenced, or EnableParameter off): refused before any state changes.
    expect(run('nvme-register', {})).toMatchObject({ exitCode: 2 });
    expect(run('nvme-register', {}).output).toContain('ACS::InstanceId was not substituted');
    expect(w.reservations.get(diskId)?.registrants.size ?? 0).toBe(0);
    // Registered earlier with the same key written in decimal: the same registration.
    const key = hostKeyFor(host);
    w.reservations.set(diskId, { registrants: new Map([[host, BigInt(key).toString()]]), holder: null });
    expect(run('nvme-register', { 'acs::instanceid': host }).exitCode).toBe(0);
    expect(run('nvme-acquire', { 'acs::instanceid': host }).exitCode).toBe(0);
    expect(w.reservations.get(diskId)?.holder).toBe(key);
    // Registered with another key: a conflict, as on a real controller.
    w.reservations.set(diskId, { registrants: new Map([[host, '0x2']]), holder: null });
    expect(run('nvme-register', { 'acs::instanceid': host }).exitCode).toBe(1);
  });

  test('nvme-register-inspect registers as nvme-register does, then answers inspect read after it', () => {
    const { w } = world();
    const host = SEED.disks.sharedExt4.attachedTo;
    const elsewhere = SEED.instances.nvmeI.find((i) => i.id !== host)?.id ?? '';
    const diskId = SEED.disks.sharedExt4.diskId;
    const serial = diskId.replace(/^d-/, '');
    const run = (on: string) =>
      runScript(w, on, scriptMarker('nvme-register-inspect'), { serial, 'acs::instanceid': on });
    const done = run(host);
    expect(done.exitCode).toBe(0);
    expect(JSON.parse(done.output)).toMatchObject({
      attached: true,
      serial,
      reservation: { registrants: [{ key: hostKeyFor(host), instanceId: host }] },
    });
    expect(done.output).toBe(runScript(w, host, scriptMarker('inspect'), { serial }).output);
    // The same failures as nvme-register: no device here (3), registered with another key (1).
    expect(run(elsewhere).exitCode).toBe(3);
    w.reservations.set(diskId, { registrants: new Map([[host, '0x2']]), holder: null });
    expect(run(host)).toEqual({
      exitCode: 1,
      output: 'nvme-register-inspect: reservation conflict: this host is registered with another key\n',
    });
  });
});

test('paginate: page numbers and opaque tokens', () => {
  const items = [1, 2, 3, 4, 5];
  const limits = { defaultSize: 2, maxPageSize: 100, maxResults: 500 };
  const first = paginate(items, new Params({ MaxResults: '2' }), limits);
  expect(first.items).toEqual([1, 2]);
  const second = paginate(items, new Params({ MaxResults: '2', NextToken: first.meta.NextToken }), limits);
  expect(second.items).toEqual([3, 4]);
  expect(paginate(items, new Params({ PageNumber: '3' }), limits).meta).toMatchObject({
    NextToken: '',
    TotalCount: 5,
  });
  expect(() => paginate(items, new Params({ NextToken: 'garbage' }), limits)).toThrow(
    code('InvalidParameter'),
  );
  expect(() => paginate(items, new Params({ PageSize: '101' }), limits)).toThrow(code('InvalidParameter'));
});

test('faults: deterministic at rate 0 and 1, action rules override *', () => {
  const config = {
    '*': { throttleRate: 1, retryAfterMs: 7 },
    DescribeDisks: { throttleRate: 0, addedLatencyMs: 9000 },
  };
  const throttled = drawFault(config, 'AttachDisk', () => 0.5);
  expect(throttled.error).toMatchObject({
    code: 'Throttling.User',
    status: 400,
    headers: { 'x-acs-retry-after': '7' },
  });
  expect(drawFault(config, 'DescribeDisks', () => 0.5)).toEqual({ error: null, delayMs: 2500 });
  expect(drawFault({ X: { unavailableRate: 1 } }, 'X', () => 0.99).error).toMatchObject({ status: 503 });
});

test('a per-second quota throttles the calls of an action beyond it, per action and per second', () => {
  const windows = new QuotaWindows();
  const config = { '*': { quotaPerSecond: 2 } };
  const draw = (action: string, nowMs: number) =>
    drawFault(config, action, () => 0.99, { windows, nowMs }).error?.code ?? 'OK';
  expect([draw('AttachDisk', 1_000), draw('AttachDisk', 1_400), draw('AttachDisk', 1_999)]).toEqual([
    'OK',
    'OK',
    'Throttling.User',
  ]);
  expect(draw('DescribeDisks', 1_999)).toBe('OK');
  expect(draw('AttachDisk', 2_000)).toBe('OK');
});

describe('CLI flags', () => {
  test('map onto emulator options', () => {
    const o = parseCli([
      '--port',
      '0',
      '--seed',
      'empty',
      '--latency-ms',
      '5',
      '--throttle-rate',
      '0.5',
      '--error-rate',
      '0.1',
    ]);
    expect(o).toMatchObject({
      port: 0,
      seed: 'empty',
      faults: { '*': { throttleRate: 0.5, internalErrorRate: 0.1 } },
    });
    expect(o.latency?.attach).toEqual({ baseMs: 5, jitterMs: 0 });
  });
  test.each([[['--port', 'x']], [['--seed', 'mars']], [['--access-key-id', 'a']], [['--nope']], [['extra']]])(
    '%o is a usage error',
    (argv) => {
      expect(() => parseCli(argv)).toThrow();
    },
  );
});
