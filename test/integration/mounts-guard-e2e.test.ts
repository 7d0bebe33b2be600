/**
 * Issue 6 over signed HTTP → real Redis → real SDK → emulator: the mount table of /disk status for
 * mounted, unmounted, stopped and crashed instances; the red alert; the single-node file-system guard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import {
  APPROVALS_CHANNEL,
  type FailoverHarness,
  failoverPolicy,
  json,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const [i1, i2] = SEED.instances.nvmeI.map((i) => i.id) as [string, string];
const stopped = SEED.instances.stoppedI[0]!.id;
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('reservation'));
});
afterAll(() => f.close());

async function attachDirectly(instanceId: string): Promise<void> {
  const gw = f.emu.gateway();
  await gw.attachDisk({ diskId: disk, instanceId });
  for (;;) {
    const [d] = await gw.describeDisks({ regionId: SEED.regionId, diskIds: [disk] });
    if (d?.attachments.some((a) => a.instanceId === instanceId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const tableOf = (reply: string): string => /```instance[^`]*```/.exec(reply.replace(/\\n/g, '\n'))?.[0] ?? '';

describe('the single-node file-system guard', () => {
  it('refuses to attach an ext4 disk mounted on one instance to a second, naming the cluster file systems', async () => {
    const cards = () =>
      f.h.fake
        .apiCalls('chat.postMessage')
        .filter((c) => c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts).length;
    const before = cards();
    const reply = json(await f.command(`attach ${disk} ${i1}`));
    expect(reply).not.toContain('single_node_fs');
    expect(reply).toContain('a single-node file system');
    expect(reply).toContain('ext4');
    expect(reply).toContain('OCFS2');
    expect(reply).toContain('GFS2');
    expect(reply).toContain('--allow-single-node-fs');
    expect(cards()).toBe(before);
  });

  it('with --allow-single-node-fs the card carries the danger warning and needs singleNodeFs.quorum approvals', async () => {
    const id = await f.open(`attach ${disk} ${i1} --allow-single-node-fs`);
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(2);
    const danger = request?.checks.find((c) => c.level === 'danger');
    expect(danger?.code).toBe('single_node_fs_override');
    expect(danger?.message).toContain(`holds ext4 (seen on ${primary}, mounted at /data)`);
    const card = f.h.fake
      .apiCalls('chat.postMessage')
      .find((c) => c.body.channel === APPROVALS_CHANNEL && json(c).includes(id) && !c.body.thread_ts);
    expect(json(card!)).toContain(':rotating_light: *Danger');
    await f.approve(id, USERS.bob);
    expect((await f.h.bot.service.get(id))?.state).toBe('pending');
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    expect(result).toContain('succeeded');
    expect(result).toContain('Mount status');
  });
});

describe('/disk status: the mount table', () => {
  it('shows mounted, unmounted, stopped and crashed instances, each with its access and why', async () => {
    await attachDirectly(stopped);
    await attachDirectly(i2);
    await f.emu.admin(`instances/${i2}/crash`, {});
    const reply = json(await f.command(`status ${disk}`));
    await f.emu.admin(`instances/${i2}/recover`, {});
    const table = tableOf(reply);
    expect(table).toContain('file system');
    expect(table).toMatch(new RegExp(`${primary}\\s+Running\\s+/dev/nvme\\S+\\s+ext4\\s+/data\\s+rw`));
    expect(table).toMatch(new RegExp(`${i1}\\s+Running\\s+/dev/nvme\\S+\\s+ext4\\s+-\\s+-`));
    expect(table).toMatch(new RegExp(`${stopped}\\s+Stopped\\s+-\\s+-\\s+-\\s+unknown`));
    expect(table).toMatch(new RegExp(`${i2}\\s+Running\\s+-\\s+-\\s+-\\s+unknown`));
    expect(reply).toContain('InstanceNotRunning');
    expect(reply).toContain('DeliveryTimeout');
    expect(reply).not.toContain('DANGER');
  });

  it('raises a red alert in the channel and the audit stream when ext4 is mounted on two instances', async () => {
    await f.emu.admin(`instances/${i1}/disks/${disk}/filesystem`, { mountpoints: ['/data'] });
    const reply = json(await f.command(`status ${disk}`));
    expect(reply).toContain(':rotating_light: *DANGER: ext4 is mounted on 2 instances');
    const alert = await f.h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.body.channel === 'C0DISK' && json(c).includes('DANGER: ext4'),
    );
    expect(json(alert)).toContain(primary);
    await f.h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.channel === 'C0AUDIT' && json(c).includes('DANGER'),
    );
    const rows = await f.h.redis.xrevrange(f.h.audit.keys.audit, '+', '-', 'COUNT', 50);
    const entry = rows.find(([, fields]) => fields.includes('mount_alert'));
    expect(entry?.[1].join(' ')).toContain(disk);
    await f.emu.admin(`instances/${i1}/disks/${disk}/filesystem`, { mountpoints: [] });
  });

  it('says so plainly for a disk attached nowhere', async () => {
    const reply = json(await f.command(`status ${SEED.disks.plain.diskId}`));
    expect(reply).toContain('Not attached to any instance');
  });
});
