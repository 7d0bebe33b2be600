/**
 * The watch (issue 13) over signed HTTP → real Redis → real SDK → emulator, 1 s interval: a double
 * ext4 mount alerted once and resolved; a crashed primary alerted with the Fail over button, whose
 * click opens a failover request that, approved, fences the old primary; a console detach reported.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationKeyFor } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_WATCH_FAILOVER } from '../../src/slack/blocks/watch.js';
import type { EmulatorHarness } from '../support/execution-emulator.js';
import { json, reservationOf } from '../support/failover-harness.js';
import {
  cycles,
  type Replica,
  startReplica,
  startWatchEmulator,
  text,
  WATCH_CHANNEL,
  waitForPost,
} from '../support/watch-harness.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const standby = SEED.instances.nvmeI[0]?.id ?? '';
const standbyName = SEED.instances.nvmeI[0]?.name ?? '';
let emu: EmulatorHarness;
let r: Replica;

beforeAll(async () => {
  emu = await startWatchEmulator();
  r = await startReplica(emu, `sdb-watch:${randomUUID()}:`, 'replica-a', 1_000);
});
afterAll(async () => {
  await r?.h.close();
  await emu?.close();
});

const count = (pattern: RegExp) => r.posts().filter((c) => pattern.test(text(c))).length;

describe('the watch', { timeout: 120_000 }, () => {
  it('/disk watch adopts the disk and posts its first status in the channel', async () => {
    const reply = await r.command(`watch ${disk}`);
    expect(json(reply)).toContain(`Watching`);
    await waitForPost(r, (t) => t.includes(`Now watching`) && t.includes(disk), 20_000);
    const list = await r.command('watch --list');
    expect(json(list)).toContain(disk);
    await r.h.client.event({ type: 'app_home_opened', user: 'U0DAVE', tab: 'home' });
    const home = await r.h.fake.waitFor(
      (c) => c.method === 'views.publish' && json(c).includes('Watched disks') && json(c).includes(disk),
      10_000,
    );
    expect(json(home)).toContain(`<#${WATCH_CHANNEL}>`);
  });

  it('the bot’s own attach is not reported as a change outside the bot', async () => {
    const id = await r.open(`attach ${disk} ${primary} ${standby} --allow-single-node-fs`);
    await r.approve(id, 'U0BOB');
    await r.approve(id, 'U0CAROL');
    await r.h.fake.waitFor((c) => json(c).includes(`${id} succeeded`), 30_000);
    await cycles(r, 2);
    expect(count(/changed outside the bot/)).toBe(0);
  });

  it('a double ext4 mount is alerted once, and "resolved" follows the unmount', async () => {
    await emu.admin(`instances/${standby}/disks/${disk}/filesystem`, { mountpoints: ['/mnt/data'] });
    const alert = await waitForPost(r, (t) => t.includes('RED ALERT'));
    expect(text(alert)).toContain(primary);
    expect(text(alert)).toContain(standby);
    expect(text(alert)).toContain('/mnt/data');
    const later = await cycles(r, 2);
    expect(later.opened).toBe(0);
    expect(count(/RED ALERT/)).toBe(1);
    await emu.admin(`instances/${standby}/disks/${disk}/filesystem`, { mountpoints: [] });
    await waitForPost(r, (t) => t.includes('Resolved') && t.includes('ext4'));
    expect(count(/Resolved/)).toBe(1);
    const ended = r.h.fake.apiCalls('chat.update').filter((c) => c.body.channel === WATCH_CHANNEL);
    expect(ended.map((c) => text(c).includes('RED ALERT') && text(c).includes('Resolved'))).toEqual([true]);
    expect(text(ended[0] ?? alert)).toContain('No bot request ran on this disk meanwhile');
    const events = (await r.h.audit.range()).map((e) => e.event);
    expect(events).toContain('watch_incident_opened');
    expect(events).toContain('watch_incident_resolved');
  });

  it('a crashed primary: alert with the button; an on-call click files the failover, approved it fences', async () => {
    await emu.admin(`instances/${primary}/crash`, {});
    const alert = await waitForPost(r, (t) => t.includes('Primary down'));
    // Names next to ids on the alert and its button (issue 21).
    expect(text(alert)).toContain(`Fail over to ${standbyName} (${standby})`);
    expect(text(alert)).toContain(`${SEED.disks.sharedExt4.name} (\`${disk}\`)`);
    const raw = alert.body.blocks;
    const blocks = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      elements?: { action_id?: string; value?: string }[];
    }[];
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTION_WATCH_FAILOVER);
    expect(button?.value).toBeDefined();
    await r.h.client.click({
      userId: 'U0ALICE',
      actionId: ACTION_WATCH_FAILOVER,
      value: button?.value ?? '',
      channelId: WATCH_CHANNEL,
      messageTs: String(alert.at),
      responseUrl: r.h.fake.responseUrl('watch-click'),
    });
    const working = await r.h.fake.waitFor((c) => c.method === '/response/watch-click', 20_000);
    expect(json(working)).toContain(
      `Opening a failover of \`${disk}\` from \`${primary}\` to \`${standby}\``,
    );
    const reply = await r.h.fake.waitFor(
      (c) => c.method === '/response/watch-click' && /R-[0-9A-Z]{10}/.test(json(c)),
      20_000,
    );
    const requestId = /R-[0-9A-Z]{10}/.exec(json(reply))?.[0] ?? '';
    const request = await r.h.bot.service.get(requestId);
    expect(request?.kind).toBe('failover');
    expect(request?.params).toMatchObject({ diskId: disk, fromInstanceId: primary, toInstanceId: standby });
    await r.approve(requestId, 'U0CAROL');
    await r.h.fake.waitFor((c) => json(c).includes(`${requestId} succeeded`), 40_000);
    const resv = await reservationOf(emu, disk);
    expect(resv?.holder).toBe(reservationKeyFor(standby));
    expect(resv?.registrants.map((x) => x.instanceId)).toEqual([standby]);
    const resolved = await waitForPost(r, (t) => t.includes('Resolved') && t.includes(primary));
    expect(count(/Primary down/)).toBe(1);
    // The resolution names the request that ended it and who filed it, not the fault again.
    expect(text(resolved)).toContain(`Ended by \`${requestId}\` (failover by <@U0ALICE>, succeeded)`);
    expect(text(resolved)).not.toContain('has not answered');
    // The alert itself was edited: no buttons left, the outcome named.
    const ended = r.h.fake
      .apiCalls('chat.update')
      .filter((c) => c.body.channel === WATCH_CHANNEL && text(c).includes('Primary down'));
    expect(ended).toHaveLength(1);
    expect(text(ended[0] ?? alert)).toContain(requestId);
    expect(text(ended[0] ?? alert)).not.toContain(ACTION_WATCH_FAILOVER);
    // A click on the old button (a stale client still shows it) files nothing and says why.
    await r.h.client.click({
      userId: 'U0ALICE',
      actionId: ACTION_WATCH_FAILOVER,
      value: button?.value ?? '',
      channelId: WATCH_CHANNEL,
      messageTs: String(alert.at),
      responseUrl: r.h.fake.responseUrl('watch-click-late'),
    });
    const refused = await r.h.fake.waitFor((c) => c.method === '/response/watch-click-late', 20_000);
    expect(json(refused)).toContain('Nothing was filed: this alert has ended');
    expect(json(refused)).not.toMatch(/R-[0-9A-Z]{10}/);
  });

  it('a detach made in the console is reported', async () => {
    await emu.admin(`instances/${primary}/recover`, {});
    // A change within the cycle that saw the bot's own failover finish is taken as the bot's: wait
    // for one whole cycle after it.
    await cycles(r, 2);
    await emu.admin(`disks/${disk}/detach`, { instanceId: primary });
    const notice = await waitForPost(r, (t) => t.includes('changed outside the bot'));
    expect(text(notice)).toContain(`detached from \`${primary}\``);
    expect((await cycles(r, 2)).notices).toBe(0);
    expect(count(/changed outside the bot/)).toBe(1);
  });
});
