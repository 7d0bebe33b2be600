/**
 * Issue 14 over signed HTTP → real Redis → real SDK → emulator: `/disk init --fs ocfs2` formats a
 * blank disk attached to 3 instances once and mounts it on all 3, verified; a signature on any guest
 * or missing tools refuse at filing; a signature appearing after filing, or a node that stops
 * answering, stops the request before the format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';

const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  '  init: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }\nsingleNodeFs: { quorum: 2 }',
);
const ids = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY);
});
afterAll(() => f.close());

let diskCount = 0;
/** A new blank multi-attach disk in the instances' zone, attached to `instances`. */
async function blankDisk(instances: readonly string[]): Promise<string> {
  return attachedBlankDisk(f.emu.gateway(), `init-test-${++diskCount}`, instances);
}

interface Ocfs2State {
  filesystems: Record<string, { uuid: string; formats: number; slots: number }>;
  hosts: Record<string, { online: boolean; cluster: string | null; fstab: string[] }>;
}
const ocfs2 = async () => (await f.emu.admin('ocfs2')) as Ocfs2State;
const mountsOf = async (diskId: string) => {
  const state = (await f.emu.admin('state')) as {
    mounts: { instanceId: string; diskId: string; mountpoints: string[]; readOnly: boolean }[];
  };
  return state.mounts.filter((m) => m.diskId === diskId);
};

describe('/disk init --fs ocfs2', () => {
  it('formats a blank disk on 3 instances once, mounts it on all 3 and verifies it', async () => {
    const nodes = ids.slice(0, 3);
    const disk = await blankDisk(nodes);
    const id = await f.open(
      `init ${disk} --fs ocfs2 --mount /shared --label uploads --reason "shared uploads"`,
    );
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(2);
    const codes = request?.checks.map((c) => c.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'init_running',
        'init_visible',
        'init_blank',
        'init_mountpoint',
        'init_tools',
        'init_slots',
        'init_cluster',
      ]),
    );
    const cluster = request?.checks.find((c) => c.code === 'init_cluster')?.message ?? '';
    for (const n of nodes)
      expect(cluster).toMatch(
        new RegExp(`node \\d: name=iZ${n.slice(2)}Z ip=172\\.16\\.\\d+\\.\\d+:7777 \\(${n}\\)`),
      );
    await f.approve(id, USERS.bob);
    expect((await f.h.bot.service.get(id))?.state).toBe('pending');
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    await f.threadReply(id, /Cluster description written, o2cb online/);
    await f.threadReply(id, /Signatures re-checked on every guest/);
    await f.threadReply(id, /Formatted OCFS2 once, on/);
    await f.threadReply(id, /Verified with inspect/);
    const state = await ocfs2();
    expect(state.filesystems[disk]?.formats).toBe(1);
    expect(state.filesystems[disk]?.slots).toBe(16);
    for (const n of nodes) {
      expect(state.hosts[n]).toMatchObject({ online: true });
      expect(state.hosts[n]?.fstab).toEqual([
        `UUID=${state.filesystems[disk]?.uuid} /shared ocfs2 _netdev,defaults 0 0`,
      ]);
    }
    const mounts = await mountsOf(disk);
    expect(mounts.map((m) => m.instanceId).sort()).toEqual([...nodes].sort());
    expect(mounts.every((m) => m.mountpoints.includes('/shared') && !m.readOnly)).toBe(true);
    // Never twice: the disk now carries OCFS2, so a second init is refused at filing.
    const again = json(await f.command(`init ${disk} --fs ocfs2 --mount /other`));
    expect(again).toContain('The disk is not blank');
    expect((await ocfs2()).filesystems[disk]?.formats).toBe(1);
  });

  it('refuses at filing when any guest sees a signature, naming what and where', async () => {
    const reply = json(await f.command(`init ${SEED.disks.sharedExt4.diskId} --fs ocfs2 --mount /shared`));
    expect(reply).toContain('The disk is not blank');
    // The guest is shown by name: `(nvme-i-20 (i-…))`.
    expect(reply).toMatch(
      new RegExp(`ext4 on /dev/nvme\\w+ \\(\\S+ \\(${SEED.disks.sharedExt4.attachedTo}\\)\\)`),
    );
    expect(reply).toContain('never wipes');
  });

  it('refuses at filing (disk named by name) when tools are missing and cannot be installed, and with too few slots', async () => {
    const disk = await blankDisk([ids[5]!, ids[6]!]);
    await f.emu.admin(`instances/${ids[6]}/ocfs2`, { tools: false, installable: false });
    // By the disk's name, as every command that takes a disk accepts.
    expect(disk).toMatch(/^d-/);
    const reply = json(await f.command(`init init-test-${diskCount} --fs ocfs2 --mount /shared --slots 1`));
    await f.emu.admin(`instances/${ids[6]}/ocfs2`, { tools: true, installable: true });
    expect(reply).toContain('ocfs2-tools is missing');
    expect(reply).toContain(
      `no package manager can install it on ${SEED.instances.nvmeI[6]?.name} (${ids[6]})`,
    );
    expect(reply).toContain('--slots 1 is fewer than the 2 attached instances');
  });

  it('stops before the format when a signature appears after filing', async () => {
    const nodes = [ids[7]!, ids[8]!];
    const disk = await blankDisk(nodes);
    const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
    await f.approve(id, USERS.bob);
    await f.emu.admin(`instances/${nodes[1]}/disks/${disk}/filesystem`, { fstype: 'xfs', mountpoints: [] });
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    expect(result).toContain('failed');
    // Caught by the re-check under the locks, before the first write (the cluster description).
    expect(result).toContain('Nothing was changed.');
    expect(result).toMatch(new RegExp(`xfs on /dev/nvme\\w+ \\(\\S+ \\(${nodes[0]}\\)\\)`));
    expect((await ocfs2()).filesystems[disk]).toBeUndefined();
  });

  it('stops before the format when a node does not answer', async () => {
    const nodes = [ids[9]!, ids[10]!, ids[11]!];
    const disk = await blankDisk(nodes);
    const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
    await f.approve(id, USERS.bob);
    await f.emu.admin(`instances/${nodes[2]}/crash`, {});
    try {
      await f.approve(id, USERS.carol);
      const result = json(await f.result(id, 60_000));
      expect(result).toContain('failed');
      expect(result).toContain('Nothing was changed.');
      expect(result).toContain(nodes[2]);
    } finally {
      await f.emu.admin(`instances/${nodes[2]}/recover`, {});
    }
    expect((await ocfs2()).filesystems[disk]).toBeUndefined();
    expect((await mountsOf(disk)).length).toBe(0);
  });
});

/** A blank disk on `nodes`, initialised through the bot (two approvals) and checked. */
async function initDisk(nodes: readonly string[], flags = ''): Promise<string> {
  const disk = await blankDisk(nodes);
  const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared ${flags}`);
  await f.approve(id, USERS.bob);
  await f.approve(id, USERS.carol);
  expect(json(await f.result(id))).toContain('succeeded');
  return disk;
}

describe('growing the cluster on attach', () => {
  it('a fourth instance joins the description on every node and mounts; detached, it unmounts and leaves', async () => {
    const nodes = [ids[12]!, ids[13]!, ids[14]!];
    const disk = await initDisk(nodes);
    const fourth = ids[15]!;
    const id = await f.open(`attach ${disk} ${fourth}`);
    const grow = (await f.h.bot.service.get(id))?.checks.find((c) => c.code === 'ocfs2_grow');
    expect(grow?.message).toContain(`node 3 iZ${fourth.slice(2)}Z`);
    expect(grow?.message).toContain('4 of 16 slots');
    expect(grow?.message).toContain('mount it at /shared');
    await f.approve(id, USERS.bob);
    expect(json(await f.result(id))).toContain('succeeded');
    await f.threadReply(id, /OCFS2 cluster grown/);
    const state = (await f.emu.admin('ocfs2')) as {
      hosts: Record<string, { online: boolean; nodes: string | null }>;
    };
    const all = [...nodes, fourth];
    for (const n of all) {
      expect(state.hosts[n]?.online).toBe(true);
      expect(state.hosts[n]?.nodes?.split(',')).toHaveLength(4);
      expect(state.hosts[n]?.nodes).toContain(`iZ${fourth.slice(2)}Z:`);
    }
    expect((await mountsOf(disk)).map((m) => m.instanceId).sort()).toEqual([...all].sort());
    expect((await ocfs2()).filesystems[disk]?.formats).toBe(1);

    // Detach (rw-mounted: --force, per the data-safety rule): unmounted and its fstab line dropped
    // first, then removed from the others' description.
    const detach = await f.open(`detach ${disk} ${fourth} --force`);
    await f.approve(detach, USERS.bob);
    await f.approve(detach, USERS.carol);
    expect(json(await f.result(detach))).toContain('succeeded');
    await f.threadReply(detach, /Unmounted \/shared before the detach/);
    await f.threadReply(detach, /Removed from the OCFS2 cluster description/);
    const after = (await f.emu.admin('ocfs2')) as {
      hosts: Record<string, { nodes: string | null; fstab: string[] }>;
    };
    expect(after.hosts[fourth]?.fstab).toEqual([]);
    for (const n of nodes) {
      expect(after.hosts[n]?.nodes?.split(',')).toHaveLength(3);
      expect(after.hosts[n]?.nodes).not.toContain(`iZ${fourth.slice(2)}Z`);
    }
    expect((await mountsOf(disk)).map((m) => m.instanceId).sort()).toEqual([...nodes].sort());
  });

  it('refuses the attach when no node slot is free', async () => {
    const disk = await initDisk([ids[16]!, ids[17]!], '--slots 2');
    const reply = json(await f.command(`attach ${disk} ${ids[18]}`));
    expect(reply).toContain('No free node slots');
    expect(reply).toContain('has 2 slots and 2 nodes');
  });
});
