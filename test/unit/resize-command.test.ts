/** `/disk resize` as pure logic: grammar, policy action, parameters and plan, Retry, and the rules over plain facts. */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo, SnapshotInfo } from '../../src/cloud/gateway.js';
import type { Ocfs2Probe } from '../../src/cloud/ocfs2/reports.js';
import type { WorldSnapshot } from '../../src/cloud/preflight/index.js';
import type { InspectReport } from '../../src/cloud/scripts/index.js';
import { parseDiskCommand, renderDiskCommand, usageFor } from '../../src/commands/index.js';
import { evaluatePreflight } from '../../src/kinds/registry.js';
import { RESIZE_CURSOR, resizeRetry, resizeSummary } from '../../src/kinds/resize/domain.js';
import { defaultPolicy, parsePolicy } from '../../src/workflow/policy.js';
import { buildRequest } from '../../src/workflow/request-builder.js';
import { type ParamsOf, readParams } from '../../src/workflow/request-params.js';

const DISK = 'd-bp1abc2def3ghi4jkl5m';

describe('the grammar', () => {
  it('parses the full form, with the disk by id or name, and renders it back', () => {
    const r = parseDiskCommand(`resize ${DISK} --size 80 --offline --no-snapshot --reason "logs grew"`);
    expect(r).toEqual({
      ok: true,
      command: {
        kind: 'resize',
        diskId: DISK,
        sizeGiB: 80,
        offline: true,
        noSnapshot: true,
        reason: 'logs grew',
      },
    });
    if (r.ok) expect(parseDiskCommand(renderDiskCommand(r.command))).toEqual(r);
    const byName = parseDiskCommand('resize shared-db —size 2TiB');
    expect(byName).toMatchObject({ ok: false, error: { code: 'invalid_value' } });
    expect(parseDiskCommand('resize shared-db --size 2048')).toMatchObject({
      ok: true,
      command: { kind: 'resize', diskId: 'shared-db', sizeGiB: 2048, offline: false, noSnapshot: false },
    });
  });

  it('refuses what the grammar can tell: no size, a size out of range, no disk, a bad value', () => {
    expect(parseDiskCommand(`resize ${DISK}`)).toMatchObject({
      ok: false,
      error: { code: 'missing_argument', message: expect.stringContaining('--size') },
    });
    for (const size of ['0', '65537', 'abc', '1.5']) {
      const r = parseDiskCommand(`resize ${DISK} --size ${size}`);
      expect(r.ok, size).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('--size');
    }
    expect(parseDiskCommand('resize --size 80')).toMatchObject({
      ok: false,
      error: { code: 'missing_argument' },
    });
    expect(parseDiskCommand(`resize ${DISK} --size 80 --force`)).toMatchObject({
      ok: false,
      error: { code: 'unknown_flag', subcommand: 'resize' },
    });
  });

  it('help and usage know it', () => {
    expect(usageFor('resize')).toContain('/disk resize <disk> --size <GiB>');
    expect(parseDiskCommand('help resize')).toEqual({ ok: true, command: { kind: 'help', topic: 'resize' } });
  });
});

describe('policy, parameters, plan, Retry', () => {
  it('policy action resize: quorum 1 and an offline wait of 24 h by default; an operator may change both', () => {
    const policy = defaultPolicy();
    expect(policy.actions.resize.quorum).toBe(1);
    expect(policy.actions.resize.offlineWait).toBe(24 * 3_600_000);
    const parsed = parsePolicy('actions:\n  resize:\n    quorum: 2\n    offlineWait: 90s\n');
    expect(parsed.ok && parsed.value.actions.resize).toMatchObject({ quorum: 2, offlineWait: 90_000 });
  });

  const build = (text: string, policy = defaultPolicy()) => {
    const r = parseDiskCommand(text);
    if (!r.ok || r.command.kind !== 'resize') throw new Error(text);
    return buildRequest({ ...r.command, instanceIds: ['i-1', 'i-2'] }, policy, 'cn-hangzhou');
  };

  it('plans a snapshot, ResizeDisk online with a ClientToken, the wait, one rescan and one grow', () => {
    const built = build(`resize ${DISK} --size 80`);
    expect(built.plan.map((s) => s.action)).toEqual([
      'CreateSnapshot',
      'ResizeDisk',
      'DescribeDisks',
      'InvokeCommand',
      'InvokeCommand',
    ]);
    expect(built.plan[1]?.params).toMatchObject({
      NewSize: 80,
      Type: 'online',
      ClientToken: 'the request id',
    });
    expect(built.plan.slice(3).map((s) => s.params.Script)).toEqual(['rescan', 'fs-grow']);
    expect(built.checks.map((c) => [c.code, c.level])).toEqual([['snapshot_first', 'ok']]);
    const p = readParams('resize', built.params);
    expect(p).toMatchObject({
      diskId: DISK,
      sizeGiB: 80,
      offline: false,
      snapshot: true,
      instanceIds: ['i-1', 'i-2'],
    });
  });

  it('--no-snapshot is a danger on the card, --offline waits for the instances, the policy limit refuses', () => {
    const bare = build(`resize ${DISK} --size 80 --no-snapshot --offline`);
    expect(bare.plan.map((s) => s.action)).toEqual([
      'ResizeDisk',
      'DescribeDisks',
      'DescribeInstances',
      'InvokeCommand',
      'InvokeCommand',
    ]);
    expect(bare.plan[0]?.params.Type).toBe('offline');
    expect(bare.checks).toEqual([expect.objectContaining({ code: 'no_snapshot', level: 'danger' })]);
    const over = build(`resize ${DISK} --size 40000`);
    expect(over.checks.map((c) => c.code)).toContain('size_over_policy_limit');
  });

  it('Retry before ResizeDisk files the same resize; after it, a verify-and-grow that never resizes', () => {
    const p = readParams('resize', build(`resize ${DISK} --size 80 --offline`).params) as ParamsOf['resize'];
    expect(resizeRetry({ stepCursor: RESIZE_CURSOR.SNAPSHOT }, p)).not.toHaveProperty('afterResize');
    const after = resizeRetry({ stepCursor: RESIZE_CURSOR.RESIZED }, p);
    expect(after).toMatchObject({ kind: 'resize', afterResize: true, offline: false });
    const again = buildRequest(after, defaultPolicy(), 'cn-hangzhou');
    expect(again.plan.map((s) => s.action)).toEqual(['DescribeDisks', 'InvokeCommand', 'InvokeCommand']);
    expect(resizeSummary(readParams('resize', again.params) as ParamsOf['resize'])).toBe(
      `resize ${DISK} to 80 GiB online (verify and grow only)`,
    );
  });
});

describe('the rules over one moment’s facts', () => {
  const disk = (over: Partial<DiskInfo> = {}): DiskInfo => ({
    diskId: DISK,
    diskName: 'shared',
    regionId: 'cn-hangzhou',
    zoneId: 'cn-hangzhou-i',
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    sizeGiB: 60,
    status: 'In_use',
    multiAttach: true,
    chargeType: 'PostPaid',
    serialNumber: 'SER1',
    attachments: ['i-1', 'i-2'].map((instanceId) => ({ instanceId, device: '/dev/xvdb', attachedTime: '' })),
    tags: { 'shared-disk-bot:managed': 'true' },
    ...over,
  });
  const instance = (instanceId: string): InstanceInfo => ({
    instanceId,
    instanceName: instanceId,
    status: 'Running',
    zoneId: 'cn-hangzhou-i',
    instanceType: 't',
    imageId: 'img',
  });
  const inspect = (instanceId: string, over: Partial<InspectReport> = {}): TargetOutcome<InspectReport> => ({
    instanceId,
    ok: true,
    value: {
      attached: true,
      device: '/dev/nvme1n1',
      serial: 'SER1',
      fstype: 'ocfs2',
      mountpoints: ['/srv'],
      readOnly: false,
      reservation: null,
      ...over,
    },
  });
  const probe = (instanceId: string, types: string[] = ['ocfs2']): TargetOutcome<Ocfs2Probe> => ({
    instanceId,
    ok: true,
    value: {
      attached: true,
      device: '/dev/nvme1n1',
      serial: 'SER1',
      hostname: instanceId,
      addresses: [],
      signatures: types.map((type) => ({ device: '/dev/nvme1n1', type, offset: null })),
      mountpoint: { path: '/srv', inUse: true, source: null, fstype: 'ocfs2' },
      tools: { mkfs: true, o2cb: true },
      installer: null,
      ocfs2: null,
      members: '',
    },
  });
  const world = (
    d: DiskInfo,
    guests = { inspect: [inspect('i-1'), inspect('i-2')], probe: [probe('i-1'), probe('i-2')] },
    snapshots: SnapshotInfo[] = [],
  ): WorldSnapshot => ({
    disk: d,
    instances: new Map(['i-1', 'i-2'].map((id) => [id, instance(id)])),
    instanceTypes: new Map(),
    images: new Map(),
    dataDisks: new Map(),
    resize: { snapshots, guests },
  });
  const params = (over: Partial<ParamsOf['resize']> = {}): ParamsOf['resize'] => ({
    diskId: DISK,
    regionId: 'cn-hangzhou',
    sizeGiB: 80,
    offline: false,
    snapshot: true,
    afterResize: false,
    instanceIds: ['i-1', 'i-2'],
    ...over,
  });
  const errors = (checks: readonly { level: string; code: string }[]) =>
    checks.filter((c) => c.level === 'error').map((c) => c.code);

  it('an OCFS2 disk on two Running nodes: old → new size and the plan per node, with its facts', () => {
    const checks = evaluatePreflight('resize', params(), world(disk()));
    expect(errors(checks)).toEqual([]);
    expect(checks.find((c) => c.code === 'size_growth')?.message).toContain('60 GiB → 80 GiB');
    expect(checks.find((c) => c.code === 'fs_plan')).toMatchObject({
      message: expect.stringContaining('i-1: rescan, then grow the ocfs2 file system; i-2: rescan'),
      facts: 'ocfs2;whole-disk',
      rule: 'resize_fs',
    });
  });

  it('fails closed: an unreadable guest, a smaller size, an unknown disk, an instance attached since filing', () => {
    const unread = world(disk(), {
      inspect: [
        inspect('i-1'),
        { instanceId: 'i-2', ok: false, state: 'timeout', code: 'timeout', message: 'no answer' },
      ],
      probe: [probe('i-1'), probe('i-2')],
    });
    expect(errors(evaluatePreflight('resize', params(), unread))).toEqual(['guest_unreadable']);
    expect(errors(evaluatePreflight('resize', params({ sizeGiB: 60 }), world(disk())))).toEqual([
      'size_not_larger',
    ]);
    expect(errors(evaluatePreflight('resize', params(), { ...world(disk()), disk: undefined }))).toEqual([
      'disk_not_found',
    ]);
    expect(errors(evaluatePreflight('resize', params({ instanceIds: ['i-1'] }), world(disk())))).toEqual([
      'attachments_changed',
    ]);
  });

  it('a partition table seen by the probe puts the partition in the plan', () => {
    const parted = world(disk(), {
      inspect: [inspect('i-1'), inspect('i-2')],
      probe: [probe('i-1', ['gpt']), probe('i-2', ['gpt'])],
    });
    expect(evaluatePreflight('resize', params(), parted).find((c) => c.code === 'fs_plan')?.facts).toBe(
      'ocfs2;partitioned',
    );
  });

  it('a Retry after the resize needs the disk at the new size, and is refused otherwise', () => {
    expect(
      errors(evaluatePreflight('resize', params({ afterResize: true }), world(disk({ sizeGiB: 80 })))),
    ).toEqual([]);
    expect(errors(evaluatePreflight('resize', params({ afterResize: true }), world(disk())))).toEqual([
      'size_not_reached',
    ]);
  });
});
