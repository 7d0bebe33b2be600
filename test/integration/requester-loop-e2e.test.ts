import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  VIEW_REJECT,
} from '../../src/slack/blocks/reject-modal.js';
import { ACTION_APPROVE, ACTION_REJECT } from '../../src/slack/blocks/request-card.js';
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
beforeEach(() => {
  h.fake.reset();
  h.fake.on('chat.postMessage', undefined);
});

const json = (call: RecordedCall) => JSON.stringify(call.body);
const isCardPost = (c: RecordedCall) =>
  c.method === 'chat.postMessage' && c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts;
let ts = 0;
const posted = (body: Record<string, unknown>) => ({
  json: { ok: true, channel: body.channel, ts: `1700000100.${String(++ts).padStart(6, '0')}` },
});

let count = 0;
/** Runs `/disk <text>` as Alice; returns the reply and the request id it names. */
async function command(text: string, user: string = USERS.alice): Promise<{ reply: string; id: string }> {
  const path = `loop-${++count}`;
  const res = await h.client.command({ text, userId: user, responseUrl: h.fake.responseUrl(path) });
  expect(res.status).toBe(200);
  const reply = json(await h.fake.waitFor((c) => c.method === `/response/${path}`));
  return { reply, id: /R-[0-9A-Z]{10}/.exec(reply)?.[0] ?? '' };
}

async function clickCard(user: string, actionId: string, id: string, fromHome = false) {
  const request = await h.bot.service.get(id);
  if (!request?.card) throw new Error(`no card for ${id}`);
  const res = await h.client.click({
    userId: user,
    actionId,
    value: JSON.stringify({ id, planHash: request.planHash }),
    channelId: APPROVALS_CHANNEL,
    messageTs: request.card.ts,
    responseUrl: h.fake.responseUrl(`click-${++count}`),
    fromHome,
  });
  expect(res.status).toBe(200);
}

describe('no request without its card', () => {
  it('cancels with a clear reply and a direct message when Slack refuses the card: no orphan pending', async () => {
    h.fake.on('chat.postMessage', (body) =>
      body.channel === APPROVALS_CHANNEL ? { json: { ok: false, error: 'not_in_channel' } } : posted(body),
    );
    const { reply, id } = await command('attach d-orphan01 i-one');
    expect(reply).toContain('Nothing will run');
    expect(reply).toContain('not_in_channel');
    expect(reply).toContain('cancelled');
    // not_in_channel is Slack's final word: the same card is not sent again.
    expect(h.fake.calls.filter(isCardPost)).toHaveLength(1);
    const dm = await h.fake.waitFor((c) => c.method === 'chat.postMessage' && c.body.channel === USERS.alice);
    expect(JSON.stringify(dm.body)).toContain(id);
    expect((await h.bot.service.get(id))?.state).toBe('cancelled');
    const pending = await h.bot.service.list({ filter: 'pending', userId: USERS.alice });
    expect(pending.ok && pending.value.items.map((r) => r.id)).not.toContain(id);
  });

  it('falls back to the plain card (with its buttons) when Slack refuses the full card’s blocks', async () => {
    h.fake.on('chat.postMessage', (body) =>
      isCardPost({ kind: 'api', method: 'chat.postMessage', body, at: 0 }) &&
      (body.blocks as unknown[]).length > 2
        ? { json: { ok: false, error: 'invalid_blocks' } }
        : posted(body),
    );
    const { reply, id } = await command('attach d-orphan02 i-two');
    expect(reply).toContain('opened');
    const cards = h.fake.calls.filter(isCardPost);
    expect(cards).toHaveLength(2); // invalid_blocks is not retried as is
    expect(json(cards[1] as RecordedCall)).toContain(ACTION_APPROVE);
    const request = await h.bot.service.get(id);
    expect(request?.state).toBe('pending');
    expect(request?.card).toBeDefined();

    // Later updates keep the card plain, so its buttons still go away once approved.
    h.fake.on('chat.update', (body) =>
      (body.blocks as unknown[]).length > 2
        ? { json: { ok: false, error: 'invalid_blocks' } }
        : { json: { ok: true, channel: body.channel, ts: body.ts } },
    );
    await clickCard(USERS.bob, ACTION_APPROVE, id);
    const update = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.update' &&
        c.body.ts === request?.card?.ts &&
        (c.body.blocks as unknown[]).length <= 2 &&
        json(c).includes('Approved'),
    );
    expect(json(update)).not.toContain(ACTION_APPROVE);
    h.fake.on('chat.update', undefined);
  });
});

describe('the requester in the loop', () => {
  it('mentions the requester, with the request id, when approved and when rejected', async () => {
    const approved = await command('attach d-loop01 i-three');
    await clickCard(USERS.bob, ACTION_APPROVE, approved.id);
    const yes = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.thread_ts !== undefined &&
        json(c).includes(`${approved.id}\` is approved`),
    );
    expect(yes.body.text).toContain(`<@${USERS.alice}>`);
    expect(yes.body.text).toContain(approved.id);
    expect(yes.body.reply_broadcast).toBe('true');

    const rejected = await command('attach d-loop02 i-four');
    await clickCard(USERS.carol, ACTION_REJECT, rejected.id);
    const modal = await h.fake.waitFor((c) => c.method === 'views.open');
    await h.client.submitView({
      userId: USERS.carol,
      callbackId: VIEW_REJECT,
      privateMetadata: (modal.body.view as { private_metadata: string }).private_metadata,
      values: {
        [REJECT_REASON_BLOCK]: { [REJECT_REASON_INPUT]: { type: 'plain_text_input', value: 'wrong disk' } },
      },
    });
    const no = await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.thread_ts !== undefined &&
        json(c).includes(`${rejected.id}\` was rejected`),
    );
    expect(no.body.text).toContain(`<@${USERS.alice}>`);
    expect(no.body.text).toContain(rejected.id);
    expect(no.body.text).toContain('wrong disk');
    expect(no.body.reply_broadcast).toBe('true');

    // The audit channel: one line per meaningful transition, each with the id; no card lines.
    await h.fake.waitFor((c) => c.body.channel === AUDIT_CHANNEL && json(c).includes('→ rejected'));
    const audit = h.fake.apiCalls('chat.postMessage').filter((c) => c.body.channel === AUDIT_CHANNEL);
    const lines = audit.map((c) => String(c.body.text));
    for (const line of lines) expect(line).toMatch(/^`R-[0-9A-Z]{10}` /);
    expect(lines.filter((l) => l.includes(rejected.id))).toEqual([
      expect.stringContaining('new → pending'),
      expect.stringContaining('pending → rejected'),
    ]);
    expect(lines.some((l) => l.includes('pending → pending'))).toBe(false);
  });

  it('Reject from App Home refreshes that Home: the request leaves "Awaiting your approval"', async () => {
    const { id } = await command('attach d-loop03 i-five');
    await h.client.event({
      type: 'app_home_opened',
      user: USERS.carol,
      channel: 'D0C',
      tab: 'home',
      event_ts: '1.2',
    });
    const before = await h.fake.waitFor(
      (c) => c.method === 'views.publish' && c.body.user_id === USERS.carol,
    );
    expect(json(before)).toContain(`request_actions:${id}`);
    h.fake.reset();
    await clickCard(USERS.carol, ACTION_REJECT, id, true);
    const modal = await h.fake.waitFor((c) => c.method === 'views.open');
    const res = await h.client.submitView({
      userId: USERS.carol,
      callbackId: VIEW_REJECT,
      privateMetadata: (modal.body.view as { private_metadata: string }).private_metadata,
      values: {
        [REJECT_REASON_BLOCK]: { [REJECT_REASON_INPUT]: { type: 'plain_text_input', value: 'not now' } },
      },
    });
    expect(res.status).toBe(200);
    const after = await h.fake.waitFor((c) => c.method === 'views.publish' && c.body.user_id === USERS.carol);
    expect(json(after)).not.toContain(`request_actions:${id}`);
    expect(json(after)).toContain(`Request ${id} rejected.`);
    expect((await h.bot.service.get(id))?.state).toBe('rejected');
  });
});
