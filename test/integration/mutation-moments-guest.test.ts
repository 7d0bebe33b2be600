/**
 * Issue 18, the guest moments (mutation-moments.test.ts has the cloud ones): the facts change
 * right after one call of the request (a tripwire on the bot's gateway runs an emulator admin
 * change once that call returns); the next guest mutation must not be sent and the request ends
 * `guard_changed`, saying what changed.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunCommandInput } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import type { CallEntry } from '../support/execution-emulator.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';
import { Tripwire } from '../support/tripwire.js';

const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  '  init: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }\nsingleNodeFs: { quorum: 2 }',
);
const ids = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

const wire = new Tripwire();

/** Matches the RunCommand of one bot script (`ocfs2-format`, `nvme-register`, …). */
const runs = (script: string) => (method: string, args: readonly unknown[]) =>
  method === 'runCommand' && (args[0] as RunCommandInput).name === `shared-disk-bot ${script}`;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY, { wrapGateway: wire.wrap });
});
afterAll(() => f.close());

/** A blank multi-attach disk attached to `nodes`, made directly on the emulator. */
async function blankDisk(nodes: readonly string[], name: string): Promise<string> {
  return attachedBlankDisk(f.emu.gateway(), name, nodes);
}

/** The bot scripts the emulator was asked to run, in order. */
const scriptsRun = (calls: CallEntry[]): string[] =>
  calls.flatMap((c) => {
    if (c.action !== 'RunCommand' && c.action !== 'InvokeCommand') return [];
    const script = Buffer.from(c.params.CommandContent ?? '', 'base64').toString();
    return /shared-disk-bot:([a-z0-9-]+):/.exec(script)?.[1] ?? [];
  });

const mountsOf = async (diskId: string) => {
  const state = (await f.emu.admin('state')) as { mounts: { diskId: string; instanceId: string }[] };
  return state.mounts.filter((m) => m.diskId === diskId);
};

it('init: a node stopped right after the format gets no ocfs2-mount; the request says which', async () => {
  const nodes = [ids[0]!, ids[1]!];
  const disk = await blankDisk(nodes, 'moment-init-mount');
  const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
  await f.approve(id, USERS.bob);
  await f.emu.clearCalls();
  // The node the format does not run on stops while the format runs.
  let stopped = '';
  wire.arm({
    when: runs('ocfs2-format'),
    act: async ([input]) => {
      stopped = nodes.find((n) => !(input as RunCommandInput).instanceIds.includes(n)) ?? '';
      await f.emu.stopInstance(stopped);
    },
  });
  try {
    await f.approve(id, USERS.carol);
    expect(json(await f.result(id))).toContain('partial');
    const done = await f.h.bot.service.get(id);
    expect([done?.state, done?.outcome?.code]).toEqual(['partial', 'guard_changed']);
    expect(done?.outcome?.message).toContain('Formatted, but not mounted');
    expect(done?.outcome?.message).toMatch(new RegExp(`not Running: ${stopped} \\(Stopp(ing|ed)\\)`));
    const scripts = scriptsRun(await f.emu.calls());
    expect(scripts).toContain('ocfs2-format');
    expect(scripts).not.toContain('ocfs2-mount');
    expect(await mountsOf(disk)).toEqual([]);
  } finally {
    wire.disarm();
    if (stopped) await f.emu.admin(`instances/${stopped}/start`, {});
  }
});

/** A blank disk on `nodes`, initialised as OCFS2 at /shared through the bot (two approvals). */
async function initDisk(nodes: readonly string[], name: string): Promise<string> {
  const disk = await blankDisk(nodes, name);
  const id = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
  await f.approve(id, USERS.bob);
  await f.approve(id, USERS.carol);
  expect(json(await f.result(id))).toContain('succeeded');
  return disk;
}

it('detach: a leaving node mounting the volume elsewhere during the leave read gets no ocfs2-leave', async () => {
  const nodes = [ids[2]!, ids[3]!, ids[4]!];
  const leaving = nodes[2]!;
  const disk = await initDisk(nodes, 'moment-leave');
  const id = await f.open(`detach ${disk} ${leaving} --force`);
  await f.approve(id, USERS.bob);
  await f.emu.clearCalls();
  // Read only by the leave step (after the run's first facts): the volume's cluster probe.
  wire.arm({
    when: runs('ocfs2-probe'),
    act: async () => {
      await f.emu.admin(`instances/${leaving}/disks/${disk}/filesystem`, {
        mountpoints: ['/shared', '/backup'],
      });
    },
  });
  await f.approve(id, USERS.carol);
  json(await f.result(id));
  wire.disarm();
  const done = await f.h.bot.service.get(id);
  expect([done?.state, done?.outcome?.code]).toEqual(['failed', 'guard_changed']);
  expect(done?.outcome?.message).toContain('/backup');
  const scripts = scriptsRun(await f.emu.calls());
  expect(scripts).toContain('ocfs2-probe');
  expect(scripts).not.toContain('ocfs2-leave');
  expect((await f.emu.calls('DetachDisk')).filter((c) => c.params.DiskId === disk)).toEqual([]);
});
