import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { type ApprovalHarness, startApprovalHarness, TEST_POLICY, USERS } from '../support/approval-bot.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import type { RecordedCall } from '../support/fake-slack.js';

/** Bob (a storage approver) and Carol are viewers; Alice and Dave are not. */
const policy = (perMinute: number) => `${TEST_POLICY}
viewers: { users: [U0BOB], usergroups: [S0ONCALL] }
rateLimit: { commandsPerMinute: ${perMinute} }
`;

let emu: EmulatorHarness;
let h: ApprovalHarness;
const json = (call: RecordedCall) => JSON.stringify(call.body);

beforeAll(async () => {
  emu = await startHarness();
  h = await startApprovalHarness({ policy: policy(30), cloud: { gateway: emu.gateway(), runWorker: false } });
});
afterAll(async () => {
  await h.close();
  await emu.close();
});

let count = 0;
async function command(text: string, userId: string, harness = h): Promise<RecordedCall> {
  const id = `v-${++count}`;
  const res = await harness.client.command({ text, userId, responseUrl: harness.fake.responseUrl(id) });
  expect(res.status).toBe(200);
  return harness.fake.waitFor((c) => c.method === `/response/${id}`, 15_000);
}

describe('policy viewers', () => {
  const disk = SEED.disks.sharedExt4.diskId;

  it("refuses status, list and everyone's requests to a non-viewer, without asking the cloud", async () => {
    const before = (await emu.calls()).length;
    for (const text of [`status ${disk}`, 'list', 'requests --all', 'requests --pending']) {
      const reply = json(await command(text, USERS.dave));
      expect(reply).toContain('limits to its viewers, and you are not one');
      expect(reply).toContain('/disk requests --mine');
    }
    expect((await emu.calls()).slice(before).map((c) => c.action)).toEqual([]);
    expect(json(await command('requests --mine', USERS.dave))).not.toContain('viewers');
  });

  it('answers viewers, listed by id or through a user group', async () => {
    expect(json(await command(`status ${disk}`, USERS.bob))).toContain(disk);
    expect(json(await command('requests --all', USERS.carol))).not.toContain('viewers');
  });

  it('App Home shows a non-viewer only their own and awaiting requests, with a notice', async () => {
    const opened = json(
      await command(`detach ${disk} ${SEED.disks.sharedExt4.attachedTo} --force`, USERS.alice),
    );
    const requestId = /R-[0-9A-Z]{10}/.exec(opened)?.[0];
    expect(json(await command(`cancel ${requestId}`, USERS.alice))).toContain('cancelled');
    for (const user of [USERS.dave, USERS.bob]) {
      await h.client.event({ type: 'app_home_opened', user, channel: 'D0X', tab: 'home', event_ts: '1.1' });
    }
    const dave = await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.dave);
    const bob = await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.bob);
    expect(json(dave)).toContain("shown to the policy's viewers only");
    expect(json(dave)).not.toContain(requestId);
    expect(json(bob)).toContain(requestId);
    expect(json(bob)).not.toContain('viewers only');
  });
});

describe('per-user command rate', () => {
  it('answers a flood with an ephemeral refusal instead of work, counted across replicas', async () => {
    const prefix = `sdb-rate:${randomUUID()}:`;
    const [a, b] = await Promise.all([
      startApprovalHarness({ policy: policy(5), keyPrefix: prefix }),
      startApprovalHarness({ policy: policy(5), keyPrefix: prefix }),
    ]);
    try {
      for (const harness of [a, b, a, b, a]) await command('requests --mine', USERS.alice, harness);
      const before = b.fake.calls.length;
      const res = await b.client.command({
        text: 'requests --mine',
        userId: USERS.alice,
        responseUrl: b.fake.responseUrl('flood'),
      });
      expect(res.status).toBe(200);
      const ack = res.json() as { response_type: string; text: string };
      expect(ack.response_type).toBe('ephemeral');
      expect(ack.text).toMatch(
        /faster than this deployment allows \(5 per minute\); nothing was done\. Try again in \d+ s/,
      );
      // Another user is not affected.
      expect(json(await command('requests --mine', USERS.dave, a))).not.toContain('faster');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(b.fake.calls.slice(before).filter((c) => c.method === '/response/flood')).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
