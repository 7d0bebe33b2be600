import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_ID_PATTERN } from '../../src/commands/index.js';
import {
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  VIEW_REJECT,
} from '../../src/slack/blocks/reject-modal.js';
import { ACTION_APPROVE, ACTION_CANCEL, ACTION_REJECT } from '../../src/slack/blocks/request-card.js';
import { PendingExecutor } from '../../src/workflow/executor.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  AUDIT_CHANNEL,
  startApprovalHarness,
  USERS,
} from '../support/approval-bot.js';
import type { RecordedCall } from '../support/fake-slack.js';

let h: ApprovalHarness;
const executor = new PendingExecutor();

beforeAll(async () => {
  h = await startApprovalHarness({ executor });
});
afterAll(() => h.close());
beforeEach(() => h.fake.reset());

interface Card {
  requestId: string;
  ts: string;
  value: string;
  blocks: unknown[];
}

const json = (call: RecordedCall) => JSON.stringify(call.body);

/** Runs a command as `user` and returns the card the bot posted to the approvals channel. */
let commandCount = 0;
async function openRequest(text: string, user: string = USERS.alice): Promise<Card> {
  const id = `cmd-${++commandCount}`;
  const res = await h.client.command({ text, userId: user, responseUrl: h.fake.responseUrl(id) });
  expect(res.status).toBe(200);
  const reply = await h.fake.waitFor((c) => c.method === `/response/${id}`);
  expect(json(reply)).toContain('opened');
  const post = await h.fake.waitFor(
    (c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts,
  );
  const blocks = post.body.blocks as {
    type: string;
    block_id?: string;
    elements?: { action_id: string; value: string }[];
  }[];
  const actions = blocks.find((b) => b.type === 'actions');
  const value = actions?.elements?.find((e) => e.action_id === ACTION_APPROVE)?.value ?? '';
  const requestId = (JSON.parse(value) as { id: string }).id;
  expect(requestId).toMatch(REQUEST_ID_PATTERN);
  return { requestId, ts: '', value, blocks };
}

async function cardTs(requestId: string): Promise<string> {
  const request = await h.bot.service.get(requestId);
  if (!request?.card) throw new Error('card not attached');
  return request.card.ts;
}

async function click(user: string, actionId: string, card: Card, extra: { fromHome?: boolean } = {}) {
  const responseUrl = h.fake.responseUrl(`click-${user}-${actionId}-${Date.now()}`);
  const res = await h.client.click({
    userId: user,
    actionId,
    value: card.value,
    channelId: APPROVALS_CHANNEL,
    messageTs: await cardTs(card.requestId),
    responseUrl,
    ...extra,
  });
  expect(res.status).toBe(200);
  return responseUrl.slice(responseUrl.indexOf('/response/'));
}

describe('approvals end to end over signed HTTP', () => {
  it('command → card → self-approval refused → approve by another user → card updated → audit', async () => {
    // Bob is an approver himself, so only the self-approval rule can stop him.
    const card = await openRequest(
      'attach d-shared01 i-one i-two --reason "db <!channel> failover <@U0EVIL>"',
      USERS.bob,
    );
    const cardText = JSON.stringify(card.blocks);
    expect(cardText).toContain('AttachDisk DiskId=d-shared01 InstanceId=i-one');
    expect(cardText).toContain('Approvals 0/1');
    expect(cardText).toContain('&lt;!channel&gt;');
    expect(cardText).not.toContain('<!channel>');
    expect(cardText).not.toContain('<@U0EVIL>');

    const selfPath = await click(USERS.bob, ACTION_APPROVE, card);
    const self = await h.fake.waitFor((c) => c.method === selfPath);
    expect(self.body).toMatchObject({ response_type: 'ephemeral' });
    expect(json(self)).toContain('cannot approve');
    expect((await h.bot.service.get(card.requestId))?.state).toBe('pending');

    const davePath = await click(USERS.dave, ACTION_APPROVE, card);
    expect(json(await h.fake.waitFor((c) => c.method === davePath))).toContain('not an approver');

    await click(USERS.carol, ACTION_APPROVE, card);
    const update = await h.fake.waitFor((c) => c.method === 'chat.update' && json(c).includes('approved'));
    expect(update.body.ts).toBe(await cardTs(card.requestId));
    expect((update.body.blocks as { type: string }[]).some((b) => b.type === 'actions')).toBe(false);
    expect(json(update)).toContain('Approvals 1/1');
    const broadcast = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.thread_ts !== undefined,
    );
    expect(broadcast.body.reply_broadcast).toBe('true');
    expect((await h.bot.service.get(card.requestId))?.state).toBe('approved');
    expect(executor.isWaiting(card.requestId)).toBe(true);

    const replayPath = await click(USERS.carol, ACTION_APPROVE, card);
    expect(json(await h.fake.waitFor((c) => c.method === replayPath))).toMatch(
      /already approved by <@U0CAROL> at/,
    );

    const trail = await h.audit.forRequest(card.requestId);
    expect(trail.map((e) => `${e.event}:${e.from}->${e.to}`)).toEqual(
      expect.arrayContaining(['created:->pending', 'card:pending->pending', 'approved:pending->approved']),
    );
    const auditPost = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' && c.body.channel === AUDIT_CHANNEL && json(c).includes('approved'),
    );
    expect(json(auditPost)).toContain(card.requestId);
  });

  it('reject opens a reason modal and the submit ends the request', async () => {
    const card = await openRequest('detach d-shared02 i-three');
    await click(USERS.carol, ACTION_REJECT, card);
    const opened = await h.fake.waitFor((c) => c.method === 'views.open');
    const view = opened.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(VIEW_REJECT);
    const res = await h.client.submitView({
      userId: USERS.carol,
      callbackId: VIEW_REJECT,
      privateMetadata: view.private_metadata,
      values: {
        [REJECT_REASON_BLOCK]: { [REJECT_REASON_INPUT]: { type: 'plain_text_input', value: 'wrong disk' } },
      },
    });
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => c.method === 'chat.update' && json(c).includes('Rejected'));
    expect((await h.bot.service.get(card.requestId))?.state).toBe('rejected');
  });

  it('refuses a too-short reject reason inline, in the modal', async () => {
    const card = await openRequest('detach d-shared03 i-four');
    await click(USERS.carol, ACTION_REJECT, card);
    const opened = await h.fake.waitFor((c) => c.method === 'views.open');
    const view = opened.body.view as { private_metadata: string };
    const res = await h.client.submitView({
      userId: USERS.carol,
      callbackId: VIEW_REJECT,
      privateMetadata: view.private_metadata,
      values: { [REJECT_REASON_BLOCK]: { [REJECT_REASON_INPUT]: { type: 'plain_text_input', value: 'no' } } },
    });
    expect(res.json()).toMatchObject({ response_action: 'errors' });
    expect((await h.bot.service.get(card.requestId))?.state).toBe('pending');
  });

  it('lets only the requester cancel, by button or command', async () => {
    const card = await openRequest('attach d-shared04 i-five');
    const bobPath = await click(USERS.bob, ACTION_CANCEL, card);
    expect(json(await h.fake.waitFor((c) => c.method === bobPath))).toContain('can cancel');
    const res = await h.client.command({
      text: `cancel ${card.requestId}`,
      userId: USERS.alice,
      responseUrl: h.fake.responseUrl('cancel'),
    });
    expect(res.status).toBe(200);
    expect(json(await h.fake.waitFor((c) => c.method === '/response/cancel'))).toContain('cancelled');
    expect((await h.bot.service.get(card.requestId))?.state).toBe('cancelled');
    // The card's thread hears of it too; waited for here so the line cannot land in the next test's calls.
    await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.thread_ts !== undefined &&
        json(c).includes(`cancelled \`${card.requestId}\``),
    );
  });

  it('lists requests and refuses requests that fail static checks without opening them', async () => {
    await h.client.command({
      text: 'requests --all',
      userId: USERS.dave,
      responseUrl: h.fake.responseUrl('list'),
    });
    const list = await h.fake.waitFor((c) => c.method === '/response/list');
    expect(json(list)).toContain('All requests');
    expect(json(list)).toMatch(/R-[0-9A-Z]{10}/);

    await h.client.command({
      text: 'create big --size 10 --pl PL2 --zone cn-hangzhou-i',
      userId: USERS.alice,
      responseUrl: h.fake.responseUrl('big'),
    });
    const refused = await h.fake.waitFor((c) => c.method === '/response/big');
    expect(json(refused)).toContain('GiB is outside');
    expect(json(refused)).not.toContain('size_out_of_range');
    expect(h.fake.apiCalls('chat.postMessage').filter((c) => c.body.channel === APPROVALS_CHANNEL)).toEqual(
      [],
    );
  });

  it('publishes App Home with requests awaiting my approval, and approving there refreshes it', async () => {
    const card = await openRequest('attach d-shared05 i-six');
    const res = await h.client.event({
      type: 'app_home_opened',
      user: USERS.bob,
      channel: 'D0BOB',
      tab: 'home',
      event_ts: '1.1',
    });
    expect(res.status).toBe(200);
    const home = await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.bob);
    expect(json(home)).toContain(card.requestId);
    h.fake.reset();
    await click(USERS.bob, ACTION_APPROVE, card, { fromHome: true });
    await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.bob);
    expect((await h.bot.service.get(card.requestId))?.state).toBe('approved');
  });
});
