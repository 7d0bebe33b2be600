/** `/disk init` as pure logic: grammar, policy action, parameters and plan, cluster helpers, preflight rules. */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo } from '../../src/cloud/gateway.js';
import type { Ocfs2Probe } from '../../src/cloud/ocfs2/reports.js';
import type { WorldSnapshot } from '../../src/cloud/preflight/index.js';
import { parseDiskCommand, renderDiskCommand } from '../../src/commands/index.js';
import { evaluatePreflight } from '../../src/kinds/registry.js';
import {
  clusterNameFor,
  describeCluster,
  fsUuidFor,
  growNodes,
  nodesParam,
  numberNodes,
  parseNodes,
} from '../../src/workflow/ocfs2-cluster.js';
import { defaultPolicy, parsePolicy } from '../../src/workflow/policy.js';
import { buildRequest } from '../../src/workflow/request-builder.js';
import { type ParamsOf, readParams } from '../../src/workflow/request-params.js';

const DISK = 'd-bp1abc2def3ghi4jkl5m';

describe('the grammar', () => {
  it('parses the full form and renders it back', () => {
    const r = parseDiskCommand(
      `init ${DISK} —fs OCFS2 --mount /srv/shared --slots 8 --label uploads --reason "team share"`,
    );
    expect(r).toEqual({
      ok: true,
      command: {
        kind: 'init',
        diskId: DISK,
        fs: 'ocfs2',
        mountpoint: '/srv/shared',
        slots: 8,
        label: 'uploads',
        reason: 'team share',
      },
    });
    if (r.ok) expect(parseDiskCommand(renderDiskCommand(r.command))).toEqual(r);
  });

  it.each([
    [`init ${DISK} --mount /shared`, 'missing_argument', '--fs ocfs2'],
    [`init ${DISK} --fs ocfs2`, 'missing_argument', '--mount <path>'],
    [`init ${DISK} --fs gfs2 --mount /shared`, 'invalid_value', 'must be ocfs2'],
    [`init ${DISK} --fs ocfs2 --mount shared`, 'invalid_value', 'absolute path'],
    [`init ${DISK} --fs ocfs2 --mount /a/../b`, 'invalid_value', 'absolute path'],
    [`init ${DISK} --fs ocfs2 --mount /shared --slots 0`, 'invalid_value', 'between 1 and 255'],
    [`init ${DISK} --fs ocfs2 --mount /shared --label "a b"`, 'invalid_value', 'letters, digits'],
    ['init --fs ocfs2 --mount /shared', 'missing_argument', 'The disk is required'],
  ])('%s → %s', (text, code, words) => {
    const r = parseDiskCommand(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toContain(words);
      expect(r.error.usage).toContain('/disk init <disk> --fs ocfs2 --mount <path>');
    }
  });
});

describe('policy and request', () => {
  it('has its own action, quorum 2 by default', () => {
    expect(defaultPolicy().actions.init.quorum).toBe(2);
    const p = parsePolicy('actions:\n  init: { approvers: { users: [U0X] }, quorum: 3 }\n');
    expect(p.ok && p.value.actions.init.quorum).toBe(3);
  });

  it('stores defaults (16 slots, label = disk id), a derived cluster name and UUID, and a plan', () => {
    const r = parseDiskCommand(`init ${DISK} --fs ocfs2 --mount /shared`);
    if (!r.ok || r.command.kind !== 'init') throw new Error('parse');
    const built = buildRequest(r.command, defaultPolicy(), 'cn-hangzhou');
    const params = readParams('init', built.params);
    expect(params).toEqual({
      diskId: DISK,
      regionId: 'cn-hangzhou',
      fs: 'ocfs2',
      mountpoint: '/shared',
      slots: 16,
      label: DISK,
      cluster: 'sdbdef3ghi4jkl5m',
      uuid: fsUuidFor(DISK),
    });
    expect(built.plan.map((s) => s.params.Script)).toEqual([
      'ocfs2-cluster',
      'ocfs2-probe',
      'ocfs2-format',
      'ocfs2-mount',
      'inspect',
    ]);
  });
});

describe('cluster helpers', () => {
  it('names the cluster within 16 alphanumerics and derives a stable v4-shaped UUID per disk', () => {
    expect(clusterNameFor(DISK)).toMatch(/^sdb[a-z0-9]{1,13}$/);
    expect(clusterNameFor(DISK).length).toBeLessThanOrEqual(16);
    expect(fsUuidFor(DISK)).toBe(fsUuidFor(DISK));
    expect(fsUuidFor(DISK)).not.toBe(fsUuidFor('d-other'));
    expect(fsUuidFor(DISK)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('numbers nodes in attach order and writes the nodes parameter and description', () => {
    const facts = new Map([
      ['i-b', { hostname: 'hb', ip: '10.0.0.2' }],
      ['i-a', { hostname: 'ha', ip: '10.0.0.1' }],
    ]);
    const nodes = numberNodes(
      [
        { instanceId: 'i-b', attachedTime: '2026-01-02T00:00:00Z' },
        { instanceId: 'i-a', attachedTime: '2026-01-01T00:00:00Z' },
      ],
      facts,
    );
    expect(nodesParam(nodes)).toBe('ha:10.0.0.1:0,hb:10.0.0.2:1');
    expect(describeCluster('sdbx', nodes)).toBe(
      'cluster: name=sdbx node_count=2 heartbeat_mode=local\nnode 0: name=ha ip=10.0.0.1:7777 (i-a)\nnode 1: name=hb ip=10.0.0.2:7777 (i-b)',
    );
  });
});

describe('growing', () => {
  it('keeps members’ numbers and gives newcomers the lowest free ones; a listed host is not added twice', () => {
    const members = parseNodes('ha:10.0.0.1:0,hc:10.0.0.3:2,bad entry');
    expect(members.map((m) => m.number)).toEqual([0, 2]);
    const { nodes, added } = growNodes(members, [
      { instanceId: 'i-d', hostname: 'hd', ip: '10.0.0.4' },
      { instanceId: 'i-a', hostname: 'ha', ip: '10.0.0.1' },
      { instanceId: 'i-e', hostname: 'he', ip: '10.0.0.5' },
    ]);
    expect(added.map((n) => `${n.instanceId}:${n.number}`)).toEqual(['i-d:1', 'i-e:3']);
    expect(nodesParam(nodes)).toBe('ha:10.0.0.1:0,hc:10.0.0.3:2,hd:10.0.0.4:1,he:10.0.0.5:3');
  });
});

describe('preflight rules', () => {
  const disk: DiskInfo = {
    diskId: DISK,
    attachments: [
      { instanceId: 'i-a', device: '/dev/xvdb', attachedTime: '2026-01-01T00:00:00Z' },
      { instanceId: 'i-b', device: '/dev/xvdb', attachedTime: '2026-01-02T00:00:00Z' },
    ],
    multiAttach: true,
  } as unknown as DiskInfo;
  const instance = (id: string, ip: string): InstanceInfo =>
    ({ instanceId: id, status: 'Running', privateIp: ip }) as unknown as InstanceInfo;
  const probe = (id: string, over: Partial<Ocfs2Probe> = {}): TargetOutcome<Ocfs2Probe> => ({
    ok: true,
    instanceId: id,
    value: {
      attached: true,
      device: '/dev/nvme1n1',
      serial: 'x',
      hostname: `h${id.slice(2)}`,
      addresses: [],
      signatures: [],
      mountpoint: { path: '/shared', inUse: false, source: null, fstype: null },
      tools: { mkfs: true, o2cb: true },
      installer: 'apt-get',
      ocfs2: null,
      members: '',
      ...over,
    },
  });
  const params = {
    diskId: DISK,
    regionId: 'cn-hangzhou',
    fs: 'ocfs2',
    mountpoint: '/shared',
    slots: 16,
    label: 'l',
    cluster: 'sdbx',
    uuid: fsUuidFor(DISK),
  } satisfies ParamsOf['init'];
  const world = (outcomes: TargetOutcome<Ocfs2Probe>[]): WorldSnapshot => ({
    disk,
    instances: new Map([
      ['i-a', instance('i-a', '10.0.0.1')],
      ['i-b', instance('i-b', '10.0.0.2')],
    ]),
    instanceTypes: new Map(),
    images: new Map(),
    dataDisks: new Map(),
    ocfs2: { outcomes },
  });
  const errors = (outcomes: TargetOutcome<Ocfs2Probe>[], p = params) =>
    evaluatePreflight('init', p, world(outcomes)).filter((c) => c.level === 'error');

  it('passes a blank disk and shows the cluster description', () => {
    const checks = evaluatePreflight('init', params, world([probe('i-a'), probe('i-b')]));
    expect(checks.filter((c) => c.level === 'error')).toEqual([]);
    expect(checks.find((c) => c.code === 'init_cluster')?.message).toContain(
      'node 1: name=hb ip=10.0.0.2:7777 (i-b)',
    );
  });

  it('refuses signatures, unseen disks, busy mount points, missing tools, too few slots, clashing hostnames', () => {
    const sig = { signatures: [{ device: '/dev/nvme1n1', type: 'LVM2_member', offset: '0x218' }] };
    expect(
      errors([probe('i-a'), probe('i-b', sig)])
        .map((c) => c.message)
        .join(),
    ).toContain('LVM2_member at 0x218 on /dev/nvme1n1 (i-b)');
    const silent: TargetOutcome<Ocfs2Probe> = {
      ok: false,
      instanceId: 'i-b',
      state: 'no_answer',
      code: 'no_answer',
      message: 'no result',
    };
    expect(errors([probe('i-a'), silent]).map((c) => c.code)).toContain('init_not_visible');
    const busy = { mountpoint: { path: '/shared', inUse: true, source: '/dev/vda1', fstype: 'ext4' } };
    expect(errors([probe('i-a', busy), probe('i-b')]).map((c) => c.code)).toEqual(['init_mountpoint_in_use']);
    const noTools = { tools: { mkfs: false, o2cb: false }, installer: null };
    expect(errors([probe('i-a', noTools), probe('i-b')]).map((c) => c.code)).toEqual(['init_tools']);
    expect(errors([probe('i-a'), probe('i-b')], { ...params, slots: 1 }).map((c) => c.code)).toEqual([
      'init_slots',
    ]);
    expect(
      errors([probe('i-a', { hostname: 'same' }), probe('i-b', { hostname: 'same' })]).map((c) => c.code),
    ).toEqual(['init_nodes']);
  });
});
