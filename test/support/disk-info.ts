/**
 * A DescribeDisks row for unit tests of the rules: a 40 GiB pay-as-you-go multi-attach ESSD in
 * cn-hangzhou-i, In_use, attached nowhere, untagged; `over` changes what a test is about.
 */
import type { DiskInfo } from '../../src/cloud/gateway.js';

export const diskInfo = (over: Partial<DiskInfo> = {}): DiskInfo => ({
  diskId: 'd-1',
  diskName: 'shared',
  regionId: 'cn-hangzhou',
  zoneId: 'cn-hangzhou-i',
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  sizeGiB: 40,
  status: 'In_use',
  multiAttach: true,
  chargeType: 'PostPaid',
  serialNumber: '1',
  attachments: [],
  tags: {},
  ...over,
});

/** The attachments of a disk on `ids`, all at `device`. */
export const attachmentsOn = (ids: readonly string[], device = '/dev/xvdb'): DiskInfo['attachments'] =>
  ids.map((instanceId) => ({ instanceId, device, attachedTime: '' }));
