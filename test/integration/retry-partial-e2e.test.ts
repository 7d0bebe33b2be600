/**
 * Issue 21 point 3: Retry on a partial result finishes it. An attach that joined the OCFS2 cluster
 * but could not mount on the newcomer, and an init that formatted but could not mount everywhere,
 * end `partial`; after the guest's fault clears, Retry opens a request that runs the missing steps
 * (no second AttachDisk, no second format) instead of answering "Nothing to change".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';
import { clickRetry } from '../support/retry-click.js';

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
/** A new blank multi-attach disk in the instances' zone, attached to `instances` behind the bot's back. */
async function blankDisk(instances: readonly string[]): Promise<string> {
  return attachedBlankDisk(f.emu.gateway(), `finish-test-${++diskCount}`, instances);
}

const mountFails = (instanceId: string, fails: boolean) =>
  f.emu.admin(`instances/${instanceId}/ocfs2`, { mountFails: fails });

const mountedOn = async (diskId: string): Promise<string[]> => {
  const state = (await f.emu.admin('state')) as {
    mounts: { instanceId: string; diskId: string; mountpoints: string[] }[];
  };
  return state.mounts
    .filter((m) => m.diskId === diskId && m.mountpoints.includes('/shared'))
    .map((m) => m.instanceId)
    .sort();
};
const formats = async (diskId: string) =>
  ((await f.emu.admin('ocfs2')) as { filesystems: Record<string, { formats: number }> }).filesystems[diskId]
    ?.formats;

const retry = (requestId: string) => clickRetry(f, requestId);

describe('Retry finishes a partial result', () => {
  it('an attach joined but not mounted: Retry mounts it, with no second AttachDisk', async () => {
    const nodes = [ids[0]!, ids[1]!];
    const disk = await blankDisk(nodes);
    const init = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
    await f.approve(init, USERS.bob);
    await f.approve(init, USERS.carol);
    expect(json(await f.result(init))).toContain('succeeded');

    const third = ids[2]!;
    await mountFails(third, true);
    const attach = await f.open(`attach ${disk} ${third}`);
    await f.approve(attach, USERS.bob);
    const partial = json(await f.result(attach));
    expect(partial).toContain('partial');
    expect(partial).toContain('not mounted');
    expect(await mountedOn(disk)).toEqual([...nodes].sort());
    await mountFails(third, false);

    const finish = await retry(attach);
    const card = (await f.h.bot.service.get(finish))?.checks.map((c) => c.message).join('\n') ?? '';
    expect(card).toContain(`Finishes ${attach}`);
    await f.emu.clearCalls();
    await f.approve(finish, USERS.bob);
    expect(json(await f.result(finish))).toContain('succeeded');
    expect(await mountedOn(disk)).toEqual([...nodes, third].sort());
    expect(await f.emu.calls('AttachDisk')).toHaveLength(0);
  }, 120_000);

  it('an init formatted but not mounted everywhere: Retry mounts the rest, formatting nothing again', async () => {
    const nodes = [ids[3]!, ids[4]!, ids[5]!];
    const disk = await blankDisk(nodes);
    await mountFails(nodes[2]!, true);
    const init = await f.open(`init ${disk} --fs ocfs2 --mount /shared`);
    await f.approve(init, USERS.bob);
    await f.approve(init, USERS.carol);
    const partial = json(await f.result(init));
    expect(partial).toContain('partial');
    expect(await mountedOn(disk)).toEqual([nodes[0]!, nodes[1]!].sort());
    await mountFails(nodes[2]!, false);

    const finish = await retry(init);
    const request = await f.h.bot.service.get(finish);
    expect(request?.checks.map((c) => c.message).join('\n')).toContain(`Finishes ${init}`);
    expect(request?.plan.map((s) => s.params.Script)).toEqual(['ocfs2-mount', 'inspect']);
    await f.approve(finish, USERS.bob);
    await f.approve(finish, USERS.carol);
    const done = json(await f.result(finish));
    expect(done).toContain('succeeded');
    // The init flow names its disk and every node: the summary, and the result table's name column.
    expect(done).toContain(`init finish-test-${diskCount} (${disk})`);
    for (const node of SEED.instances.nvmeI.slice(3, 6))
      expect(done).toMatch(new RegExp(`${node.id} .* ${node.name}`));
    expect(await mountedOn(disk)).toEqual([...nodes].sort());
    expect(await formats(disk)).toBe(1);
  }, 120_000);
});
