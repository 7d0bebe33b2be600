/**
 * `/disk failover` in reservation mode over signed HTTP → real Redis → real SDK → emulator: keys
 * registered on attach, the old primary preempted from the standby and verified, the timeline
 * posted; a crashed old primary is still fenced; a standby not yet attached; two failovers at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationKeyFor, scriptMarker } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import {
  type FailoverHarness,
  failoverPolicy,
  json,
  reservationOf,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const [standby, spare, other] = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

/** The hook must be a script the emulator knows; this one is the inspect marker with `{{serial}}`. */
const HOOK = `${scriptMarker('inspect')}\necho mounting {{serial}}`;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('reservation', HOOK), {
    lockWaitMs: 300,
    assistantTimeoutSec: 1,
  });
});
afterAll(() => f.close());

async function failover(from: string, to: string): Promise<{ id: string; result: string }> {
  const id = await f.open(`failover ${disk} --from ${from} --to ${to}`);
  await f.approve(id, USERS.carol);
  return { id, result: json(await f.result(id)) };
}

describe('failover with NVMe reservation fencing', () => {
  it('attach registers every named instance’s key', async () => {
    const id = await f.open(`attach ${disk} ${primary} ${standby} --allow-single-node-fs`);
    await f.approve(id, USERS.bob);
    await f.approve(id, USERS.carol);
    expect(json(await f.result(id))).toContain('succeeded');
    const r = await reservationOf(f.emu, disk);
    expect(r?.registrants.map((x) => x.instanceId).sort()).toEqual([primary, standby].sort());
    expect(r?.registrants.find((x) => x.instanceId === standby)?.key).toBe(reservationKeyFor(standby!));
  });

  it('leaves the old primary fenced and the standby holding the reservation, and posts the timeline', async () => {
    const { id, result } = await failover(primary, standby!);
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('failed_over');
    const r = await reservationOf(f.emu, disk);
    expect(r?.holder).toBe(reservationKeyFor(standby!));
    expect(r?.registrants.map((x) => x.instanceId)).toEqual([standby]);
    expect(result).toContain('*Timeline*');
    expect(result).toMatch(/Fence \S+ \(NVMe reservation\)\s+ok\s+\d+\.\d s/);
    expect(result).toMatch(/Takeover hook on \S+\s+ok/);
    expect(result).toMatch(/total\s+\d+\.\d s/);
    // Progress is queued behind the result (issue 20): wait for it, then check it came once.
    const isFenceProgress = (c: RecordedCall) =>
      c.method === 'chat.postMessage' &&
      c.body.thread_ts !== undefined &&
      json(c).includes('verified by nvme-report');
    await f.h.fake.waitFor(isFenceProgress);
    expect(f.h.fake.calls.filter(isFenceProgress).length).toBe(1);
    // The mount table shows the old primary fenced (its own reservation report says so).
    expect(result).toMatch(new RegExp(`${primary}\\s+Running\\s+/dev/\\S+\\s+ext4\\s+/data\\s+fenced`));
  });

  it('still fences a crashed old primary: every fencing call runs on the standby', async () => {
    await f.emu.admin(`instances/${standby}/crash`, {});
    try {
      const { id, result } = await failover(standby!, primary);
      expect((await f.h.bot.service.get(id))?.state).toBe('succeeded');
      const r = await reservationOf(f.emu, disk);
      expect(r?.holder).toBe(reservationKeyFor(primary));
      expect(r?.registrants.map((x) => x.instanceId)).toEqual([primary]);
      // Its guest never answers, but the verified report proves its key gone: fenced, not unknown.
      expect(result).toMatch(new RegExp(`${standby}\\s+Running\\s+-\\s+-\\s+-\\s+fenced`));
      expect(result).toContain('shows its key gone');
      // The timeout is in the result when it came first, else in the row that follows it: a result
      // that promises the row must be followed by it (the guest times out ~1 s in; 15 s is margin).
      if (!result.includes('DeliveryTimeout')) {
        expect(result).toContain('its row follows in the thread');
        await f.threadReply(
          id,
          new RegExp(`Mount status of \\S+ \\(${standby}\\) \\(follow-up\\).*DeliveryTimeout`),
          15_000,
        );
      }
    } finally {
      await f.emu.admin(`instances/${standby}/recover`, {});
    }
  });

  it('attaches a standby that does not have the disk yet before fencing from it', async () => {
    const { id, result } = await failover(primary, spare!);
    expect((await f.h.bot.service.get(id))?.state).toBe('succeeded');
    expect(result).toMatch(/AttachDisk \S+\s+ok/);
    const state = await f.emu.state();
    expect(state.disks.find((d) => d.diskId === disk)?.attachments.map((a) => a.instanceId)).toContain(spare);
    expect((await reservationOf(f.emu, disk))?.holder).toBe(reservationKeyFor(spare!));
  });

  it('two failovers of one disk at once: one wins, the other is told who holds the lock', async () => {
    const a = await f.open(`failover ${disk} --from ${spare} --to ${primary}`);
    const b = await f.open(`failover ${disk} --from ${spare} --to ${other}`);
    await Promise.all([f.approve(a, USERS.carol), f.approve(b, USERS.carol)]);
    await Promise.all([f.result(a), f.result(b)]);
    const [ra, rb] = [await f.h.bot.service.get(a), await f.h.bot.service.get(b)];
    const loser = [ra, rb].find((r) => r?.outcome?.code === 'locked');
    const winner = [ra, rb].find((r) => r?.state === 'succeeded');
    expect(winner).toBeDefined();
    expect(loser?.state).toBe('failed');
    expect(loser?.outcome?.message).toContain(`is held by request ${winner?.id}`);
  });

  it('stops with fencing_failed, and says so, when the fence cannot be verified', async () => {
    const holder = (await reservationOf(f.emu, disk))?.holder;
    const [to] = (await f.emu.state()).disks
      .find((d) => d.diskId === disk)!
      .attachments.map((a) => a.instanceId)
      .filter((id) => reservationKeyFor(id) !== holder);
    const [from] = (await f.emu.state()).disks
      .find((d) => d.diskId === disk)!
      .attachments.map((a) => a.instanceId)
      .filter((id) => reservationKeyFor(id) === holder);
    // A hung standby never runs the reservation scripts: the fence cannot be verified.
    await f.emu.admin(`instances/${to}/crash`, {});
    try {
      const { id, result } = await failover(from!, to!);
      const done = await f.h.bot.service.get(id);
      expect([done?.state, done?.outcome?.code]).toEqual(['failed', 'fencing_failed']);
      expect(result).toContain('could not be verified');
      expect(result).toContain('fencing is never skipped');
      expect(result).not.toMatch(/Takeover hook/);
      expect((await reservationOf(f.emu, disk))?.holder).toBe(holder);
    } finally {
      await f.emu.admin(`instances/${to}/recover`, {});
    }
  });
});
