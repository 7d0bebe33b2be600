/**
 * The emulator's guest-size and file-system model on a fake clock: ResizeDisk, the rescan and
 * fs-grow scripts, a stale guest, a reboot. The seed's shared disk, attached to nvme-i-20, is
 * given OCFS2 and two more Running instances here.
 */
import { describe, expect, it } from 'vitest';
import { diskActions } from '../../src/emulator/actions/disks.js';
import { settleInstanceStatus } from '../../src/emulator/actions/instances.js';
import { Params } from '../../src/emulator/params.js';
import { runScript } from '../../src/emulator/script-runner.js';
import { scriptMarker } from '../../src/emulator/scripts.js';
import { applySeed, SEED } from '../../src/emulator/seed.js';
import { DEFAULT_LATENCY, fsSize, guestSize, World } from '../../src/emulator/world.js';

const shared = SEED.disks.sharedExt4;
const [a, b] = SEED.instances.nvmeI.map((i) => i.id) as [string, string];
const owner = shared.attachedTo;
const serial = shared.diskId.replace(/^d-/, '');

function setup() {
  const clock = { t: 1_000_000 };
  const world = new World({ now: () => clock.t, random: () => 0, latency: DEFAULT_LATENCY });
  applySeed(world, 'default');
  const disk = world.disks.get(shared.diskId)!;
  disk.fstype = 'ocfs2';
  for (const id of [a, b]) {
    disk.attachments.push({
      instanceId: id,
      device: '/dev/xvdc',
      hostDevice: '/dev/nvme1n1',
      attachedTime: 0,
    });
  }
  const resize = (newSize: number) => {
    diskActions.ResizeDisk!({
      world,
      params: new Params({ DiskId: shared.diskId, NewSize: String(newSize), Type: 'online' }),
    });
    clock.t += 10_000;
    world.settle();
  };
  const script = (instanceId: string, name: 'rescan' | 'fs-grow', args: Record<string, string>) =>
    runScript(world, instanceId, `${scriptMarker(name)}\n`, { serial, ...args });
  return { world, disk, resize, script };
}

describe('guest sizes after an online resize', () => {
  it('every guest keeps the old size until its rescan; a stale guest keeps it until it reboots', () => {
    const { world, disk, resize, script } = setup();
    const before = disk.size;
    world.staleSize.add(b);
    resize(before + 20);
    expect([owner, a, b].map((id) => guestSize(world, id, disk))).toEqual([before, before, before]);
    const rescan = (id: string) =>
      JSON.parse(script(id, 'rescan', { expectgib: String(before + 20), waitsec: '0' }).output);
    expect(rescan(owner)).toMatchObject({ sizeGiB: before + 20, sees: true });
    expect(rescan(b)).toMatchObject({ sizeGiB: before, sees: false });
    expect(guestSize(world, a, disk)).toBe(before);
    settleInstanceStatus(world, world.instances.get(b)!, 'Running');
    expect(guestSize(world, b, disk)).toBe(before + 20);
    expect(world.staleSize.has(b)).toBe(false);
  });

  it('fs-grow refuses while a node is behind, grows to the size the node sees, and needs a mount for OCFS2', () => {
    const { world, disk, resize, script } = setup();
    const before = disk.size;
    resize(before + 20);
    expect(fsSize(world, disk)).toBe(before);
    for (const id of [owner, a]) script(id, 'rescan', { expectgib: '1', waitsec: '0' });
    world.mounts.set(`${owner}/${disk.diskId}`, { mountpoints: ['/srv'], readOnly: false });
    const refused = script(owner, 'fs-grow', { role: 'filesystem' });
    expect(refused.exitCode).toBe(5);
    expect(refused.output).toContain(`${b} still sees ${before} GiB`);
    script(b, 'rescan', { expectgib: '1', waitsec: '0' });
    expect(script(a, 'fs-grow', { role: 'filesystem' }).output).toMatch(
      /grows online only where it is mounted/,
    );
    const grown = script(owner, 'fs-grow', { role: 'filesystem' });
    expect(grown.exitCode, grown.output).toBe(0);
    expect(JSON.parse(grown.output)).toMatchObject({ fstype: 'ocfs2', grown: true });
    expect(fsSize(world, disk)).toBe(before + 20);
    expect(JSON.parse(script(a, 'fs-grow', { role: 'reread' }).output)).toMatchObject({ grown: false });
  });
});
