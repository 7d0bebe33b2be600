import { describe, expect, it } from 'vitest';
import { NameResolver } from '../../src/app/name-resolver.js';
import type { DiskInfo, EcsGateway, InstanceInfo } from '../../src/cloud/gateway.js';
import { nameProblemReply } from '../../src/slack/name-resolution.js';

const disk = (diskId: string, diskName: string, zoneId = 'cn-hangzhou-i'): DiskInfo => ({
  diskId,
  diskName,
  regionId: 'cn-hangzhou',
  zoneId,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  sizeGiB: 20,
  status: 'Available',
  multiAttach: true,
  chargeType: 'PostPaid',
  serialNumber: diskId,
  attachments: [],
  tags: {},
});
const instance = (instanceId: string, instanceName: string, zoneId = 'cn-hangzhou-i'): InstanceInfo => ({
  instanceId,
  instanceName,
  status: 'Running',
  zoneId,
  instanceType: 'ecs.g7se.large',
  imageId: 'img',
});

/** A port fake: answers the Describe filters the resolver uses from fixed lists. */
function gateway(disks: DiskInfo[], instances: InstanceInfo[], fail?: 'names' | 'ids'): EcsGateway {
  const unused = () => {
    throw new Error('not used');
  };
  return {
    describeDisks: async (q) =>
      disks.filter(
        (d) => (!q.diskIds || q.diskIds.includes(d.diskId)) && (!q.diskName || d.diskName === q.diskName),
      ),
    describeInstances: async (q) => {
      if (fail === 'names' && q.instanceName)
        throw Object.assign(new Error('throttled'), { code: 'Throttling.User' });
      if (fail === 'ids' && q.instanceIds) throw new Error('down');
      return instances.filter(
        (i) =>
          (!q.instanceIds || q.instanceIds.includes(i.instanceId)) &&
          (!q.instanceName || i.instanceName === q.instanceName),
      );
    },
    describeInstanceTypes: unused,
    describeImages: unused,
    createDisk: unused,
    attachDisk: unused,
    detachDisk: unused,
    resizeDisk: unused,
    createSnapshot: unused,
    describeSnapshots: unused,
    deleteSnapshot: unused,
    deleteDisk: unused,
    runCommand: unused,
    describeInvocationResults: unused,
  };
}

const world = gateway(
  [disk('d-1', 'db'), disk('d-2', 'twin'), disk('d-3', 'twin', 'cn-hangzhou-j')],
  [
    instance('i-1', 'node-1'),
    instance('i-2', 'node-2'),
    instance('i-3', 'dup'),
    instance('i-4', 'dup', 'cn-hangzhou-j'),
  ],
);
const resolver = new NameResolver(world, 'cn-hangzhou');

describe('NameResolver', () => {
  it('turns names into ids and records the names of everything named, ids included', async () => {
    const r = await resolver.resolve({
      kind: 'attach',
      diskId: 'db',
      instanceIds: ['node-1', 'i-2'],
      allowSingleNodeFs: false,
    });
    expect(r).toEqual({
      ok: true,
      value: {
        kind: 'attach',
        diskId: 'd-1',
        instanceIds: ['i-1', 'i-2'],
        allowSingleNodeFs: false,
        names: { 'd-1': 'db', 'i-1': 'node-1', 'i-2': 'node-2' },
      },
    });
  });

  it('counts a name and the id of the same instance once', async () => {
    const r = await resolver.resolve({
      kind: 'detach',
      diskId: 'd-1',
      instanceIds: ['node-1', 'i-1'],
      force: false,
    });
    expect(r.ok && r.value.kind === 'detach' && r.value.instanceIds).toEqual(['i-1']);
  });

  it('answers an ambiguous disk or instance name with every candidate and its id', async () => {
    const d = await resolver.resolve({ kind: 'status', diskId: 'twin' });
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(nameProblemReply(d.problem).text).toContain('*twin* names 2 disks in cn-hangzhou');
      expect(nameProblemReply(d.problem).text).toMatch(/`d-2` · cn-hangzhou-i[\s\S]*`d-3` · cn-hangzhou-j/);
    }
    const i = await resolver.resolve({
      kind: 'failover',
      diskId: 'd-1',
      fromInstanceId: 'node-1',
      toInstanceId: 'dup',
    });
    expect(!i.ok && nameProblemReply(i.problem).text).toContain('*dup* names 2 instances');
    expect(!i.ok && nameProblemReply(i.problem).text).toContain('`i-4` · cn-hangzhou-j');
  });

  it('refuses an unknown name, and says so when the cloud cannot be asked', async () => {
    const unknown = await resolver.resolve({ kind: 'attach_form', diskId: 'nope', allowSingleNodeFs: false });
    expect(!unknown.ok && nameProblemReply(unknown.problem).text).toContain(
      'No disk is named *nope* in cn-hangzhou',
    );
    const down = new NameResolver(gateway([disk('d-1', 'db')], [], 'names'), 'cn-hangzhou');
    const r = await down.resolve({ kind: 'detach', diskId: 'd-1', instanceIds: ['node-1'], force: false });
    expect(!r.ok && nameProblemReply(r.problem).text).toContain('Names could not be looked up');
  });

  it('keeps ids as typed (without names) when only the name lookup of an id fails', async () => {
    const flaky = new NameResolver(
      gateway([disk('d-1', 'db')], [instance('i-1', 'node-1')], 'ids'),
      'cn-hangzhou',
    );
    const r = await flaky.resolve({ kind: 'detach', diskId: 'd-1', instanceIds: ['i-1'], force: false });
    expect(r).toMatchObject({ ok: true, value: { instanceIds: ['i-1'], names: { 'd-1': 'db' } } });
  });

  it('escapes names it echoes', async () => {
    const r = await resolver.resolve({ kind: 'status', diskId: 'a<b>&c' });
    expect(!r.ok && nameProblemReply(r.problem).text).toContain('a&lt;b&gt;&amp;c');
  });
});
