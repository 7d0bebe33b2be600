/**
 * Exactly one watcher across replicas (issue 13): two bots share Redis; the leader is killed (its
 * loop stops, its lease is left to expire); the other runs the next cycles within two intervals,
 * the open incident is not alerted twice, and its "resolved" comes once, from the new leader. A
 * stale leader's cycle writes nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { RedisWatchStore } from '../../src/store/watch-store.js';
import type { EmulatorHarness } from '../support/execution-emulator.js';
import {
  cycles,
  type Replica,
  startReplica,
  startWatchEmulator,
  text,
  waitForPost,
} from '../support/watch-harness.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const standby = SEED.instances.nvmeI[1]?.id ?? '';
const prefix = `sdb-watch-rep:${randomUUID()}:`;
/** Half the other watch tests' interval: the take-over is timed in intervals, so this file waits half as long. */
const INTERVAL_MS = 1_000;
let emu: EmulatorHarness;
let a: Replica;
let b: Replica;

beforeAll(async () => {
  emu = await startWatchEmulator();
  a = await startReplica(emu, prefix, 'replica-a', INTERVAL_MS);
  await cycles(a, 1); // a takes the lease first
  b = await startReplica(emu, prefix, 'replica-b', INTERVAL_MS);
});
afterAll(async () => {
  await a?.h.close();
  await b?.h.close();
  await emu?.close();
});

const all = (pattern: RegExp) => [...a.posts(), ...b.posts()].filter((c) => pattern.test(text(c))).length;

describe('one watcher across replicas', { timeout: 120_000 }, () => {
  it('the leader alerts; killed, the other takes over within two intervals and alerts nothing twice', async () => {
    expect(a.h.bot.watch?.isLeader).toBe(true);
    expect(b.h.bot.watch?.isLeader).toBe(false);
    const id = await a.open(`attach ${disk} ${primary} ${standby} --allow-single-node-fs`);
    await a.approve(id, 'U0BOB');
    await a.approve(id, 'U0CAROL');
    // The Slack outbox is shared through Redis: either replica may be the one that posts the result.
    const succeeded = (r: Replica) =>
      r.h.fake.waitFor((c) => JSON.stringify(c.body).includes(`${id} succeeded`), 30_000);
    await Promise.any([succeeded(a), succeeded(b)]);
    await emu.admin(`instances/${standby}/disks/${disk}/filesystem`, { mountpoints: ['/data'] });
    // The alert goes through the shared outbox too: either replica may send it.
    await Promise.any([a, b].map((r) => waitForPost(r, (t) => t.includes('RED ALERT'))));
    expect(all(/RED ALERT/)).toBe(1);

    await a.h.bot.watch?.abandon(); // killed: no release, the lease expires
    const killedAt = Date.now();
    // b's first completed cycle: only a leader runs one.
    const first = await cycles(b, 1);
    expect(b.h.bot.watch?.isLeader).toBe(true);
    // Two intervals (lease TTL 1.5 intervals + a follower asking every half interval) and b's
    // cycle, plus load margin.
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + first.ms + 2_000);
    const store = new RedisWatchStore(b.h.redis, { prefix });
    const before = (await store.states()).get(disk)?.at ?? 0;
    expect((await cycles(b, 1)).committed).toBe(true);
    expect((await store.states()).get(disk)?.at ?? 0).toBeGreaterThan(before);
    expect(all(/RED ALERT/)).toBe(1);

    await emu.admin(`instances/${standby}/disks/${disk}/filesystem`, { mountpoints: [] });
    // Recorded by b, the only watcher left; sent by whichever replica's outbox claims it.
    await Promise.any([a, b].map((r) => waitForPost(r, (t) => t.includes('Resolved'))));
    await cycles(b, 2);
    expect(all(/Resolved/)).toBe(1);
  });

  it('a stale leader’s cycle writes nothing', async () => {
    const stale = a.h.bot.watch;
    if (!stale) throw new Error('no watcher');
    await b.h.bot.watch?.abandon(); // and a cycle of b in flight has ended
    const store = new RedisWatchStore(a.h.redis, { prefix });
    await emu.admin(`instances/${standby}/disks/${disk}/filesystem`, { mountpoints: ['/data'] });
    const before = JSON.stringify([...(await store.states())]);
    const report = await stale.runCycle(1); // a token long superseded
    expect(report.committed).toBe(false);
    expect(report.opened).toBe(1); // it saw the double mount…
    expect(JSON.stringify([...(await store.states())])).toBe(before); // …and wrote nothing
    expect(await store.incidents()).toEqual([]);
    expect(all(/RED ALERT/)).toBe(1); // and posted nothing (a cycle posts before it returns)
  });
});
