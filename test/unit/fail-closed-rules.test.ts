/**
 * Issue 18: "forgot to ask" never reads as "passed". Every rule whose facts were not read returns
 * an error check saying so (and nothing when it has nothing to judge).
 */
import { describe, expect, it } from 'vitest';
import type { DiskInfo, InstanceInfo } from '../../src/cloud/gateway.js';
import {
  detachMountRule,
  NO_OCFS2,
  singleNodeFsRule,
  type WorldSnapshot,
} from '../../src/cloud/preflight/index.js';
import { ocfs2GrowRule } from '../../src/cloud/preflight/ocfs2-grow.js';
import { evaluatePreflight } from '../../src/kinds/registry.js';
import { attachmentsOn, diskInfo } from '../support/disk-info.js';

const disk: DiskInfo = diskInfo({ attachments: attachmentsOn(['i-a']) });
const instance = (instanceId: string): InstanceInfo => ({
  instanceId,
  instanceName: instanceId,
  status: 'Running',
  zoneId: 'cn-hangzhou-i',
  instanceType: 'ecs.g7se.large',
  imageId: 'img',
  privateIp: '10.0.0.1',
});

describe('rules with facts that were never read fail closed', () => {
  it('singleNodeFsRule', () => {
    const [check] = singleNodeFsRule(disk, ['i-b'], false, undefined);
    expect(check).toMatchObject({ code: 'filesystem_not_read', level: 'error', rule: 'filesystem' });
    expect(check?.message).toContain('was not read');
    // Even the override does not cover facts nobody read.
    expect(singleNodeFsRule(disk, ['i-b'], true, undefined)[0]?.level).toBe('error');
    expect(singleNodeFsRule(disk, [], false, undefined)).toEqual([]);
  });

  it('detachMountRule', () => {
    const [check] = detachMountRule(disk, [instance('i-a')], true, undefined);
    expect(check).toMatchObject({ code: 'mounts_not_read', level: 'error', rule: 'mounts' });
    expect(detachMountRule(disk, [], false, undefined)).toEqual([]);
  });

  it('ocfs2GrowRule: unread is an error; read and no OCFS2 is nothing to judge', () => {
    const instances = new Map([['i-b', instance('i-b')]]);
    const [check] = ocfs2GrowRule(disk, ['i-b'], instances, undefined);
    expect(check).toMatchObject({ code: 'ocfs2_not_read', level: 'error', rule: 'ocfs2_slots' });
    expect(ocfs2GrowRule(disk, ['i-b'], instances, NO_OCFS2)).toEqual([]);
  });

  it('init without the guests probed', () => {
    const world: WorldSnapshot = {
      disk,
      instances: new Map([['i-a', instance('i-a')]]),
      instanceTypes: new Map(),
      images: new Map(),
      dataDisks: new Map(),
    };
    const checks = evaluatePreflight(
      'init',
      {
        diskId: 'd-1',
        regionId: 'cn-hangzhou',
        fs: 'ocfs2',
        mountpoint: '/shared',
        cluster: 'c1',
        slots: 4,
        label: 'shared',
        uuid: '00000000-0000-4000-8000-000000000000',
      } as never,
      world,
    );
    expect(checks.find((c) => c.code === 'init_not_read')?.level).toBe('error');
  });

  it('attach judged on a snapshot without guest facts is refused', () => {
    const world: WorldSnapshot = {
      disk,
      instances: new Map([
        ['i-a', instance('i-a')],
        ['i-b', instance('i-b')],
      ]),
      instanceTypes: new Map([
        ['ecs.g7se.large', { instanceTypeId: 'ecs.g7se.large', nvmeSupport: 'required', diskQuantity: 16 }],
      ]),
      images: new Map([['img', { imageId: 'img', nvmeSupport: 'supported' }]]),
      dataDisks: new Map([['i-b', 1]]),
    };
    const p = { diskId: 'd-1', instanceIds: ['i-b'], allowSingleNodeFs: false, regionId: 'cn-hangzhou' };
    const errors = evaluatePreflight('attach', p, world).filter((c) => c.level === 'error');
    expect(errors.map((c) => c.code)).toEqual(['filesystem_not_read', 'ocfs2_not_read']);
  });
});
