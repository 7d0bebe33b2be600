/** Disks made directly on the emulator for a test's set-up, behind the bot's back. */
import type { EcsGateway } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';

type DiskInfo = Awaited<ReturnType<EcsGateway['describeDisks']>>[number];

/** A new blank 40 GiB multi-attach ESSD named `name` in the instances' zone, attached to `instances`. */
export async function attachedBlankDisk(
  gw: EcsGateway,
  name: string,
  instances: readonly string[],
): Promise<string> {
  const { value } = await gw.createDisk({
    regionId: SEED.regionId,
    zoneId: 'cn-hangzhou-i',
    diskName: name,
    category: 'cloud_essd',
    performanceLevel: 'PL0',
    sizeGiB: 40,
    clientToken: `${name}-${Date.now()}`,
  });
  const until = async (ok: (disk: DiskInfo) => boolean) => {
    for (;;) {
      const [disk] = await gw.describeDisks({ regionId: SEED.regionId, diskIds: [value.diskId] });
      if (disk && ok(disk)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await until((disk) => disk.status === 'Available');
  for (const instanceId of instances) {
    await gw.attachDisk({ diskId: value.diskId, instanceId });
    await until((disk) => disk.attachments.some((a) => a.instanceId === instanceId));
  }
  return value.diskId;
}
