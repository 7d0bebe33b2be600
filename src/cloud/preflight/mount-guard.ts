/**
 * Mount-aware detach (issue 10): before DetachDisk each leaving instance is inspected. Mounted
 * read-write there → refused ("unmount first", naming the mountpoints) unless `--force`, which
 * turns it into a danger warning and raises the quorum to `detachMounted.quorum`; mounted read-only
 * → a warning; a guest that cannot be read is unknown, and unknown is unsafe like a rw mount.
 * A Stopped instance has nothing mounted. Runs at filing and again right before DetachDisk.
 */
import type { Check } from '../../workflow/request.js';
import type { DiskInfo, InstanceInfo } from '../gateway.js';
import { type FilesystemSnapshot, guestViews, mountFact, mountText } from './guest-view.js';
import { fencedOut, reservationRead } from './reservation-facts.js';

export const MOUNTS_RULE = 'mounts';

const check = (code: string, level: Check['level'], message: string, facts: string): Check => ({
  code,
  level,
  message,
  rule: MOUNTS_RULE,
  facts,
});

/** One check (rule `mounts`) for the instances the disk leaves; none when nothing leaves. Never read fails closed. */
export function detachMountRule(
  disk: DiskInfo,
  leaving: readonly InstanceInfo[],
  force: boolean,
  fs: FilesystemSnapshot | undefined,
): Check[] {
  if (leaving.length === 0) return [];
  if (fs === undefined)
    return [
      check(
        'mounts_not_read',
        'error',
        `The mounts of ${disk.diskId} on ${leaving.map((i) => i.instanceId).join(', ')} were not read; unknown counts as unsafe, so nothing is detached.`,
        'mounts=not_read',
      ),
    ];
  const views = new Map(guestViews(fs).map((v) => [v.instanceId, v]));
  const reservation = reservationRead(fs);
  const rw: string[] = [];
  /** Mounted read-write but fenced out of the reservation: it cannot write, so it has nothing to lose. */
  const fenced: string[] = [];
  const ro: string[] = [];
  const unknown: string[] = [];
  const clear: string[] = [];
  const facts: string[] = [];
  for (const instance of leaving) {
    const id = instance.instanceId;
    const view = views.get(id);
    if (instance.status === 'Stopped') {
      clear.push(`${id} (stopped)`);
      facts.push(`${id}:stopped`);
    } else if (!view) {
      unknown.push(`${id} (not inspected)`);
      facts.push(`${id}:unknown`);
    } else if (!view.read) {
      unknown.push(`${id} (${view.why})`);
      facts.push(`${id}:unknown`);
    } else if (view.mountpoints.length === 0) {
      clear.push(id);
      facts.push(`${id}:none`);
    } else {
      (view.readOnly ? ro : rw).push(`${id} has it ${mountText(view)}`);
      if (!view.readOnly && fencedOut(reservation, id)) fenced.push(id);
      facts.push(mountFact(view) ?? `${id}:mounted`);
    }
  }
  const fact = facts.sort().join(';');
  const disk_ = disk.diskId;
  if (rw.length > 0 || unknown.length > 0) {
    const parts = [
      ...(rw.length > 0 ? [rw.join('; ')] : []),
      ...(unknown.length > 0
        ? [`the mount state of ${unknown.join('; ')} could not be read, so it may be mounted read-write`]
        : []),
    ].join('; ');
    const writers = rw.length - fenced.length + unknown.length;
    const fencedWords =
      fenced.length > 0
        ? `${fenced.join(', ')} ${fenced.length === 1 ? 'is' : 'are'} fenced out of the NVMe reservation and cannot write, so no unflushed write is lost there`
        : '';
    const loss = writers > 0 ? 'writes not yet flushed on a node that can write are lost' : '';
    if (force)
      return [
        check(
          'detach_mounted_force',
          'danger',
          `${parts}. --force: DetachDisk cuts ${disk_} off under a live mount and the application there gets I/O errors; ${[loss, fencedWords].filter(Boolean).join('; ')}.`,
          fact,
        ),
      ];
    return [
      check(
        rw.length > 0 ? 'detach_mounted' : 'detach_mount_unknown',
        'error',
        `Unmount first: ${parts}. Detaching ${disk_} under a mount ${writers > 0 ? 'loses unflushed writes' : 'gives the application there I/O errors'}${fencedWords ? ` (${fencedWords})` : ''}. Unmount it (umount) and ask again, or ask with --force (it needs more approvals).`,
        fact,
      ),
    ];
  }
  if (ro.length > 0)
    return [
      check(
        'detach_mounted_ro',
        'warning',
        `${ro.join('; ')}: that mount starts returning I/O errors once ${disk_} is gone; unmount it first if anything reads it.`,
        fact,
      ),
    ];
  return [check('detach_not_mounted', 'ok', `${disk_} is not mounted on ${clear.join(', ')}.`, fact)];
}
