import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  AUDIT_CHANNEL,
  startApprovalHarness,
  UNPACED,
  USERS,
} from '../support/approval-bot.js';
import {
  EMULATOR_ASSISTANT_POLLING,
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
} from '../support/execution-emulator.js';
import type { RecordedCall } from '../support/fake-slack.js';

/** Carol is on-call (failover approver), Bob a storage approver, Alice an emergency requester, Dave nobody. */
const policy = (allowFailover: boolean) => `
region: cn-hangzhou
channels: { approvals: ${APPROVALS_CHANNEL}, audit: ${AUDIT_CHANNEL} }
actions:
  create: { approvers: { usergroups: [S0STORAGE] }, quorum: 1 }
  failover:
    approvers: { usergroups: [S0ONCALL] }
    emergency: { requesters: { users: [${USERS.alice}] }, quorum: 0 }
  unfreeze: { approvers: { usergroups: [S0STORAGE] } }
freeze: { allowFailover: ${allowFailover} }
`;

const REASON = 'INC-42 <storage latency>';
const json = (call: RecordedCall) => JSON.stringify(call.body);
const keyPrefix = `sdb-freeze:${randomUUID()}:`;
const freezeKey = `${keyPrefix}{wf}:freeze`;
let emu: EmulatorHarness;
let h: ApprovalHarness;
let paths = 0;

beforeAll(async () => {
  emu = await startHarness({ latency: QUICK_LATENCY });
  h = await startApprovalHarness({
    policy: policy(true),
    keyPrefix,
    slackPacing: UNPACED,
    cloud: {
      gateway: emu.gateway(),
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      assistantPolling: EMULATOR_ASSISTANT_POLLING,
      execution: { pollIntervalMs: 50 },
    },
  });
});
afterAll(async () => {
  await h.close();
  await emu.close();
});

async function command(bot: ApprovalHarness, userId: string, text: string): Promise<string> {
  const path = `freeze-${++paths}`;
  const res = await bot.client.command({ text, userId, responseUrl: bot.fake.responseUrl(path) });
  expect(res.status).toBe(200);
  return json(await bot.fake.waitFor((c) => c.method === `/response/${path}`, 15_000));
}

const openedId = (reply: string): string => {
  const id = /Request `(R-[0-9A-Z]+)` opened/.exec(reply)?.[1];
  if (!id) throw new Error(`no request opened: ${reply}`);
  return id;
};

async function approve(id: string, userId: string): Promise<void> {
  const request = await h.bot.service.get(id);
  if (!request?.card) throw new Error(`no card for ${id}`);
  await h.client.click({
    userId,
    actionId: ACTION_APPROVE,
    value: JSON.stringify({ id, planHash: request.planHash }),
    channelId: APPROVALS_CHANNEL,
    messageTs: request.card.ts,
    responseUrl: h.fake.responseUrl(`approve-${id}`),
  });
}

const result = (id: string) =>
  h.fake.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.body.reply_broadcast === 'true' &&
      json(c).includes(id) &&
      /\*(succeeded|failed|partial)\*/.test(json(c)),
    30_000,
  );

describe('a change freeze over signed HTTP with real Redis', () => {
  it('unfreeze without a freeze is answered "not frozen" and opens nothing', async () => {
    const before = await h.redis.zcard(`${keyPrefix}{wf}:idx:all`);
    expect(await command(h, USERS.dave, 'unfreeze')).toContain('Not frozen');
    expect(await h.redis.zcard(`${keyPrefix}{wf}:idx:all`)).toBe(before);
  });

  it('a non-approver cannot freeze', async () => {
    expect(await command(h, USERS.dave, `freeze --reason "${REASON}"`)).toContain(
      'Only approvers and on-call',
    );
    expect(await h.redis.exists(freezeKey)).toBe(0);
  });

  it('freeze: announced and audited; a create is refused with who and why; an approved one does not start', async () => {
    const pending = openedId(
      await command(h, USERS.alice, `create before-freeze --size 20 --zone ${SEED.zones.multiAttachI}`),
    );
    const frozen = await command(h, USERS.carol, `freeze --reason "${REASON}"`);
    expect(frozen).toContain('Frozen');
    expect(await h.redis.exists(freezeKey)).toBe(1);
    // A second freeze keeps the first one's author and reason.
    expect(await command(h, USERS.bob, 'freeze --reason "again"')).toContain(`Already frozen`);
    expect(await h.redis.get(freezeKey)).toContain(USERS.carol);
    for (const channel of [APPROVALS_CHANNEL, AUDIT_CHANNEL]) {
      const post = await h.fake.waitFor(
        (c) =>
          c.method === 'chat.postMessage' && c.body.channel === channel && json(c).includes('Change freeze'),
      );
      expect(json(post)).toContain(`<@${USERS.carol}>`);
      expect(json(post)).toContain('INC-42 &lt;storage latency&gt;');
    }
    const stream = JSON.stringify(await h.redis.xrange(`${keyPrefix}{wf}:audit`, '-', '+'));
    expect(stream).toContain('freeze.started');

    const before = await h.redis.zcard(`${keyPrefix}{wf}:idx:all`);
    const refused = await command(
      h,
      USERS.alice,
      `create during-freeze --size 20 --zone ${SEED.zones.multiAttachI}`,
    );
    expect(refused).toContain('Nothing was requested');
    expect(refused).toContain(`<@${USERS.carol}>`);
    expect(refused).toContain('INC-42 &lt;storage latency&gt;');
    expect(await h.redis.zcard(`${keyPrefix}{wf}:idx:all`)).toBe(before);

    await approve(pending, USERS.bob);
    expect(json(await result(pending))).toContain('change freeze');
    expect(await h.bot.service.get(pending)).toMatchObject({ state: 'failed', outcome: { code: 'frozen' } });
    const creates = await emu.calls('CreateDisk');
    expect(creates.some((c) => JSON.stringify(c).includes('before-freeze'))).toBe(false);
    const card = await h.fake.waitFor(
      (c) => c.method === 'chat.update' && json(c).includes(pending) && json(c).includes(':snowflake:'),
    );
    expect(json(card)).toContain('Change freeze');

    h.fake.reset();
    await h.client.event({ type: 'app_home_opened', user: USERS.bob, tab: 'home', channel: 'D0BOB' });
    const home = await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.bob);
    expect(json(home)).toContain(':snowflake:');
    expect(json(home)).toContain('INC-42 &lt;storage latency&gt;');
  }, 60_000);

  it('failover stays allowed by default: it reaches the cloud preflight and opens', async () => {
    const { diskId, attachedTo } = SEED.disks.sharedExt4;
    const standby = SEED.instances.nvmeI.map((i) => i.id).find((id) => id !== attachedTo);
    const reply = await command(h, USERS.carol, `failover ${diskId} --from ${attachedTo} --to ${standby}`);
    expect(reply).not.toContain('Change freeze');
    openedId(reply);
  });

  it('a second bot on the same Redis sees the freeze; its policy refuses failover during one', async () => {
    const second = await startApprovalHarness({ policy: policy(false), keyPrefix });
    try {
      const [from, to] = SEED.instances.nvmeI.map((i) => i.id);
      const failover = await command(
        second,
        USERS.alice,
        `failover ${SEED.disks.sharedExt4.diskId} --from ${from} --to ${to} --emergency "node hung"`,
      );
      expect(failover).toContain('Change freeze');
      expect(
        await command(second, USERS.alice, `create on-second --size 20 --zone ${SEED.zones.multiAttachI}`),
      ).toContain('Change freeze');
    } finally {
      await second.close();
    }
  }, 30_000);

  it('/disk unfreeze opens a request; its approval lifts the freeze; a create then files', async () => {
    const id = openedId(await command(h, USERS.dave, 'unfreeze --reason "INC-42 resolved"'));
    expect(await h.bot.service.get(id)).toMatchObject({ kind: 'unfreeze', state: 'pending' });
    await approve(id, USERS.bob);
    expect(json(await result(id))).toContain('lifted');
    expect(await h.redis.exists(freezeKey)).toBe(0);
    openedId(
      await command(h, USERS.alice, `create after-freeze --size 20 --zone ${SEED.zones.multiAttachI}`),
    );
  }, 60_000);
});
