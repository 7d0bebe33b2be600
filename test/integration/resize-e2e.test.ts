/**
 * Issue 19 over signed HTTP → real Redis → real SDK → emulator: `/disk resize` of an OCFS2 disk on
 * three nodes takes a snapshot, resizes online, sees the new size on every node and grows the file
 * system once; with one node kept stale it stops before any grow and names the node, and Retry
 * after the node is fixed finishes without a second ResizeDisk; bad sizes and unknown disks are
 * refused at filing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_RETRY } from '../../src/slack/blocks/request-card.js';
import { APPROVALS_CHANNEL, TEST_POLICY } from '../support/approval-bot.js';
import { attachedBlankDisk } from '../support/blank-disk.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';

const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  '  resize: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }\nsingleNodeFs: { quorum: 2 }',
);
const ids = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY);
});
afterAll(() => f.close());

let diskCount = 0;
/** A managed disk of 40 GiB attached to `instances`, holding OCFS2 mounted at /shared on each. */
async function ocfs2Disk(instances: readonly string[]): Promise<string> {
  const diskId = await attachedBlankDisk(f.emu.gateway(), `resize-test-${++diskCount}`, instances);
  await f.emu.admin(`disks/${diskId}/filesystem`, { fstype: 'ocfs2' });
  for (const instanceId of instances)
    await f.emu.admin(`instances/${instanceId}/disks/${diskId}/filesystem`, {
      mountpoints: ['/shared'],
    });
  return diskId;
}

interface DiskState {
  diskId: string;
  size: number;
  fsSize: number | null;
  attachments: { instanceId: string; guestSize: number }[];
}
const diskState = async (diskId: string) =>
  ((await f.emu.admin('state')) as { disks: DiskState[] }).disks.find((d) => d.diskId === diskId);
const resizeCalls = async (diskId: string) =>
  (await f.emu.calls('ResizeDisk')).filter((c) => c.params.DiskId === diskId && c.code === 'OK');
const growCalls = async () =>
  (await f.emu.calls('InvokeCommand')).filter((c) =>
    Buffer.from(c.params.CommandContent ?? '', 'base64')
      .toString()
      .includes('shared-disk-bot:fs-grow'),
  );

/** The reply to `/disk <text>`: inline in the ack when no cloud call was needed, else at response_url. */
let replies = 0;
async function reply(text: string): Promise<string> {
  const path = `resize-reply-${++replies}`;
  const sent = await f.h.client.command({
    text,
    userId: USERS.alice,
    responseUrl: f.h.fake.responseUrl(path),
  });
  expect(sent.status).toBe(200);
  if (!sent.text.includes('Working on')) return sent.text;
  return json(await f.h.fake.waitFor((c) => c.method === `/response/${path}`, 20_000));
}

describe('/disk resize', () => {
  it('an OCFS2 disk on three nodes: snapshot, online resize, every node at the new size, grown once', async () => {
    const nodes = ids.slice(0, 3);
    const disk = await ocfs2Disk(nodes);
    const growsBefore = (await growCalls()).length;
    // By name, as every command that takes a disk accepts.
    const id = await f.open(`resize resize-test-${diskCount} --size 80 --reason "uploads grew"`);
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(1);
    expect(request?.params).toMatchObject({ diskId: disk, sizeGiB: 80, instanceIds: nodes });
    const checks = request?.checks ?? [];
    expect(checks.find((c) => c.code === 'size_growth')?.message).toContain('40 GiB → 80 GiB');
    expect(checks.find((c) => c.code === 'snapshot_first')?.level).toBe('ok');
    expect(checks.find((c) => c.code === 'fs_plan')?.message).toMatch(
      /rescan, then grow the ocfs2 file system/,
    );
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    expect(result).toContain('every node sees it (3/3)');
    await f.threadReply(id, /Snapshot s-\w+/);
    await f.threadReply(id, /ResizeDisk \(online\)/);
    await f.threadReply(id, /Rescanned every node \(3\/3 see 80 GiB\)/);
    await f.threadReply(id, /Grew the ocfs2 file system once, on/);
    const state = await diskState(disk);
    expect(state?.size).toBe(80);
    expect(state?.fsSize).toBe(80);
    expect(state?.attachments.map((a) => a.guestSize)).toEqual([80, 80, 80]);
    expect(await resizeCalls(disk)).toHaveLength(1);
    expect((await growCalls()).length - growsBefore).toBe(1);
    const snapshots = await f.emu.gateway().describeSnapshots({ regionId: SEED.regionId, diskId: disk });
    expect(snapshots.map((s) => [s.status, s.snapshotName])).toEqual([
      ['accomplished', `shared-disk-bot ${id} resize by ${USERS.alice}: uploads grew`],
    ]);
  }, 90_000);

  it('one node kept stale: stops before any grow and names it; Retry after the fix finishes without a second ResizeDisk', async () => {
    const nodes = ids.slice(3, 6);
    const stale = nodes[1] as string;
    const disk = await ocfs2Disk(nodes);
    await f.emu.admin(`instances/${stale}/stale-size`, { stale: true });
    const growsBefore = (await growCalls()).length;
    const id = await f.open(`resize ${disk} --size 60 --no-snapshot`);
    expect((await f.h.bot.service.get(id))?.checks.find((c) => c.code === 'no_snapshot')?.level).toBe(
      'danger',
    );
    await f.approve(id, USERS.bob);
    const resultCall = await f.result(id);
    const result = json(resultCall);
    expect(result).toContain('partial');
    expect(result).toMatch(
      new RegExp(`nvme-i-\\d+ \\(${stale}\\) does not see 60 GiB yet, so no file system was grown`),
    );
    expect(result).toContain('Reboot it, or detach and re-attach through the bot');
    const table = json(await f.threadReply(id, /Rescanned every node \(2\/3 see 60 GiB\)/));
    expect(table).toContain(`(${stale}) still sees 40 GiB ✗`);
    expect(table).toContain(`(${nodes[0]}) sees 60 GiB ✓`);
    expect(result).toContain(ACTION_RETRY);
    expect((await diskState(disk))?.fsSize).toBe(40);
    expect((await growCalls()).length).toBe(growsBefore);

    // `/disk status` shows the size each guest sees next to the disk's: the stale node stands out.
    const status = await reply(`status ${disk}`);
    expect(status).toContain('Size each guest sees* (the disk: 60 GiB; 1 behind');
    expect(status).toContain(`${stale} still sees 40 GiB ✗`);
    await f.emu.admin(`instances/${stale}/stale-size`, { stale: false });
    const request = await f.h.bot.service.get(id);
    await f.h.client.click({
      userId: USERS.alice,
      actionId: ACTION_RETRY,
      value: id,
      channelId: APPROVALS_CHANNEL,
      messageTs: String(resultCall.body.ts ?? request?.card?.ts),
      responseUrl: f.h.fake.responseUrl('resize-retry'),
    });
    const opened = json(
      await f.h.fake.waitFor(
        (c) => c.method === '/response/resize-retry' && json(c).includes('opened'),
        20_000,
      ),
    );
    const retried = /R-[0-9A-Z]{10}/.exec(opened.replace(id, ''))?.[0] ?? '';
    const again = await f.h.bot.service.get(retried);
    expect(again?.params).toMatchObject({ afterResize: true, sizeGiB: 60 });
    expect(again?.plan.map((s) => s.action)).not.toContain('ResizeDisk');
    await f.approve(retried, USERS.bob);
    const done = json(await f.result(retried));
    expect(done).toContain('succeeded');
    expect(await resizeCalls(disk)).toHaveLength(1);
    expect((await growCalls()).length - growsBefore).toBe(1);
    expect((await diskState(disk))?.fsSize).toBe(60);
  }, 120_000);

  it('refuses at filing: a smaller size, a size above the range, an unknown disk', async () => {
    const disk = await ocfs2Disk([ids[6] as string]);
    const smaller = await reply(`resize ${disk} --size 20`);
    expect(smaller).toContain('20 GiB is not larger than the disk');
    const above = await reply(`resize ${disk} --size 65536 --no-snapshot`);
    expect(above).toContain('over the policy limit');
    const outOfRange = await reply(`resize ${disk} --size 70000`);
    expect(outOfRange).toContain('--size is a whole number of GiB between 1 and 65536');
    const unknownId = await reply('resize d-bp1nosuchdisk0000000 --size 80');
    expect(unknownId).toContain('does not exist');
    const unknownName = await reply('resize no-such-disk --size 80');
    expect(unknownName).toMatch(/no-such-disk/);
    expect(await resizeCalls(disk)).toHaveLength(0);
  }, 60_000);
});
