/**
 * The seeded worlds. Ids are hashes of the names, so they are the same on every start and tests and
 * docs can name them through `SEED`.
 *
 * - `default`: the catalogue and instances below, plus two pre-existing disks: `SEED.disks.sharedExt4`
 *   (multi-attach ESSD PL1 40 GiB in cn-hangzhou-i, attached to nvme-i-20, ext4 mounted rw at /data —
 *   the single-node file system case the bot must guard) and `SEED.disks.plain` (ESSD 20 GiB,
 *   not multi-attach, Available).
 * - `empty`: the same catalogue and instances, no disks.
 * - `large`: `default` plus 3,000 instances and 2,000 multi-attach disks (`seed-large.ts`).
 */

import { applyLargeSeed } from './seed-large.js';
import {
  type Disk,
  type ImageSpec,
  type Instance,
  type InstanceTypeSpec,
  mountKey,
  stableId,
  type World,
  type Zone,
} from './world.js';

export type SeedName = 'default' | 'empty' | 'large';

const instanceId = (name: string): string => stableId('i-bp1', `instance:${name}`);
const diskId = (name: string): string => stableId('d-bp1', `disk:${name}`);
const named = (name: string): { id: string; name: string } => ({ id: instanceId(name), name });
const series = (prefix: string, count: number): { id: string; name: string }[] =>
  Array.from({ length: count }, (_, i) => named(`${prefix}-${String(i + 1).padStart(2, '0')}`));

export const SEED = {
  regionId: 'cn-hangzhou',
  zones: { multiAttachI: 'cn-hangzhou-i', multiAttachJ: 'cn-hangzhou-j', noMultiAttachB: 'cn-hangzhou-b' },
  instanceTypes: { nvme: 'ecs.g7se.large', nvmeLarge: 'ecs.g8i.xlarge', noNvme: 'ecs.g6.large' },
  images: {
    nvme: 'aliyun_3_x64_20G_alibase_20250117.vhd',
    noNvme: 'centos_7_04_64_20G_alibase_201701015.vhd',
  },
  instances: {
    /** 20 Running NVMe instances in cn-hangzhou-i: 01–10 ecs.g7se.large, 11–20 ecs.g8i.xlarge. */
    nvmeI: series('nvme-i', 20),
    /** 4 Running NVMe instances (ecs.g7se.large) in cn-hangzhou-j. */
    nvmeJ: series('nvme-j', 4),
    /** 1 Running NVMe instance in cn-hangzhou-b, a zone without multi-attach. */
    nvmeB: series('nvme-b', 1),
    /** 2 Running ecs.g6.large (NvmeSupport unsupported) in cn-hangzhou-i. */
    noNvmeTypeI: series('no-nvme-type-i', 2),
    /** 1 Running ecs.g7se.large whose image has no NVMe driver, in cn-hangzhou-i. */
    noNvmeImageI: series('no-nvme-image-i', 1),
    /** 1 Stopped NVMe instance in cn-hangzhou-i. */
    stoppedI: series('stopped-i', 1),
  },
  disks: {
    sharedExt4: {
      diskId: diskId('seed-shared-ext4'),
      name: 'seed-shared-ext4',
      attachedTo: instanceId('nvme-i-20'),
      mountpoint: '/data',
    },
    plain: { diskId: diskId('seed-plain'), name: 'seed-plain' },
  },
} as const;

const ZONES: Zone[] = [
  {
    zoneId: SEED.zones.multiAttachI,
    localName: 'Hangzhou Zone I',
    multiAttach: true,
    diskCategories: ['cloud_essd', 'cloud_auto', 'cloud_efficiency', 'cloud_ssd', 'cloud_essd_entry'],
    instanceTypes: [SEED.instanceTypes.nvme, SEED.instanceTypes.nvmeLarge, SEED.instanceTypes.noNvme],
  },
  {
    zoneId: SEED.zones.multiAttachJ,
    localName: 'Hangzhou Zone J',
    multiAttach: true,
    diskCategories: ['cloud_essd', 'cloud_auto', 'cloud_efficiency', 'cloud_essd_entry'],
    instanceTypes: [SEED.instanceTypes.nvme, SEED.instanceTypes.nvmeLarge],
  },
  {
    zoneId: SEED.zones.noMultiAttachB,
    localName: 'Hangzhou Zone B',
    multiAttach: false,
    diskCategories: ['cloud_essd', 'cloud_efficiency', 'cloud_ssd', 'cloud'],
    instanceTypes: [SEED.instanceTypes.nvme, SEED.instanceTypes.noNvme],
  },
];

const TYPES: InstanceTypeSpec[] = [
  {
    instanceTypeId: SEED.instanceTypes.nvme,
    family: 'ecs.g7se',
    cpuCoreCount: 2,
    memoryGiB: 8,
    diskQuantity: 16,
    nvmeSupport: 'required',
  },
  {
    instanceTypeId: SEED.instanceTypes.nvmeLarge,
    family: 'ecs.g8i',
    cpuCoreCount: 4,
    memoryGiB: 16,
    diskQuantity: 24,
    nvmeSupport: 'required',
  },
  {
    instanceTypeId: SEED.instanceTypes.noNvme,
    family: 'ecs.g6',
    cpuCoreCount: 2,
    memoryGiB: 8,
    diskQuantity: 17,
    nvmeSupport: 'unsupported',
  },
];

const IMAGES: ImageSpec[] = [
  {
    imageId: SEED.images.nvme,
    imageName: 'Alibaba Cloud Linux 3.2104 LTS 64-bit',
    osName: 'Alibaba Cloud Linux 3.2104 LTS 64位',
    nvmeSupport: 'supported',
  },
  {
    imageId: SEED.images.noNvme,
    imageName: 'CentOS 7.4 64-bit (2017)',
    osName: 'CentOS 7.4 64位',
    nvmeSupport: 'unsupported',
  },
];

/** A fixed creation time keeps DescribeInstances output identical across restarts. */
const SEEDED_AT = Date.parse('2026-01-05T08:00:00Z');

function addInstances(
  world: World,
  list: readonly { id: string; name: string }[],
  spec: { zoneId: string; type: (i: number) => string; imageId: string; status?: Instance['status'] },
): void {
  list.forEach((entry, i) => {
    const octet = world.instances.size + 10;
    world.instances.set(entry.id, {
      instanceId: entry.id,
      instanceName: entry.name,
      zoneId: spec.zoneId,
      instanceType: spec.type(i),
      imageId: spec.imageId,
      status: spec.status ?? 'Running',
      crashed: false,
      creationTime: SEEDED_AT,
      privateIp: `172.16.${Math.floor(octet / 250)}.${octet % 250}`,
      generation: 0,
      // Opted in to the bot (README, Security): the RAM policy's tag conditions match them.
      tags: [{ key: 'shared-disk-bot:managed', value: 'true' }],
    });
  });
}

function seedDisk(name: string, overrides: Partial<Disk>): Disk {
  return {
    diskId: diskId(name),
    diskName: name,
    description: 'seeded by the ECS emulator',
    zoneId: SEED.zones.multiAttachI,
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    size: 20,
    multiAttach: 'Disabled',
    busy: null,
    attachments: [],
    pending: new Map(),
    deleteWithInstance: false,
    tags: [{ key: 'shared-disk-bot:managed', value: 'true' }],
    creationTime: SEEDED_AT,
    detachedTime: null,
    fstype: null,
    ...overrides,
  };
}

export function applySeed(world: World, seed: SeedName): void {
  for (const z of ZONES) world.zones.set(z.zoneId, { ...z });
  for (const t of TYPES) world.instanceTypes.set(t.instanceTypeId, { ...t });
  for (const img of IMAGES) world.images.set(img.imageId, { ...img });
  const { zones, instanceTypes: types, images, instances } = SEED;
  addInstances(world, instances.nvmeI, {
    zoneId: zones.multiAttachI,
    type: (i) => (i < 10 ? types.nvme : types.nvmeLarge),
    imageId: images.nvme,
  });
  addInstances(world, instances.nvmeJ, {
    zoneId: zones.multiAttachJ,
    type: () => types.nvme,
    imageId: images.nvme,
  });
  addInstances(world, instances.nvmeB, {
    zoneId: zones.noMultiAttachB,
    type: () => types.nvme,
    imageId: images.nvme,
  });
  addInstances(world, instances.noNvmeTypeI, {
    zoneId: zones.multiAttachI,
    type: () => types.noNvme,
    imageId: images.noNvme,
  });
  addInstances(world, instances.noNvmeImageI, {
    zoneId: zones.multiAttachI,
    type: () => types.nvme,
    imageId: images.noNvme,
  });
  addInstances(world, instances.stoppedI, {
    zoneId: zones.multiAttachI,
    type: () => types.nvme,
    imageId: images.nvme,
    status: 'Stopped',
  });
  if (seed === 'empty') return;

  const shared = SEED.disks.sharedExt4;
  world.disks.set(
    shared.diskId,
    seedDisk(shared.name, {
      size: 40,
      multiAttach: 'Enabled',
      fstype: 'ext4',
      attachments: [
        {
          instanceId: shared.attachedTo,
          device: '/dev/xvdb',
          hostDevice: '/dev/nvme1n1',
          attachedTime: SEEDED_AT,
        },
      ],
    }),
  );
  world.mounts.set(mountKey(shared.attachedTo, shared.diskId), {
    mountpoints: [shared.mountpoint],
    readOnly: false,
  });
  world.disks.set(SEED.disks.plain.diskId, seedDisk(SEED.disks.plain.name, {}));
  if (seed === 'large') applyLargeSeed(world);
}
