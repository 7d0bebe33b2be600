/**
 * The resize scripts against the emulated guests: `rescan` lets a guest see the disk's new size
 * (unless the admin API keeps it stale), `fs-grow` grows the file system model to the size the node
 * sees, and refuses when another attached node still sees less: on a real cluster that node would
 * read beyond the end of its device.
 */
import { SCRIPT_EXIT } from './scripts.js';
import { type Attachment, type Disk, guestSize, mountKey, type World } from './world.js';

const GiB = 1024 ** 3;

interface Result {
  exitCode: number;
  output: string;
}
type Found = { disk: Disk; attachment: Attachment } | null;

const fail = (name: string, exitCode: number, message: string): Result => ({
  exitCode,
  output: `${name}: ${message}\n`,
});
const ok = (value: unknown): Result => ({ exitCode: SCRIPT_EXIT.ok, output: `${JSON.stringify(value)}\n` });

export const RESIZE_SCRIPTS = ['rescan', 'fs-grow'] as const;
export type ResizeScriptName = (typeof RESIZE_SCRIPTS)[number];
export const isResizeScript = (name: string): name is ResizeScriptName =>
  (RESIZE_SCRIPTS as readonly string[]).includes(name);

function rescan(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const expect = args.expectgib ?? '';
  if (!/^\d+$/.test(expect))
    return fail('rescan', SCRIPT_EXIT.usage, '"expectGiB" must be a whole number of GiB');
  if (!/^\d+$/.test(args.waitsec ?? ''))
    return fail('rescan', SCRIPT_EXIT.usage, '"waitSec" must be a whole number of seconds');
  if (!found)
    return fail('rescan', SCRIPT_EXIT.noDevice, `no NVMe device with serial ${args.serial} on this host`);
  const { disk, attachment } = found;
  if (!world.staleSize.has(instanceId)) world.guestSizes.delete(mountKey(instanceId, disk.diskId));
  const sizeGiB = guestSize(world, instanceId, disk);
  return ok({
    device: attachment.hostDevice,
    sizeBytes: sizeGiB * GiB,
    sizeGiB,
    expectGiB: Number(expect),
    sees: sizeGiB >= Number(expect),
    attempts: 1,
    method: 'nvme-ns-rescan',
  });
}

/** OCFS2 and XFS grow online only where mounted; ext4 grows mounted or not. */
const NEEDS_MOUNT: ReadonlySet<string> = new Set(['ocfs2', 'xfs']);
const GROWABLE: ReadonlySet<string> = new Set(['ocfs2', 'xfs', 'ext4', 'ext3', 'ext2']);

function fsGrow(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const role = args.role ?? '';
  if (role !== 'partition' && role !== 'reread' && role !== 'filesystem')
    return fail('fs-grow', SCRIPT_EXIT.usage, '"role" must be partition, reread or filesystem');
  if (!found)
    return fail('fs-grow', SCRIPT_EXIT.noDevice, `no NVMe device with serial ${args.serial} on this host`);
  const { disk, attachment } = found;
  const report = { device: attachment.hostDevice, partition: null, role, partitionGrown: false };
  if (role !== 'filesystem' || disk.fstype === null)
    return ok({ ...report, fstype: disk.fstype, grown: false });
  if (!GROWABLE.has(disk.fstype))
    return fail('fs-grow', SCRIPT_EXIT.deviceError, `the bot does not grow ${disk.fstype} file systems`);
  if (NEEDS_MOUNT.has(disk.fstype) && !world.mounts.has(mountKey(instanceId, disk.diskId))) {
    return fail(
      'fs-grow',
      SCRIPT_EXIT.deviceError,
      `${disk.fstype} grows online only where it is mounted, and ${attachment.hostDevice} is not mounted here`,
    );
  }
  const sees = guestSize(world, instanceId, disk);
  const behind = disk.attachments.find((a) => guestSize(world, a.instanceId, disk) < sees);
  if (behind) {
    return fail(
      'fs-grow',
      SCRIPT_EXIT.deviceError,
      `${behind.instanceId} still sees ${guestSize(world, behind.instanceId, disk)} GiB: growing to ${sees} GiB would make it read beyond the end of its device`,
    );
  }
  if (sees >= disk.size) world.fsSizes.delete(disk.diskId);
  else world.fsSizes.set(disk.diskId, sees);
  return ok({ ...report, fstype: disk.fstype, grown: true });
}

export function runResizeScript(
  world: World,
  name: ResizeScriptName,
  instanceId: string,
  found: Found,
  args: Record<string, string>,
): Result {
  return name === 'rescan' ? rescan(world, instanceId, found, args) : fsGrow(world, instanceId, found, args);
}
