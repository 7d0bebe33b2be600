/**
 * `--seed large`: the default world plus a fleet big enough to measure the watch's cost (issue 13):
 * 3,000 Running NVMe instances in cn-hangzhou-i (`large-0001` …), 1,000 multi-attach disks each
 * attached to 3 of them with OCFS2 mounted at /shared (`large-disk-0001` …), and 1,000 more
 * multi-attach disks Available. Ids are stable hashes of the names, like the default seed's.
 */
import { type Disk, mountKey, stableId, type World } from './world.js';

export const LARGE = {
  instances: 3_000,
  attachedDisks: 1_000,
  spareDisks: 1_000,
  perDisk: 3,
  zoneId: 'cn-hangzhou-i',
  instanceType: 'ecs.g7se.large',
  imageId: 'aliyun_3_x64_20G_alibase_20250117.vhd',
} as const;

const SEEDED_AT = Date.parse('2026-01-05T08:00:00Z');
const pad = (n: number) => String(n).padStart(4, '0');
export const largeInstanceId = (n: number): string => stableId('i-bp1', `instance:large-${pad(n)}`);
export const largeDiskId = (n: number): string => stableId('d-bp1', `disk:large-disk-${pad(n)}`);

function disk(n: number, attachments: Disk['attachments']): Disk {
  return {
    diskId: largeDiskId(n),
    diskName: `large-disk-${pad(n)}`,
    description: 'seeded by the ECS emulator (large)',
    zoneId: LARGE.zoneId,
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    size: 20,
    multiAttach: 'Enabled',
    busy: null,
    attachments,
    pending: new Map(),
    deleteWithInstance: false,
    tags: [],
    creationTime: SEEDED_AT,
    detachedTime: null,
    fstype: attachments.length > 0 ? 'ocfs2' : null,
  };
}

export function applyLargeSeed(world: World): void {
  for (let n = 1; n <= LARGE.instances; n++) {
    const octet = world.instances.size + 10;
    world.instances.set(largeInstanceId(n), {
      instanceId: largeInstanceId(n),
      instanceName: `large-${pad(n)}`,
      zoneId: LARGE.zoneId,
      instanceType: LARGE.instanceType,
      imageId: LARGE.imageId,
      status: 'Running',
      crashed: false,
      creationTime: SEEDED_AT,
      privateIp: `10.${Math.floor(octet / 62_500)}.${Math.floor(octet / 250) % 250}.${octet % 250}`,
      generation: 0,
      // Opted in to the bot like the default seed's: the RAM policy lets it invoke only on these.
      tags: [{ key: 'shared-disk-bot:managed', value: 'true' }],
    });
  }
  for (let n = 1; n <= LARGE.attachedDisks; n++) {
    const attachments = Array.from({ length: LARGE.perDisk }, (_, k) => ({
      instanceId: largeInstanceId((((n - 1) * LARGE.perDisk + k) % LARGE.instances) + 1),
      device: '/dev/xvdb',
      hostDevice: '/dev/nvme1n1',
      attachedTime: SEEDED_AT,
    }));
    world.disks.set(largeDiskId(n), disk(n, attachments));
    for (const a of attachments)
      world.mounts.set(mountKey(a.instanceId, largeDiskId(n)), { mountpoints: ['/shared'], readOnly: false });
  }
  for (let n = LARGE.attachedDisks + 1; n <= LARGE.attachedDisks + LARGE.spareDisks; n++)
    world.disks.set(largeDiskId(n), disk(n, []));
}
