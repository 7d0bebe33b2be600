/**
 * The built-in takeover (`fencing.takeover`) and the failover guard over signed HTTP → real Redis
 * → real SDK → emulator: after the verified fence the file system is mounted on the standby by the
 * `takeover-mount` script and verified by inspect; a standby that stops between approval and
 * fencing stops the failover with `guard_changed` before anything is fenced.
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

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const [standby, spare] = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(
    failoverPolicy('reservation', undefined, { mount: '/data', options: 'noatime' }),
    {
      assistantTimeoutSec: 2,
    },
  );
  const id = await f.open(`attach ${disk} ${primary} ${standby} --allow-single-node-fs`);
  await f.approve(id, USERS.bob);
  await f.approve(id, USERS.carol);
  expect(json(await f.result(id))).toContain('succeeded');
});
afterAll(() => f.close());

type Mount = { instanceId: string; diskId: string; mountpoints: string[]; readOnly: boolean };
/** The scripts the bot ran (its registered commands' text), decoded as Cloud Assistant does. */
const scriptsRun = async () =>
  (await f.emu.calls())
    .filter((c) => c.action === 'RunCommand' || c.action === 'InvokeCommand')
    .map((c) => {
      const raw = String(c.params.CommandContent ?? '');
      const text = c.params.ContentEncoding === 'Base64' ? Buffer.from(raw, 'base64').toString() : raw;
      return { text, name: /# shared-disk-bot:([a-z-]+):/.exec(text)?.[1] ?? '', params: c.params };
    });

const mountsOf = async (instanceId: string) =>
  ((await f.emu.state()) as unknown as { mounts: Mount[] }).mounts.find(
    (m) => m.instanceId === instanceId && m.diskId === disk,
  );

describe('the built-in takeover mount', () => {
  it('mounts the file system on the standby after the verified fence and verifies it by inspect', async () => {
    expect(await mountsOf(standby!)).toBeUndefined();
    await f.emu.clearCalls();
    const id = await f.open(`failover ${disk} --from ${primary} --to ${standby}`);
    // The approvers see the mount in the plan on the card.
    const posts = f.h.fake.apiCalls('chat.postMessage').filter((c) => json(c).includes(id));
    expect(posts.some((c) => json(c).includes('takeover-mount') && json(c).includes('/data'))).toBe(true);
    expect(posts.some((c) => json(c).includes('After the verified fence: mount /data (noatime)'))).toBe(true);
    await f.approve(id, USERS.carol);
    const result = json(await f.result(id));
    const done = await f.h.bot.service.get(id);
    expect([done?.state, done?.outcome?.code]).toEqual(['succeeded', 'failed_over']);
    expect(await mountsOf(standby!)).toMatchObject({ mountpoints: ['/data'], readOnly: false });
    expect((await reservationOf(f.emu, disk))?.holder).toBe(reservationKeyFor(standby!));
    expect(result).toMatch(/Takeover: mount \/data on \S+\s+ok/);
    expect(result).toMatch(/Takeover verified \(inspect on \S+\)\s+ok/);
    expect(result).toMatch(new RegExp(`${standby}\\s+Running\\s+/dev/\\S+\\s+ext4\\s+/data\\s+rw`));
    // The old primary keeps its stale mount but cannot write: fenced, and no double-mount alert.
    expect(result).toMatch(new RegExp(`${primary}\\s+Running\\s+/dev/\\S+\\s+ext4\\s+/data\\s+fenced`));
    expect(f.h.fake.apiCalls('chat.postMessage').some((c) => json(c).includes('DANGER'))).toBe(false);

    // The mount ran once, after the preempt, through the marked script with its parameters.
    const scripts = (await scriptsRun()).map((s) => s.name);
    expect(scripts.filter((s) => s === 'takeover-mount')).toHaveLength(1);
    expect(scripts.indexOf('takeover-mount')).toBeGreaterThan(scripts.indexOf('nvme-preempt'));
    const mountCall = (await scriptsRun()).find((s) => s.text.includes(scriptMarker('takeover-mount')));
    expect(JSON.parse(String(mountCall?.params.Parameters))).toMatchObject({
      mountpoint: '/data',
      options: 'noatime',
    });
  });

  it('a resumed or repeated takeover finds the mount in place (idempotent)', async () => {
    const back = await f.open(`failover ${disk} --from ${standby} --to ${primary}`);
    await f.approve(back, USERS.carol);
    await f.result(back);
    expect((await f.h.bot.service.get(back))?.state).toBe('succeeded');
    await f.threadReply(back, /Takeover: mount \/data on \S+ \(i-\w+\) \(\d+\.\d s\): already mounted/);
    expect(await mountsOf(primary)).toMatchObject({ mountpoints: ['/data'] });
  });
});

describe('the failover guard, re-checked right before fencing', () => {
  it('a standby stopped after approval: guard_changed, nothing fenced, the facts in the audit', async () => {
    const holder = (await reservationOf(f.emu, disk))?.holder;
    // AttachDisk of the standby takes 1.5 s: the window in which the test stops it.
    await f.emu.setLatency({ attach: { baseMs: 1_500, jitterMs: 0 } });
    try {
      await f.emu.clearCalls();
      const id = await f.open(`failover ${disk} --from ${primary} --to ${spare}`);
      await f.approve(id, USERS.carol);
      // The runner's own re-check has passed once AttachDisk is sent: stop the standby now.
      const deadline = Date.now() + 20_000;
      while ((await f.emu.calls('AttachDisk')).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await f.emu.admin(`instances/${spare}/stop`, {});
      const result = json(await f.result(id));
      const done = await f.h.bot.service.get(id);
      expect([done?.state, done?.outcome?.code]).toEqual(['failed', 'guard_changed']);
      expect(done?.outcome?.message).toContain(`Stopped before fencing ${primary}`);
      expect(done?.outcome?.message).toContain(`${spare} is Stopped`);
      expect(result).toMatch(/Guard re-checked before fencing\s+failed/);
      expect((await scriptsRun()).some((s) => s.name === 'nvme-preempt')).toBe(false);
      expect((await reservationOf(f.emu, disk))?.holder).toBe(holder);
      const guard = (await f.h.audit.forRequest(id)).find((e) => e.details.guard !== undefined)?.details
        .guard;
      expect(guard).toMatchObject({
        decision: 'changed',
        moment: 'fencing',
        instances: { [spare!]: 'Stopped' },
        changed: [expect.objectContaining({ code: 'instance_state' })],
      });
    } finally {
      await f.emu.setLatency({});
      await f.emu.admin(`instances/${spare}/start`, {});
    }
  });
});
