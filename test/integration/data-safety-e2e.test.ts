/**
 * Issue 10 over signed HTTP → real Redis → real SDK → emulator: the data-safety rules are checked
 * at filing and again right before each mutation. (a) ext4 appearing between filing and approval
 * stops the attach; (b) a hung guest holding the disk fails closed; (c) a disk of unknown content
 * goes to one instance, is inspected, and reaches the rest only when blank or a cluster FS;
 * (d) detach of a read-write mount is refused without --force and needs 2 approvals with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import type { CallEntry } from '../support/execution-emulator.js';
import { createAvailableDisk } from '../support/execution-emulator.js';
import {
  APPROVALS_CHANNEL,
  type FailoverHarness,
  failoverPolicy,
  json,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';

const shared = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const nvme = SEED.instances.nvmeI.map((i) => i.id);
/** What the card and the result show for a seeded instance: `name (id)`. */
const named = (id: string): string =>
  `${
    Object.values(SEED.instances)
      .flat()
      .find((i) => i.id === id)?.name
  } (${id})`;
const [i1, i2, i3, i4, i5, i6, i7, i8, i9] = nvme as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
let f: FailoverHarness;

// Detach quorum 1, so the 2 approvals a forced detach needs come from detachMounted.quorum.
const POLICY = `${failoverPolicy('detach').replace(
  'detach: { approvers: { usergroups: [S0STORAGE] }, quorum: 2',
  'detach: { approvers: { usergroups: [S0STORAGE] }, quorum: 1',
)}detachMounted: { quorum: 2 }\n`;

beforeAll(async () => {
  f = await startFailoverHarness(POLICY);
});
afterAll(() => f.close());

async function attachDirectly(diskId: string, instanceId: string): Promise<void> {
  const gw = f.emu.gateway();
  await gw.attachDisk({ diskId, instanceId });
  for (;;) {
    const [d] = await gw.describeDisks({ regionId: SEED.regionId, diskIds: [diskId] });
    if (d?.attachments.some((a) => a.instanceId === instanceId)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const mutations = (calls: CallEntry[], action: string, diskId: string): string[] =>
  calls
    .filter((c) => c.action === action && c.params.DiskId === diskId)
    .map((c) => c.params.InstanceId ?? '');

/** `A` for AttachDisk of the disk, `I` for an inspect invocation, in the order the emulator saw them. */
function sequence(calls: CallEntry[], diskId: string): string {
  return calls
    .flatMap((c) => {
      if (c.action === 'AttachDisk' && c.params.DiskId === diskId) return ['A'];
      if (c.action !== 'RunCommand' && c.action !== 'InvokeCommand') return [];
      const script = Buffer.from(c.params.CommandContent ?? '', 'base64').toString();
      return script.includes('shared-disk-bot:inspect') ? ['I'] : [];
    })
    .join('');
}

async function guardEvents(): Promise<Record<string, unknown>[]> {
  const rows = await f.h.redis.xrange(f.h.audit.keys.audit, '-', '+');
  return rows.flatMap(([, flat]) => {
    const i = flat.indexOf('event');
    if (flat[i + 1] !== 'guard') return [];
    const details = flat[flat.indexOf('details') + 1] ?? '{}';
    return [JSON.parse(details) as Record<string, unknown>];
  });
}

const cardOf = (id: string) =>
  f.h.fake
    .apiCalls('chat.postMessage')
    .find((c) => c.body.channel === APPROVALS_CHANNEL && json(c).includes(id) && !c.body.thread_ts);

describe('(a) checked at filing and again right before AttachDisk', () => {
  it('ext4 made and mounted between filing and approval: no AttachDisk, failed guard_changed saying what changed', async () => {
    const disk = await createAvailableDisk(f.emu.gateway(), 'safety-a');
    await attachDirectly(disk, i1);
    const id = await f.open(`attach ${disk} ${i2}`);
    expect(json(cardOf(id)!)).toContain('has no file system yet');
    await f.emu.admin(`instances/${i1}/disks/${disk}/filesystem`, { fstype: 'ext4', mountpoints: ['/data'] });
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain('failed');
    expect(result).toContain(`holds ext4 (seen on ${i1}, mounted at /data)`);
    expect(result).toContain('When the card was filed');
    expect(mutations(await f.emu.calls(), 'AttachDisk', disk)).toEqual([]);
    const request = await f.h.bot.service.get(id);
    expect(request?.state).toBe('failed');
    expect(request?.outcome?.code).toBe('guard_changed');
    const events = await guardEvents();
    expect(events.find((e) => e.decision === 'changed' && e.diskId === disk)).toMatchObject({
      moment: 'run',
      code: 'single_node_fs',
      facts: `fs=ext4;${i1}:/data(rw)`,
      before: { code: 'filesystem_none' },
    });
  });
});

describe('(b) unknown is unsafe', () => {
  it('a hung guest holding the disk: attach refused without the override, saying why it could not read', async () => {
    await f.emu.admin(`instances/${primary}/crash`, {});
    try {
      const reply = json(await f.command(`attach ${shared} ${i3}`));
      // Plain words, no rule code (issue 21).
      expect(reply).not.toContain('filesystem_unknown');
      expect(reply).toContain('unknown counts as unsafe');
      expect(reply).toContain(`${primary}: DeliveryTimeout`);
      expect(reply).toContain('--allow-single-node-fs');
      expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);
      const events = await guardEvents();
      expect(events.find((e) => e.decision === 'fail_closed' && e.diskId === shared)).toMatchObject({
        moment: 'filing',
        requesterId: USERS.alice,
        facts: 'fs=unknown',
      });
      const id = await f.open(`attach ${shared} ${i3} --allow-single-node-fs`);
      const request = await f.h.bot.service.get(id);
      expect(request?.quorum).toBe(2);
      expect(request?.checks.find((c) => c.rule === 'filesystem')).toMatchObject({
        code: 'filesystem_unknown_override',
        level: 'danger',
      });
      await f.command(`cancel ${id}`);
    } finally {
      await f.emu.admin(`instances/${primary}/recover`, {});
    }
  });
});

describe('(c) two-phase attach of a disk of unknown content', () => {
  it('blank: exactly one AttachDisk, an inspection, then the other two', async () => {
    const disk = await createAvailableDisk(f.emu.gateway(), 'safety-c-blank');
    const id = await f.open(`attach ${disk} ${i4} ${i5} ${i6}`);
    expect(json(cardOf(id)!)).toContain(`attached to ${named(i4)} first and inspected there`);
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    expect(json(await f.result(id))).toContain('succeeded');
    const calls = await f.emu.calls();
    expect(sequence(calls, disk)).toMatch(/^AI+AA/);
    expect(mutations(calls, 'AttachDisk', disk)).toEqual([i4, expect.any(String), expect.any(String)]);
    expect(new Set(mutations(calls, 'AttachDisk', disk))).toEqual(new Set([i4, i5, i6]));
  });

  it('XFS on a disk attached nowhere: one AttachDisk, an inspection, then stop; the first attachment stays', async () => {
    const disk = await createAvailableDisk(f.emu.gateway(), 'safety-c-xfs');
    await f.emu.admin(`disks/${disk}/filesystem`, { fstype: 'xfs' });
    const id = await f.open(`attach ${disk} ${i7} ${i8} ${i9}`);
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain('partial');
    expect(result).toContain(`holds xfs (seen on ${named(i7)}), a single-node file system`);
    expect(result).toContain(`The attachment to ${named(i7)} stays`);
    const calls = await f.emu.calls();
    expect(sequence(calls, disk)).toMatch(/^AI+$/);
    expect(mutations(calls, 'AttachDisk', disk)).toEqual([i7]);
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('single_node_fs');
    const events = await guardEvents();
    // The one pipeline audits it: the re-check before AttachDisk of the rest saw a change.
    expect(events.find((e) => e.decision === 'changed' && e.diskId === disk)).toMatchObject({
      moment: 'run',
      call: `AttachDisk ${i8}, ${i9}`,
      code: 'single_node_fs',
    });
  });

  it('a disk the bot created is known blank: all three AttachDisk at once, no inspection first', async () => {
    const created = await f.open('create safety-known-blank --size 20 --zone cn-hangzhou-i');
    await f.approve(created, USERS.bob);
    const done = json(await f.result(created));
    const disk = /Created (d-[0-9a-z]+)/.exec(done)?.[1];
    expect(disk).toBeDefined();
    const targets = nvme.slice(9, 12);
    const id = await f.open(`attach ${disk} ${targets.join(' ')}`);
    expect(json(cardOf(id)!)).toContain('created blank by the bot and never attached');
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    expect(json(await f.result(id))).toContain('succeeded');
    expect(sequence(await f.emu.calls(), disk!)).toMatch(/^I*AAA/);
  });
});

describe('(d) mount-aware detach', () => {
  it('rw mount: refused naming the mountpoint; with --force the card warns and needs 2 approvals', async () => {
    const reply = json(await f.command(`detach ${shared} ${primary}`));
    expect(reply).not.toContain('detach_mounted');
    expect(reply).toContain(`Unmount first: ${named(primary)} has it mounted at /data (read-write)`);
    expect(reply).not.toMatch(/R-[0-9A-Z]{10}/);

    const id = await f.open(`detach ${shared} ${primary} --force`);
    const request = await f.h.bot.service.get(id);
    expect(request?.quorum).toBe(2);
    expect(request?.checks.find((c) => c.rule === 'mounts')).toMatchObject({
      code: 'detach_mounted_force',
      level: 'danger',
      facts: `${primary}:/data(rw)`,
    });
    expect(json(cardOf(id)!)).toContain(':rotating_light: *Danger');
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    expect((await f.h.bot.service.get(id))?.state).toBe('pending');
    await f.approve(id, USERS.carol);
    expect(json(await f.result(id))).toContain('succeeded');
    expect(mutations(await f.emu.calls(), 'DetachDisk', shared)).toEqual([primary]);
    const events = await guardEvents();
    expect(
      events.find((e) => e.decision === 'overridden' && e.moment === 'run' && e.diskId === shared),
    ).toMatchObject({ requesterId: USERS.alice, approvers: [USERS.bob, USERS.carol] });
  });

  it('read-only mount: a warning; mounted rw between filing and approval: no DetachDisk, guard_changed', async () => {
    const disk = await createAvailableDisk(f.emu.gateway(), 'safety-d-ro');
    const [ro, rw] = nvme.slice(12, 14) as [string, string];
    await attachDirectly(disk, ro);
    await attachDirectly(disk, rw);
    await f.emu.admin(`instances/${ro}/disks/${disk}/filesystem`, {
      fstype: 'ocfs2',
      mountpoints: ['/ro'],
      readOnly: true,
    });
    const warned = await f.open(`detach ${disk} ${ro}`);
    expect((await f.h.bot.service.get(warned))?.checks.find((c) => c.rule === 'mounts')).toMatchObject({
      code: 'detach_mounted_ro',
      level: 'warning',
    });
    await f.command(`cancel ${warned}`);

    const id = await f.open(`detach ${disk} ${rw}`);
    expect(json(cardOf(id)!)).toContain(`is not mounted on ${named(rw)}`);
    await f.emu.admin(`instances/${rw}/disks/${disk}/filesystem`, { mountpoints: ['/u01'] });
    await f.emu.clearCalls();
    await f.approve(id, USERS.bob);
    const result = json(await f.result(id));
    expect(result).toContain(`Unmount first: ${named(rw)} has it mounted at /u01 (read-write)`);
    expect(mutations(await f.emu.calls(), 'DetachDisk', disk)).toEqual([]);
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('guard_changed');
  });
});
