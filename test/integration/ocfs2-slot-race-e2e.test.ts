/**
 * Issue 18's scenario over signed HTTP → real Redis → real SDK → emulator: the card's rules are the
 * rules at the call. An OCFS2 volume made by `/disk init --slots 3` on A and B; an attach of C is
 * filed (its card shows the slot check) and left pending; an attach of D is approved first and
 * takes the last slot. Approving C then sends no AttachDisk for C: the re-check right before the
 * call probes the volume again and the request ends `guard_changed`, naming the slots; the disk,
 * the mounts and the cluster description stay as D left them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';

const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  '  init: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }\nsingleNodeFs: { quorum: 2 }',
);
const [a, b, c, d] = SEED.instances.nvmeI.map((i) => i.id) as [string, string, string, string];
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY);
});
afterAll(() => f.close());

/** A blank multi-attach disk attached to `nodes`, made directly on the emulator. */
async function blankDisk(nodes: readonly string[]): Promise<string> {
  return attachedBlankDisk(f.emu.gateway(), 'slot-race', nodes);
}

const world = async (diskId: string) => {
  const state = (await f.emu.admin('state')) as {
    mounts: { instanceId: string; diskId: string; mountpoints: string[] }[];
  };
  const ocfs2 = (await f.emu.admin('ocfs2')) as {
    hosts: Record<string, { online: boolean; nodes: string | null; fstab: string[] }>;
  };
  const [disk] = await f.emu.gateway().describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
  return {
    attachedTo: (disk?.attachments ?? []).map((x) => x.instanceId).sort(),
    mounts: state.mounts.filter((m) => m.diskId === diskId),
    hosts: ocfs2.hosts,
  };
};

it('approving C after D took the last slot sends no AttachDisk for C and ends naming the slots', async () => {
  const disk = await blankDisk([a, b]);
  const init = await f.open(`init ${disk} --fs ocfs2 --mount /shared --slots 3`);
  await f.approve(init, USERS.bob);
  await f.approve(init, USERS.carol);
  expect(json(await f.result(init))).toContain('succeeded');

  const attachC = await f.open(`attach ${disk} ${c}`);
  const filed = (await f.h.bot.service.get(attachC))?.checks.find((x) => x.code === 'ocfs2_grow');
  expect(filed?.message).toContain('3 of 3 slots after this');

  const attachD = await f.open(`attach ${disk} ${d}`);
  await f.approve(attachD, USERS.bob);
  expect(json(await f.result(attachD))).toContain('succeeded');
  const before = await world(disk);
  expect(before.attachedTo).toEqual([a, b, d].sort());

  await f.emu.clearCalls();
  await f.approve(attachC, USERS.bob);
  const result = json(await f.result(attachC));
  const done = await f.h.bot.service.get(attachC);
  expect([done?.state, done?.outcome?.code]).toEqual(['failed', 'guard_changed']);
  expect(done?.outcome?.message).toContain('No free node slots');
  expect(done?.outcome?.message).toContain('has 3 slots and 3 nodes');
  expect(result).toContain('No free node slots');
  const attachCalls = (await f.emu.calls('AttachDisk')).filter((x) => x.params.DiskId === disk);
  expect(attachCalls).toEqual([]);
  const changing = (await f.emu.calls()).filter((x) => {
    if (x.action !== 'RunCommand' && x.action !== 'InvokeCommand') return false;
    const script = Buffer.from(x.params.CommandContent ?? '', 'base64').toString();
    return /shared-disk-bot:(ocfs2-cluster|ocfs2-mount|ocfs2-format|nvme-register):/.test(script);
  });
  expect(changing).toEqual([]);
  expect(await world(disk)).toEqual(before);
});
