/**
 * Issue 18, the moments after a cloud call: once AttachDisk or DetachDisk has landed, the guest
 * commands that follow (NVMe key registration, the OCFS2 description rewrite and mount after an
 * attach, the shrunk description after a detach) are judged on the nodes they touch. A tripwire on
 * the bot's gateway changes a fact right after the call lands; the guest command must not be sent
 * and the request ends `partial` with `guard_changed`, naming what changed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EcsGateway, RunCommandInput } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import type { CallEntry } from '../support/execution-emulator.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';
import { clickRetry } from '../support/retry-click.js';
import { Tripwire } from '../support/tripwire.js';

// No fencing section: the default reservation mode, so every attach registers NVMe keys.
const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  '  init: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }\nsingleNodeFs: { quorum: 2 }',
);
const ids = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

const wire = new Tripwire();

beforeAll(async () => {
  f = await startFailoverHarness(POLICY, { wrapGateway: wire.wrap });
});
afterAll(() => f.close());

/** The bot scripts the emulator was asked to run, in order. */
const scriptsRun = (calls: CallEntry[]): string[] =>
  calls.flatMap((c) => {
    if (c.action !== 'RunCommand' && c.action !== 'InvokeCommand') return [];
    const script = Buffer.from(c.params.CommandContent ?? '', 'base64').toString();
    return /shared-disk-bot:([a-z0-9-]+):/.exec(script)?.[1] ?? [];
  });

const runs = (script: string) => (method: string, args: readonly unknown[]) =>
  method === 'runCommand' && (args[0] as RunCommandInput).name === `shared-disk-bot ${script}`;

const calls = (method: string, instanceId: string) => (name: string, args: readonly unknown[]) =>
  name === method && (args[0] as { instanceId: string }).instanceId === instanceId;

/** Waits (polling the emulator, not the bot) until `instanceId` has or has lost the disk. */
async function until(diskId: string, instanceId: string, attached: boolean): Promise<void> {
  const gw: EcsGateway = f.emu.gateway();
  for (;;) {
    const [disk] = await gw.describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
    if (disk?.attachments.some((a) => a.instanceId === instanceId) === attached) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A blank disk on `nodes`, initialised as OCFS2 at /shared through the bot (two approvals). */
async function initDisk(nodes: readonly string[], name: string): Promise<string> {
  const disk = await attachedBlankDisk(f.emu.gateway(), name, nodes);
  const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
  await f.approve(id, USERS.bob);
  await f.approve(id, USERS.carol);
  expect(json(await f.result(id))).toContain('succeeded');
  return disk;
}

/** Runs `/disk <command>` approved by `approvers`, with the trip armed, and returns the ended request. */
async function runTripped(
  command: string,
  approvers: readonly string[],
  trip: Parameters<Tripwire['arm']>[0],
) {
  const id = await f.open(command);
  for (const user of approvers.slice(0, -1)) await f.approve(id, user);
  await f.emu.clearCalls();
  wire.arm(trip);
  try {
    await f.approve(id, approvers[approvers.length - 1] ?? USERS.bob);
    json(await f.result(id));
  } finally {
    wire.disarm();
  }
  const done = await f.h.bot.service.get(id);
  return { done, scripts: scriptsRun(await f.emu.calls()) };
}

it('attach: a newcomer stopped right after AttachDisk gets no nvme-register', async () => {
  const [a, b] = [ids[0]!, ids[1]!];
  const disk = await attachedBlankDisk(f.emu.gateway(), 'after-attach-register', [a]);
  try {
    const { done, scripts } = await runTripped(`attach ${disk} ${b}`, [USERS.bob], {
      when: calls('attachDisk', b),
      act: async () => {
        await until(disk, b, true);
        await f.emu.stopInstance(b);
      },
    });
    expect([done?.state, done?.outcome?.code]).toEqual(['partial', 'guard_changed']);
    expect(done?.outcome?.message).toContain('no NVMe reservation key was registered');
    expect(done?.outcome?.message).toMatch(new RegExp(`${b} is Stopp(ing|ed)`));
    expect(scripts).not.toContain('nvme-register');
    expect(scripts).not.toContain('nvme-register-inspect');
    expect((await f.emu.calls('AttachDisk')).map((c) => c.params.InstanceId)).toEqual([b]);
  } finally {
    await f.emu.admin(`instances/${b}/start`, {});
  }
});

it('attach: a newcomer mounting the device elsewhere right after AttachDisk gets no ocfs2-cluster', async () => {
  const nodes = [ids[2]!, ids[3]!];
  const newcomer = ids[4]!;
  const disk = await initDisk(nodes, 'after-attach-cluster');
  const before = (await f.emu.admin('ocfs2')) as { hosts: Record<string, { nodes: string | null }> };
  const { done, scripts } = await runTripped(`attach ${disk} ${newcomer}`, [USERS.bob], {
    when: calls('attachDisk', newcomer),
    act: async () => {
      await until(disk, newcomer, true);
      await f.emu.admin(`instances/${newcomer}/disks/${disk}/filesystem`, { mountpoints: ['/backup'] });
    },
  });
  expect([done?.state, done?.outcome?.code]).toEqual(['partial', 'guard_changed']);
  expect(done?.outcome?.message).toContain('Attached, but not joined');
  expect(done?.outcome?.message).toContain(`${newcomer}: the device is mounted at /backup`);
  expect(scripts).not.toContain('ocfs2-cluster');
  expect(scripts).not.toContain('ocfs2-mount');
  const after = (await f.emu.admin('ocfs2')) as { hosts: Record<string, { nodes: string | null }> };
  for (const n of nodes) expect(after.hosts[n]?.nodes).toBe(before.hosts[n]?.nodes);
  // What the outcome says to do: fix it, then Retry joins and mounts with no second AttachDisk.
  expect(done?.outcome?.message).toContain('Retry joins and mounts it once this is fixed');
  await f.emu.admin(`instances/${newcomer}/disks/${disk}/filesystem`, { mountpoints: [] });
  const finish = await clickRetry(f, done?.id ?? '');
  await f.emu.clearCalls();
  await f.approve(finish, USERS.bob);
  expect(json(await f.result(finish))).toContain('succeeded');
  expect(await f.emu.calls('AttachDisk')).toEqual([]);
  const mounts = (await f.emu.admin('state')) as {
    mounts: { instanceId: string; diskId: string; mountpoints: string[] }[];
  };
  expect(mounts.mounts.find((m) => m.diskId === disk && m.instanceId === newcomer)?.mountpoints).toEqual([
    '/shared',
  ]);
});

it('attach: a newcomer stopped right after the cluster description gets no ocfs2-mount', async () => {
  const nodes = [ids[5]!, ids[6]!];
  const newcomer = ids[7]!;
  const disk = await initDisk(nodes, 'after-attach-mount');
  try {
    // The description's invocation must finish first: the trip fires on the next moment's first read.
    let described = false;
    const { done, scripts } = await runTripped(`attach ${disk} ${newcomer}`, [USERS.bob], {
      when: (method, args) => {
        if (runs('ocfs2-cluster')(method, args)) described = true;
        return described && method === 'describeDisks';
      },
      act: () => f.emu.stopInstance(newcomer),
    });
    expect([done?.state, done?.outcome?.code]).toEqual(['partial', 'guard_changed']);
    expect(done?.outcome?.message).toContain('Attached and joined, but not mounted');
    expect(done?.outcome?.message).toMatch(new RegExp(`${newcomer} is Stopp(ing|ed)`));
    expect(scripts).toContain('ocfs2-cluster');
    expect(scripts).not.toContain('ocfs2-mount');
  } finally {
    await f.emu.admin(`instances/${newcomer}/start`, {});
  }
});

it('detach: the remaining node stopped right after DetachDisk gets no ocfs2-cluster', async () => {
  const nodes = [ids[8]!, ids[9]!, ids[10]!];
  const [staying, , leaving] = nodes as [string, string, string];
  const disk = await initDisk(nodes, 'after-detach-cluster');
  try {
    const { done, scripts } = await runTripped(
      `detach ${disk} ${leaving} --force`,
      [USERS.bob, USERS.carol],
      {
        when: calls('detachDisk', leaving),
        act: async () => {
          await until(disk, leaving, false);
          await f.emu.stopInstance(staying);
        },
      },
    );
    expect([done?.state, done?.outcome?.code]).toEqual(['partial', 'guard_changed']);
    expect(done?.outcome?.message).toContain(`still lists`);
    expect(done?.outcome?.message).toMatch(new RegExp(`${staying} is Stopp(ing|ed)`));
    expect(scripts).toContain('ocfs2-leave');
    expect(scripts).not.toContain('ocfs2-cluster');
    expect((await f.emu.calls('DetachDisk')).map((c) => c.params.InstanceId)).toEqual([leaving]);
  } finally {
    await f.emu.admin(`instances/${staying}/start`, {});
  }
});
