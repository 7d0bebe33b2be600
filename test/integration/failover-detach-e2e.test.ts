/**
 * `/disk failover` in detach mode, and the emergency path, over signed HTTP → real Redis → real SDK
 * → emulator: DetachDisk fences the old primary before the standby gets the disk; a crashed old
 * primary is detached and the result says what the bot could not do there; an emergency failover
 * runs at once, posts loudly and opens a review that only another approver can acknowledge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_ACK_REVIEW } from '../../src/slack/blocks/request-list.js';
import {
  type FailoverHarness,
  failoverPolicy,
  json,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';
import type { RecordedCall } from '../support/fake-slack.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const [standby] = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('detach'), { assistantTimeoutSec: 1 });
});
afterAll(() => f.close());

const attachments = async () =>
  (await f.emu.state()).disks.find((d) => d.diskId === disk)?.attachments.map((a) => a.instanceId);

async function failover(from: string, to: string): Promise<{ id: string; result: string }> {
  const id = await f.open(`failover ${disk} --from ${from} --to ${to}`);
  await f.approve(id, USERS.carol);
  return { id, result: json(await f.result(id)) };
}

describe('failover with DetachDisk fencing', () => {
  it('detaches the old primary, then attaches the standby, and posts the timeline', async () => {
    const { id, result } = await failover(primary, standby!);
    expect((await f.h.bot.service.get(id))?.outcome?.code).toBe('failed_over');
    expect(await attachments()).toEqual([standby]);
    expect(result).toMatch(/Fence \S+ \(DetachDisk\)\s+ok/);
    expect(result).toMatch(/AttachDisk \S+\s+ok/);
    expect(result).toMatch(/total\s+\d+\.\d s/);
    expect(result).toMatch(new RegExp(`${primary}\\s+detached`));
    const calls = (await f.emu.calls()).filter((c) => c.action === 'DetachDisk' || c.action === 'AttachDisk');
    expect(calls.map((c) => c.action)).toEqual(['DetachDisk', 'AttachDisk']);
  });

  it('a crashed old primary is detached at the API level, and the result says what could not be done', async () => {
    await f.emu.admin(`instances/${standby}/crash`, {});
    try {
      const { id, result } = await failover(standby!, primary);
      expect((await f.h.bot.service.get(id))?.state).toBe('succeeded');
      expect(await attachments()).toEqual([primary]);
      // The result never waits for the hung guest; what it could not do follows in the thread.
      if (result.includes('DeliveryTimeout')) expect(result).toContain('could not check or unmount');
      else {
        expect(result).toContain('has not answered yet');
        const late = await f.threadReply(id, /Guest check on \S+ \(i-\w+\) \(follow-up\)/);
        expect(json(late)).toContain('could not check or unmount');
        expect(json(late)).toContain('DeliveryTimeout');
      }
    } finally {
      await f.emu.admin(`instances/${standby}/recover`, {});
    }
  });
});

describe('the emergency path', () => {
  let id = '';
  const home = (after: number) =>
    f.h.fake.waitFor(
      (c: RecordedCall) => c.method === 'views.publish' && c.at > after && json(c).includes('Post-incident'),
    );
  const click = (userId: string) =>
    f.h.client.click({
      userId,
      actionId: ACTION_ACK_REVIEW,
      value: id,
      messageTs: '0',
      responseUrl: '',
      fromHome: true,
    });

  it('runs at once for an emergency requester, posts loudly and opens a review item', async () => {
    id = await f.open(
      `failover ${disk} --from ${primary} --to ${standby} --emergency "db primary down <!channel>"`,
    );
    const request = await f.h.bot.service.get(id);
    expect(request).toMatchObject({ emergency: true, review: 'required', quorum: 0 });
    const loud = await f.h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.channel === 'C0DISK' &&
        json(c).includes('EMERGENCY FAILOVER'),
    );
    expect(json(loud)).toContain('&lt;!channel&gt;');
    await f.h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.channel === 'C0AUDIT' && json(c).includes('EMERGENCY'),
    );
    expect(json(await f.result(id))).toContain('succeeded');
    const trail = await f.h.audit.forRequest(id);
    expect(trail.map((e) => e.event)).toContain('review_opened');
  });

  it('the review stays on App Home until an approver other than the requester acknowledges it', async () => {
    const t0 = performance.now();
    await f.h.client.event({ type: 'app_home_opened', user: USERS.dave, tab: 'home' });
    expect(json(await home(t0))).toContain(id);

    await click(USERS.alice); // the requester: not a failover approver, and declared the emergency
    await click(USERS.bob); // a storage approver, not an on-call one
    const refusals = await f.h.fake.waitFor(
      (c) =>
        c.method === 'views.publish' &&
        c.body.user_id === USERS.bob &&
        json(c).includes('Only failover approvers'),
    );
    expect(json(refusals)).toContain(id);

    await click(USERS.carol);
    const done = await f.h.fake.waitFor(
      (c) =>
        c.method === 'views.publish' && c.body.user_id === USERS.carol && json(c).includes('acknowledged'),
    );
    expect(json(done)).not.toContain('Acknowledge review');
    await f.h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && json(c).includes('acknowledged the post-incident review'),
    );

    await click(USERS.carol);
    await f.h.fake.waitFor(
      (c) =>
        c.method === 'views.publish' &&
        c.body.user_id === USERS.carol &&
        json(c).includes('Already acknowledged by'),
    );
    const acks = (await f.h.audit.recent(100)).filter((e) => e.event === 'review_acknowledged');
    expect(acks).toHaveLength(1);
    expect(acks[0]?.actor).toBe(USERS.carol);
  });
});
