import { describe, expect, it } from 'vitest';
import { filterInstances, MAX_PICKER_OPTIONS } from '../../src/app/attach-picker.js';
import type { InstanceInfo } from '../../src/cloud/gateway.js';
import { attachFormModal, instanceOption } from '../../src/slack/blocks/attach-form.js';

const instance = (n: number, name = `node-${String(n).padStart(3, '0')}`): InstanceInfo => ({
  instanceId: `i-bp1${String(n).padStart(17, '0')}`,
  instanceName: name,
  status: 'Running',
  zoneId: 'cn-hangzhou-i',
  instanceType: n % 2 ? 'ecs.g7se.large' : 'ecs.g8i.xlarge',
  imageId: 'img',
});

describe('the attach picker', () => {
  it('offers at most 100 options and says how many matched', () => {
    const many = Array.from({ length: 250 }, (_, n) => instance(n));
    const all = filterInstances(many, '');
    expect(all.shown).toHaveLength(MAX_PICKER_OPTIONS);
    expect(all.total).toBe(250);
    const typed = filterInstances(many, 'G8I');
    expect(typed.total).toBe(125);
    expect(typed.shown.every((i) => i.instanceType === 'ecs.g8i.xlarge')).toBe(true);
    expect(filterInstances(many, ' node-00 ').total).toBe(10);
  });

  it('shortens long names so the type and id always fit in 75 characters', () => {
    const option = instanceOption(instance(7, `a${'x'.repeat(127)}`));
    expect(option.text.text.length).toBeLessThanOrEqual(75);
    expect(option.text.text).toMatch(/… · ecs\.g7se\.large · i-bp100000000000000007$/);
    expect(option.value).toBe('i-bp100000000000000007');
    expect(instanceOption(instance(1, '')).text.text).toContain('(no name)');
  });

  it('lets the form pick only as many instances as the disk has room for', () => {
    const view = attachFormModal({
      channelId: 'C0DISK',
      disk: {
        diskId: 'd-bp1x',
        diskName: 'db',
        regionId: 'cn-hangzhou',
        zoneId: 'cn-hangzhou-i',
        category: 'cloud_essd',
        performanceLevel: 'PL1',
        sizeGiB: 20,
        status: 'In_use',
        multiAttach: true,
        chargeType: 'PostPaid',
        serialNumber: 'x',
        attachments: Array.from({ length: 12 }, (_, n) => ({
          instanceId: `i-${n}`,
          device: '',
          attachedTime: '',
        })),
        tags: {},
      },
    });
    expect(JSON.stringify(view.blocks)).toContain('"max_selected_items":4');
    expect(view.type === 'modal' && view.title.text.length).toBeLessThanOrEqual(24);
  });
});
