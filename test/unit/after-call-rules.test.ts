/**
 * Issue 18, the moments after a cloud call (src/cloud/preflight/after-call.ts): each rule errors
 * when its facts were not read, and passes when they were read and fit, so the errors are the
 * rule's own verdict and not a default.
 */
import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo } from '../../src/cloud/gateway.js';
import type { Ocfs2Probe } from '../../src/cloud/ocfs2/reports.js';
import { clusterVolumeRule, nodeStateRule } from '../../src/cloud/preflight/after-call.js';
import type { WorldSnapshot } from '../../src/cloud/preflight/index.js';
import type { GrowFacts } from '../../src/cloud/preflight/ocfs2-grow.js';
import { evaluatePreflight } from '../../src/kinds/registry.js';
import { fsUuidFor } from '../../src/workflow/ocfs2-cluster.js';
import { attachmentsOn, diskInfo } from '../support/disk-info.js';

const attachedTo = (ids: readonly string[]): DiskInfo => diskInfo({ attachments: attachmentsOn(ids) });
const running = (instanceId: string): InstanceInfo => ({
  instanceId,
  instanceName: instanceId,
  status: 'Running',
  zoneId: 'cn-hangzhou-i',
  instanceType: 'ecs.g7se.large',
  imageId: 'img',
  privateIp: '10.0.0.1',
});
const world = (disk: DiskInfo, extra: Partial<WorldSnapshot> = {}): WorldSnapshot => ({
  disk,
  instances: new Map(disk.attachments.map((a) => [a.instanceId, running(a.instanceId)])),
  instanceTypes: new Map(),
  images: new Map(),
  dataDisks: new Map(),
  ...extra,
});
const probe = (instanceId: string, uuid = fsUuidFor('d-1')): TargetOutcome<Ocfs2Probe> => ({
  ok: true,
  instanceId,
  value: {
    attached: true,
    device: '/dev/nvme1n1',
    serial: '1',
    hostname: instanceId,
    addresses: [],
    signatures: [{ device: '/dev/nvme1n1', type: 'ocfs2', offset: null }],
    mountpoint: { path: '/shared', inUse: false, source: null, fstype: null },
    tools: { mkfs: true, o2cb: true },
    installer: null,
    ocfs2: { uuid, label: 'd-1', slots: 4 },
    members: '',
  },
});
const grown = (ids: readonly string[]): GrowFacts => ({
  outcomes: ids.map((id) => probe(id)),
  mountpoint: '/shared',
});
const inspected = (ids: readonly string[], mountpoints: readonly string[] = ['/shared']) => ({
  outcomes: ids.map((instanceId) => ({
    ok: true as const,
    instanceId,
    value: {
      attached: true,
      device: '/dev/nvme1n1',
      serial: '1',
      fstype: 'ocfs2',
      mountpoints: [...mountpoints],
      readOnly: false,
      reservation: null,
    },
  })),
});
const attach = { diskId: 'd-1', instanceIds: ['i-b'], allowSingleNodeFs: false, regionId: 'cn-hangzhou' };
const detach = { diskId: 'd-1', instanceIds: ['i-b'], force: false, regionId: 'cn-hangzhou' };
const errors = (checks: readonly { code: string; level: string }[]) =>
  checks.filter((c) => c.level === 'error').map((c) => c.code);

describe('the rules after a cloud call fail closed on facts never read', () => {
  it('nodeStateRule: an instance DescribeInstances did not return is an error', () => {
    const [check] = nodeStateRule(['i-b'], new Map(), 'the NVMe key registration');
    expect(check).toMatchObject({
      code: 'node_not_running',
      level: 'error',
      rule: 'after_call',
      facts: 'node=i-b',
    });
    expect(check?.message).toContain('i-b no longer exists');
    expect(nodeStateRule(['i-b'], new Map([['i-b', running('i-b')]]), 'x')).toEqual([]);
  });

  it('clusterVolumeRule: no probe, or a newcomer without inspect, is an error', () => {
    const disk = attachedTo(['i-a', 'i-b']);
    const [unprobed] = clusterVolumeRule(disk, ['i-a', 'i-b'], undefined, inspected(['i-a', 'i-b']), 'x');
    expect(unprobed).toMatchObject({ code: 'ocfs2_not_read', level: 'error', rule: 'after_call' });
    const [uninspected] = clusterVolumeRule(disk, ['i-b'], grown(['i-a', 'i-b']), undefined, 'x', ['i-b']);
    expect(uninspected).toMatchObject({ code: 'ocfs2_not_read', level: 'error' });
    expect(
      clusterVolumeRule(disk, ['i-b'], grown(['i-a', 'i-b']), inspected(['i-a', 'i-b']), 'x', ['i-b']),
    ).toEqual([]);
  });

  it('attach: nvme-register with the newcomer missing from DescribeInstances', () => {
    const disk = attachedTo(['i-a', 'i-b']);
    const checks = evaluatePreflight(
      'attach',
      attach,
      world(disk, { instances: new Map() }),
      'nvme-register',
    );
    expect(errors(checks)).toEqual(['instance_not_found', 'node_not_running']);
    expect(errors(evaluatePreflight('attach', attach, world(disk), 'nvme-register'))).toEqual([]);
  });

  it('attach: ocfs2-cluster and ocfs2-mount without the probe', () => {
    const disk = attachedTo(['i-a', 'i-b']);
    for (const moment of ['ocfs2-cluster', 'ocfs2-mount'])
      expect(errors(evaluatePreflight('attach', attach, world(disk), moment))).toEqual(['ocfs2_not_read']);
    const read = world(disk, { ocfs2Grow: grown(['i-a', 'i-b']), filesystem: inspected(['i-a', 'i-b']) });
    for (const moment of ['ocfs2-cluster', 'ocfs2-mount'])
      expect(errors(evaluatePreflight('attach', attach, read, moment))).toEqual([]);
  });

  it('detach: ocfs2-cluster without the probe of the nodes that stay', () => {
    const disk = attachedTo(['i-a']);
    const instances = new Map([
      ['i-a', running('i-a')],
      ['i-b', running('i-b')],
    ]);
    expect(errors(evaluatePreflight('detach', detach, world(disk, { instances }), 'ocfs2-cluster'))).toEqual([
      'ocfs2_not_read',
    ]);
    const read = world(disk, { instances, ocfs2Grow: grown(['i-a']) });
    expect(errors(evaluatePreflight('detach', detach, read, 'ocfs2-cluster'))).toEqual([]);
  });
});
