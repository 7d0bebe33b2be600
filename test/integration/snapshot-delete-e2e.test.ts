/**
 * Issue 19 over signed HTTP → real Redis → real SDK → emulator (under the shipped RAM policy):
 * `/disk snapshot` returns an `s-` id that DescribeSnapshots lists as accomplished; `/disk delete`
 * is refused while attached and for a disk the bot does not manage; after detach it needs two
 * approvals, takes the final snapshot, deletes, and the disk is gone and no longer watched; a disk
 * that stops being managed between filing and execution is never deleted (no DeleteDisk call).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskInfo } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { TEST_POLICY } from '../support/approval-bot.js';
import { type FailoverHarness, json, startFailoverHarness, USERS } from '../support/failover-harness.js';

const POLICY = TEST_POLICY.replace(
  'singleNodeFs: { quorum: 2 }',
  [
    '  snapshot: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }',
    '  delete: { approvers: { usergroups: [S0STORAGE] }, expiresIn: 24h }',
    'singleNodeFs: { quorum: 2 }',
  ].join('\n'),
);
const REGION = SEED.regionId;
const nodes = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY);
});
afterAll(() => f.close());

const describeDisk = async (diskId: string): Promise<DiskInfo | undefined> =>
  (await f.emu.gateway().describeDisks({ regionId: REGION, diskIds: [diskId] }))[0];

async function until(diskId: string, ok: (d: DiskInfo | undefined) => boolean): Promise<void> {
  for (;;) {
    if (ok(await describeDisk(diskId))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let count = 0;
/** A managed multi-attach disk (the gateway tags what it creates), attached to `on` and then detached from `off`. */
async function managedDisk(
  on: readonly string[],
  off: readonly string[] = [],
): Promise<{ id: string; name: string }> {
  const gw = f.emu.gateway();
  const name = `lifecycle-e2e-${++count}`;
  const { value } = await gw.createDisk({
    regionId: REGION,
    zoneId: SEED.zones.multiAttachI,
    diskName: name,
    category: 'cloud_essd',
    performanceLevel: 'PL0',
    sizeGiB: 40,
    clientToken: `${name}-${Date.now()}`,
  });
  await until(value.diskId, (d) => d?.status === 'Available');
  for (const instanceId of on) {
    await gw.attachDisk({ diskId: value.diskId, instanceId });
    await until(value.diskId, (d) => d?.attachments.some((a) => a.instanceId === instanceId) === true);
  }
  for (const instanceId of off) {
    await gw.detachDisk({ diskId: value.diskId, instanceId });
    await until(value.diskId, (d) => d?.attachments.every((a) => a.instanceId !== instanceId) === true);
  }
  await until(value.diskId, (d) => d?.status === 'Available' || d?.status === 'In_use');
  return { id: value.diskId, name };
}

const snapshotsOf = (diskId: string) => f.emu.gateway().describeSnapshots({ regionId: REGION, diskId });
const callsOn = async (action: string, diskId: string) =>
  (await f.emu.calls(action)).filter((c) => c.params.DiskId === diskId);

describe('/disk snapshot', () => {
  it('takes a snapshot named and tagged after the request; the result names the s- id, accomplished', async () => {
    const disk = await managedDisk([nodes[0] as string]);
    const id = await f.open(`snapshot ${disk.name} --retention-days 30 --reason "before the upgrade"`);
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(1);
    expect(request?.params).toMatchObject({ diskId: disk.id, retentionDays: 30 });
    expect(request?.checks.map((c) => c.code)).toEqual(
      expect.arrayContaining(['disk_managed', 'no_snapshot_in_progress', 'snapshot_quota']),
    );
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    const snapshotId = /\bs-[a-z0-9]+/.exec(result)?.[0];
    expect(snapshotId).toBeDefined();
    await f.threadReply(id, /CreateSnapshot/);
    const [listed] = await f.emu
      .gateway()
      .describeSnapshots({ regionId: REGION, snapshotIds: [snapshotId as string] });
    expect(listed).toMatchObject({ sourceDiskId: disk.id, status: 'accomplished', retentionDays: 30 });
    expect(listed?.snapshotName).toBe(`shared-disk-bot ${id} snapshot by ${USERS.alice}: before the upgrade`);
    expect(listed?.tags).toMatchObject({
      'shared-disk-bot:request': id,
      'shared-disk-bot:requester': USERS.alice,
      'shared-disk-bot:managed': 'true',
    });
    expect(await callsOn('CreateSnapshot', disk.id)).toHaveLength(1);
    // /disk status lists the disk's latest snapshots.
    const status = json(await f.command(`status ${disk.id}`));
    expect(status).toContain(snapshotId);
    expect(status).toContain('accomplished');
  });

  it('says on the card that a disk mounted read-write gives a crash-consistent copy only', async () => {
    const shared = SEED.disks.sharedExt4;
    const id = await f.open(`snapshot ${shared.name}`);
    const crash = (await f.h.bot.service.get(id))?.checks.find((c) => c.code === 'crash_consistent');
    expect(crash?.level).toBe('warning');
    expect(crash?.message).toContain(`Mounted read-write on ${shared.attachedTo}`);
    expect(crash?.message).toContain('crash-consistent only');
    await f.h.bot.service.cancel(id, USERS.alice);
  });
});

describe('/disk snapshot, changed since filing', () => {
  it('takes no snapshot of a disk that stops being managed before CreateSnapshot', async () => {
    const disk = await managedDisk([nodes[8] as string]);
    const id = await f.open(`snapshot ${disk.id}`);
    await f.emu.admin('tags', { resource: 'disk', id: disk.id, tags: [] });
    await f.approve(id, USERS.bob);
    expect(json(await f.result(id))).toContain('not managed by the bot');
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('guard_changed');
    expect(await callsOn('CreateSnapshot', disk.id)).toHaveLength(0);
    expect(await snapshotsOf(disk.id)).toEqual([]);
  });
});

describe('/disk delete', () => {
  it('is refused at filing while attached, naming the instances and the /disk detach to run', async () => {
    const disk = await managedDisk([nodes[1] as string, nodes[2] as string]);
    const reply = json(await f.command(`delete ${disk.name}`));
    expect(reply).toContain(`still attached to ${nodes[1]}, ${nodes[2]}`);
    expect(reply).toContain(`/disk detach ${disk.id} ${nodes[1]} ${nodes[2]}`);
    expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);
  });

  it('after detach: two approvals, the final snapshot, DeleteDisk, gone, no longer watched', async () => {
    const disk = await managedDisk([nodes[3] as string], [nodes[3] as string]);
    await f.command(`watch ${disk.id}`);
    expect(json(await f.command('watch --list'))).toContain(disk.id);
    const id = await f.open(`delete ${disk.name} --reason "project ended"`);
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(2);
    expect(request?.checks.find((c) => c.code === 'final_snapshot')?.level).toBe('ok');
    await f.approve(id, USERS.bob);
    expect((await f.h.bot.service.get(id))?.state).toBe('pending');
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    const finalId = /final snapshot (s-[a-z0-9]+)/.exec(result)?.[1];
    expect(finalId).toBeDefined();
    await f.threadReply(id, /Verified: DescribeDisks no longer lists/);
    expect(await describeDisk(disk.id)).toBeUndefined();
    const [kept] = await snapshotsOf(disk.id);
    expect(kept).toMatchObject({ snapshotId: finalId, status: 'accomplished' });
    // The copy first, then the delete, each once.
    const snap = await callsOn('CreateSnapshot', disk.id);
    const del = await callsOn('DeleteDisk', disk.id);
    expect(snap).toHaveLength(1);
    expect(del).toHaveLength(1);
    expect((snap[0]?.seq ?? 0) < (del[0]?.seq ?? 0)).toBe(true);
    expect(json(await f.command('watch --list'))).not.toContain(disk.id);
  });

  it('--skip-final-snapshot shows as a danger on the card and takes no snapshot', async () => {
    const disk = await managedDisk([nodes[4] as string], [nodes[4] as string]);
    const id = await f.open(`delete ${disk.id} --skip-final-snapshot`);
    const danger = (await f.h.bot.service.get(id))?.checks.find((c) => c.code === 'no_final_snapshot');
    expect(danger?.level).toBe('danger');
    await f.approve(id, USERS.bob);
    await f.approve(id, USERS.carol);
    expect(json(await f.result(id))).toContain('nothing to restore from');
    expect(await describeDisk(disk.id)).toBeUndefined();
    expect(await callsOn('CreateSnapshot', disk.id)).toHaveLength(0);
  });

  it('refuses a disk the bot does not manage at filing', async () => {
    const disk = await managedDisk([nodes[5] as string], [nodes[5] as string]);
    await f.emu.admin('tags', { resource: 'disk', id: disk.id, tags: [] });
    const reply = json(await f.command(`delete ${disk.id}`));
    expect(reply).toContain('is not managed by the bot');
    expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);
    expect(await describeDisk(disk.id)).toBeDefined();
  });

  it('never deletes a disk that stops being managed between filing and execution (no DeleteDisk call)', async () => {
    const disk = await managedDisk([nodes[6] as string], [nodes[6] as string]);
    const id = await f.open(`delete ${disk.id}`);
    await f.emu.admin('tags', { resource: 'disk', id: disk.id, tags: [] });
    await f.approve(id, USERS.bob);
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    expect(result).toContain('failed');
    expect(result).toContain('not managed by the bot');
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('guard_changed');
    expect(await describeDisk(disk.id)).toBeDefined();
    expect(await callsOn('DeleteDisk', disk.id)).toHaveLength(0);
    expect(await callsOn('CreateSnapshot', disk.id)).toHaveLength(0);
  });

  it('stops right before DeleteDisk when the tag goes while the final snapshot is made', async () => {
    const disk = await managedDisk([nodes[7] as string], [nodes[7] as string]);
    const id = await f.open(`delete ${disk.id}`);
    await f.emu.setLatency({ snapshot: { baseMs: 1_500, jitterMs: 0 } });
    try {
      await f.approve(id, USERS.bob);
      await f.approve(id, USERS.carol);
      // The snapshot is progressing (1.5 s): the tag goes before the delete moment's re-check.
      while ((await callsOn('CreateSnapshot', disk.id)).length === 0)
        await new Promise((r) => setTimeout(r, 50));
      await f.emu.admin('tags', { resource: 'disk', id: disk.id, tags: [] });
      const result = json(await f.result(id));
      expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('guard_changed');
      expect(result).toMatch(
        /Stopped before DeleteDisk: d-[a-z0-9]+ is kept; the final snapshot s-[a-z0-9]+ is kept/,
      );
    } finally {
      await f.emu.setLatency({});
    }
    expect(await describeDisk(disk.id)).toBeDefined();
    expect(await callsOn('CreateSnapshot', disk.id)).toHaveLength(1);
    expect(await callsOn('DeleteDisk', disk.id)).toHaveLength(0);
  });
});
