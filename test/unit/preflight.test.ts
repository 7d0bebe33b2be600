import { describe, expect, it } from 'vitest';
import type { TargetOutcome } from '../../src/cloud/assistant.js';
import type { DiskInfo, InstanceInfo } from '../../src/cloud/gateway.js';
import { NO_OCFS2, type WorldSnapshot } from '../../src/cloud/preflight/index.js';
import type { InspectReport } from '../../src/cloud/scripts/contract.js';
import { evaluatePreflight } from '../../src/kinds/registry.js';
import type { Check } from '../../src/workflow/request.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import { diskInfo } from '../support/disk-info.js';

const R = 'cn-hangzhou';
const Z = 'cn-hangzhou-i';
const NVME = 'ecs.g7se.large';
const OLD = 'ecs.g6.large';
const IMG = 'img-nvme';
const OLD_IMG = 'img-old';

const instance = (id: string, over: Partial<InstanceInfo> = {}): InstanceInfo => ({
  instanceId: id,
  instanceName: id,
  status: 'Running',
  zoneId: Z,
  instanceType: NVME,
  imageId: IMG,
  ...over,
});

/** The shared fixture, Available (the attach rules' usual starting point). */
const disk = (over: Partial<DiskInfo> = {}): DiskInfo => diskInfo({ status: 'Available', ...over });

const attached = (ids: readonly string[]) =>
  ids.map((instanceId, i) => ({
    instanceId,
    device: `/dev/xvd${String.fromCharCode(98 + i)}`,
    attachedTime: '',
  }));

function world(over: Partial<WorldSnapshot> & { list?: InstanceInfo[] } = {}): WorldSnapshot {
  const list = over.list ?? ['i-1', 'i-2'].map((id) => instance(id));
  return {
    disk: disk(),
    instances: new Map(list.map((i) => [i.instanceId, i])),
    instanceTypes: new Map([
      [NVME, { instanceTypeId: NVME, nvmeSupport: 'required', diskQuantity: 16 }],
      [OLD, { instanceTypeId: OLD, nvmeSupport: 'unsupported', diskQuantity: 17 }],
    ]),
    images: new Map([
      [IMG, { imageId: IMG, nvmeSupport: 'supported' }],
      [OLD_IMG, { imageId: OLD_IMG, nvmeSupport: 'unsupported' }],
    ]),
    dataDisks: new Map(list.map((i) => [i.instanceId, 1])),
    multiAttachZones: [Z],
    // What inspect saw on the disk's attachments (none by default) and that none holds OCFS2.
    filesystem: { outcomes: [] },
    ocfs2Grow: NO_OCFS2,
    ...over,
  };
}

/** Inspect's answer from a guest that sees the disk unmounted and blank. */
const unmounted = (instanceId: string): TargetOutcome<InspectReport> => ({
  ok: true,
  instanceId,
  value: {
    attached: true,
    device: '/dev/nvme1n1',
    serial: '1',
    fstype: null,
    mountpoints: [],
    readOnly: false,
    reservation: null,
  },
});

const codes = (checks: readonly Check[], level?: Check['level']) =>
  checks.filter((c) => level === undefined || c.level === level).map((c) => c.code);
const find = (checks: readonly Check[], code: string) => checks.find((c) => c.code === code);

const attach = (ids: string[] = ['i-1', 'i-2']): ParamsOf['attach'] => ({
  diskId: 'd-1',
  instanceIds: ids,
  allowSingleNodeFs: false,
  regionId: R,
});
const detach = (ids: string[] = ['i-1', 'i-2']): ParamsOf['detach'] => ({
  diskId: 'd-1',
  force: false,
  instanceIds: ids,
  regionId: R,
});
const create = (over: Partial<ParamsOf['create']> = {}): ParamsOf['create'] => ({
  name: 'n',
  sizeGiB: 40,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  regionId: R,
  zoneId: Z,
  burstingEnabled: false,
  allowDuplicateName: false,
  tags: [],
  ...over,
});
const failover = (over: Partial<ParamsOf['failover']> = {}): ParamsOf['failover'] => ({
  diskId: 'd-1',
  fromInstanceId: 'i-1',
  toInstanceId: 'i-2',
  regionId: R,
  fencingMode: 'detach',
  ...over,
});

describe('create rules', () => {
  it('a valid ESSD in a multi-attach zone passes every rule', () => {
    const checks = evaluatePreflight('create', create(), world({ sameName: { read: true, diskIds: [] } }));
    expect(codes(checks)).toEqual([
      'category_multi_attach',
      'size_in_range',
      'zone_multi_attach',
      'name_unique',
      'pay_as_you_go',
    ]);
    expect(codes(checks, 'error')).toEqual([]);
  });

  it('a name the region has is refused naming the disks, allowed as a warning, and unread names fail closed', () => {
    const taken = world({ sameName: { read: true, diskIds: ['d-1', 'd-2'] } });
    expect(find(evaluatePreflight('create', create(), taken), 'duplicate_name')).toMatchObject({
      level: 'error',
      message: expect.stringContaining('d-1, d-2'),
    });
    expect(
      find(evaluatePreflight('create', create({ allowDuplicateName: true }), taken), 'duplicate_name')?.level,
    ).toBe('warning');
    const unread = world({ sameName: { read: false, why: 'Throttling.User: slow down' } });
    expect(find(evaluatePreflight('create', create(), unread), 'duplicate_name_unverified')).toMatchObject({
      level: 'error',
      message: expect.stringContaining('Throttling.User: slow down'),
    });
    expect(find(evaluatePreflight('create', create(), world()), 'duplicate_name_unverified')?.level).toBe(
      'error',
    );
  });

  it('category_not_multi_attach names the categories that work', () => {
    const checks = evaluatePreflight(
      'create',
      create({ category: 'cloud_efficiency' as 'cloud_essd' }),
      world(),
    );
    expect(find(checks, 'category_not_multi_attach')?.message).toContain(
      'use --category cloud_essd, cloud_auto',
    );
  });

  it.each([
    ['cloud_essd', 'PL0', 1, true],
    ['cloud_essd', 'PL1', 19, false],
    ['cloud_essd', 'PL2', 460, false],
    ['cloud_essd', 'PL2', 461, true],
    ['cloud_essd', 'PL3', 1260, false],
    ['cloud_auto', undefined, 1, true],
    ['cloud_regional_disk_auto', undefined, 9, false],
    ['cloud_essd', 'PL1', 65_537, false],
  ] as const)('size of %s %s at %i GiB → ok=%s', (category, pl, size, fits) => {
    const checks = evaluatePreflight(
      'create',
      create({ category, performanceLevel: pl, sizeGiB: size }),
      world(),
    );
    expect(codes(checks)).toContain(fits ? 'size_in_range' : 'size_out_of_range');
    if (!fits) expect(find(checks, 'size_out_of_range')?.message).toMatch(/change --size or --pl/);
  });

  it('zone support: configured list, unconfigured, regional, missing zone', () => {
    const off = evaluatePreflight('create', create({ zoneId: 'cn-hangzhou-b' }), world());
    expect(find(off, 'zone_not_multi_attach')).toMatchObject({ level: 'error' });
    expect(find(off, 'zone_not_multi_attach')?.message).toContain(`pick one of ${Z}`);
    const unknown = evaluatePreflight('create', create(), { ...world(), multiAttachZones: undefined });
    expect(find(unknown, 'zone_support_unverified')?.level).toBe('warning');
    const regional = evaluatePreflight(
      'create',
      create({ category: 'cloud_regional_disk_auto', zoneId: undefined }),
      world(),
    );
    expect(codes(regional)).toContain('zone_regional');
    const none = evaluatePreflight('create', create({ zoneId: undefined }), world());
    expect(find(none, 'zone_required')?.level).toBe('error');
  });
});

describe('attach rules', () => {
  it('passes with a summary when everything fits', () => {
    const checks = evaluatePreflight('attach', attach(), world());
    expect(codes(checks, 'error')).toEqual([]);
    expect(codes(checks)).toEqual([
      'disk_multi_attach',
      'attachment_limit',
      'filesystem_content_unknown',
      'instances_ready',
    ]);
    expect(find(checks, 'attachment_limit')?.message).toBe(
      'After this change the disk has 2 of at most 16 attachments.',
    );
  });

  it('disk_not_found, disk_not_multi_attach and disk_not_pay_as_you_go stop at the disk', () => {
    expect(codes(evaluatePreflight('attach', attach(), world({ disk: undefined })), 'error')).toEqual([
      'disk_not_found',
    ]);
    const plain = evaluatePreflight('attach', attach(), world({ disk: disk({ multiAttach: false }) }));
    expect(codes(plain, 'error')).toEqual(['disk_not_multi_attach']);
    expect(find(plain, 'disk_not_multi_attach')?.message).toContain('/disk create');
    const prepaid = evaluatePreflight('attach', attach(), world({ disk: disk({ chargeType: 'PrePaid' }) }));
    expect(codes(prepaid, 'error')).toEqual(['disk_not_pay_as_you_go']);
  });

  it('attachment_limit_exceeded counts existing attachments and explains the room left', () => {
    const existing = Array.from({ length: 15 }, (_, i) => `i-x${i}`);
    const checks = evaluatePreflight(
      'attach',
      attach(),
      world({ disk: disk({ attachments: attached(existing) }) }),
    );
    expect(find(checks, 'attachment_limit_exceeded')?.message).toBe(
      'A multi-attach disk serves at most 16 instances; it has 15 and this adds 2 (17). Attach to at most 1 more, or detach some first.',
    );
  });

  it('already attached instances are skipped and do not count twice', () => {
    const checks = evaluatePreflight(
      'attach',
      attach(),
      world({ disk: disk({ attachments: attached(['i-1']) }) }),
    );
    expect(find(checks, 'already_attached')).toMatchObject({
      level: 'ok',
      message: 'Already attached to i-1: skipped.',
    });
    expect(find(checks, 'attachment_limit')?.message).toContain('2 of at most 16');
    const all = evaluatePreflight(
      'attach',
      attach(),
      world({ disk: disk({ attachments: attached(['i-1', 'i-2']) }) }),
    );
    expect(find(all, 'nothing_to_attach')?.level).toBe('warning');
  });

  it('instance_not_found names the missing ids', () => {
    const checks = evaluatePreflight('attach', attach(['i-1', 'i-9']), world());
    expect(find(checks, 'instance_not_found')?.message).toBe(`No instance i-9 in ${R}; check the ids.`);
  });

  it('zone_mismatch, instance_state, instance_type_not_nvme, image_not_nvme, instance_disk_cap', () => {
    const list = [
      instance('i-1', { zoneId: 'cn-hangzhou-j' }),
      instance('i-2', { status: 'Starting' }),
      instance('i-3', { instanceType: OLD }),
      instance('i-4', { imageId: OLD_IMG }),
      instance('i-5'),
      instance('i-6', { status: 'Stopped' }),
    ];
    const w = world({
      list,
      dataDisks: new Map([...list.map((i) => [i.instanceId, 0] as const), ['i-5', 15]]),
    });
    const checks = evaluatePreflight('attach', attach(list.map((i) => i.instanceId)), w);
    expect(codes(checks, 'error')).toEqual([
      'zone_mismatch',
      'instance_state',
      'instance_type_not_nvme',
      'image_not_nvme',
      'instance_disk_cap',
    ]);
    expect(find(checks, 'zone_mismatch')?.message).toContain(
      `i-1 (cn-hangzhou-j) not in the disk's zone ${Z}`,
    );
    expect(find(checks, 'instance_state')?.message).toContain(
      'i-2 is Starting; AttachDisk needs Running or Stopped',
    );
    expect(find(checks, 'instance_type_not_nvme')?.message).toContain(`i-3 (${OLD})`);
    expect(find(checks, 'image_not_nvme')?.message).toContain(`i-4 (${OLD_IMG})`);
    expect(find(checks, 'instance_disk_cap')?.message).toBe(
      `i-5 has 15 data disks (${NVME} allows 16 disks including the system disk); detach a data disk there first or use a larger instance type.`,
    );
  });

  it('the cap allows up to DiskQuantity − 1 data disks after the attach, and warns when the count is unknown', () => {
    const ok = evaluatePreflight('attach', attach(['i-1']), world({ dataDisks: new Map([['i-1', 14]]) }));
    expect(codes(ok, 'error')).toEqual([]);
    const unknown = evaluatePreflight('attach', attach(['i-1']), world({ dataDisks: new Map() }));
    expect(find(unknown, 'instance_disk_cap_unknown')?.level).toBe('warning');
  });

  it('a Regional ESSD skips the same-zone rule', () => {
    const w = world({
      disk: disk({ category: 'cloud_regional_disk_auto', zoneId: '' }),
      list: [instance('i-1', { zoneId: 'cn-hangzhou-j' })],
    });
    expect(codes(evaluatePreflight('attach', attach(['i-1']), w), 'error')).toEqual([]);
  });
});

describe('detach rules', () => {
  it('detaches what is attached and skips the rest with a note', () => {
    const checks = evaluatePreflight(
      'detach',
      detach(),
      world({
        disk: disk({ attachments: attached(['i-1', 'i-7']) }),
        filesystem: { outcomes: [unmounted('i-1')] },
      }),
    );
    expect(codes(checks)).toEqual([
      'disk_multi_attach',
      'detach_not_mounted',
      'not_attached',
      'detach_ready',
    ]);
    expect(find(checks, 'not_attached')?.message).toBe('Not attached to i-2: skipped.');
    expect(find(checks, 'detach_ready')?.message).toBe('Detaches from 1 instance; 1 stay attached.');
  });

  it('nothing_to_detach warns; instance_state and instance_not_found are errors', () => {
    expect(find(evaluatePreflight('detach', detach(), world()), 'nothing_to_detach')?.level).toBe('warning');
    const w = world({
      disk: disk({ attachments: attached(['i-1']) }),
      list: [instance('i-1', { status: 'Stopping' })],
      filesystem: { outcomes: [unmounted('i-1')] },
    });
    expect(codes(evaluatePreflight('detach', detach(['i-1', 'i-2']), w), 'error')).toEqual([
      'instance_not_found',
      'instance_state',
    ]);
  });
});

describe('failover rules', () => {
  const source = world({ disk: disk({ attachments: attached(['i-1']) }) });

  it('passes when the source holds the disk and the target can take it', () => {
    const checks = evaluatePreflight('failover', failover(), source);
    expect(codes(checks, 'error')).toEqual([]);
    expect(codes(checks)).toEqual([
      'disk_multi_attach',
      'from_attached',
      'fences_running_node',
      'attachment_limit',
    ]);
  });

  it('from_not_attached, same_instance, and a target that is not Running', () => {
    expect(codes(evaluatePreflight('failover', failover(), world()), 'error')).toEqual(['from_not_attached']);
    expect(
      codes(evaluatePreflight('failover', failover({ toInstanceId: 'i-1' }), source), 'error'),
    ).toContain('same_instance');
    const stopped = world({
      disk: disk({ attachments: attached(['i-1']) }),
      list: [instance('i-1'), instance('i-2', { status: 'Stopped', instanceType: OLD })],
    });
    const checks = evaluatePreflight('failover', failover(), stopped);
    expect(codes(checks, 'error')).toEqual(['instance_state', 'instance_type_not_nvme']);
    expect(find(checks, 'instance_state')?.message).toContain('failover needs Running');
  });

  it('a target that already has the disk needs no free slot', () => {
    const both = world({
      disk: disk({ attachments: attached(['i-1', 'i-2']) }),
      dataDisks: new Map([['i-2', 15]]),
    });
    const checks = evaluatePreflight('failover', failover(), both);
    expect(codes(checks, 'error')).toEqual([]);
    expect(codes(checks)).toContain('to_attached');
  });
});
