import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDiskCommand } from '../../src/commands/index.js';
import { VIEW_CREATE } from '../../src/slack/blocks/create-form.js';
import { formToCommandText } from '../../src/slack/listeners/views/create-form.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  TEST_POLICY,
  USERS,
} from '../support/approval-bot.js';

let h: ApprovalHarness;
beforeAll(async () => {
  // The form pre-fills the first zone the policy allows.
  h = await startApprovalHarness({
    policy: `${TEST_POLICY}\nlimits: { zones: [cn-hangzhou-i, cn-hangzhou-j] }\n`,
  });
});
afterAll(() => h.close());
beforeEach(() => h.fake.reset());

const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string) => ({ value: { type: 'static_select', selected_option: { value } } });

async function openForm(): Promise<string> {
  const res = await h.client.command({
    text: 'create',
    userId: USERS.alice,
    channelId: 'C0DISK',
    responseUrl: h.fake.responseUrl('form'),
  });
  expect(res.status).toBe(200);
  expect(res.text).toBe('');
  const opened = await h.fake.waitFor((c) => c.method === 'views.open');
  const view = opened.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
  expect(view.callback_id).toBe(VIEW_CREATE);
  expect(JSON.stringify(view.blocks)).toContain('"initial_value":"cn-hangzhou-i"');
  return view.private_metadata;
}

describe('/disk create with no arguments opens a form', () => {
  it('shows a grammar error next to the field it is about, and requests nothing', async () => {
    const metadata = await openForm();
    const res = await h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_CREATE,
      privateMetadata: metadata,
      values: {
        name: text('x'),
        size: { value: { type: 'number_input', value: '100' } },
        category: select('essd'),
        zone: text('cn-hangzhou-i'),
      },
    });
    expect(res.json()).toMatchObject({
      response_action: 'errors',
      errors: { name: expect.stringContaining('name') },
    });
    expect(h.fake.apiCalls('chat.postMessage')).toEqual([]);
  });

  it('keeps the form open with a size error on the size field, every value kept, nothing requested', async () => {
    const metadata = await openForm();
    const res = await h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_CREATE,
      privateMetadata: metadata,
      values: {
        name: text('orders-db'),
        size: { value: { type: 'number_input', value: '100' } },
        category: select('essd'),
        pl: select('PL2'),
        zone: text('cn-hangzhou-i'),
      },
    });
    const body = res.json() as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors.size).toContain('461');
    expect(Object.keys(body.errors)).toEqual(['size']);
    // Policy refusals land on their own field too.
    const zone = await h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_CREATE,
      privateMetadata: metadata,
      values: {
        name: text('orders-db'),
        size: { value: { type: 'number_input', value: '100' } },
        category: select('essd'),
        zone: text('cn-hangzhou-h'),
      },
    });
    expect(zone.json()).toMatchObject({
      response_action: 'errors',
      errors: { zone: expect.stringContaining('cn-hangzhou-h') },
    });
    // A mistyped zone gets the closest real one.
    const typo = await h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_CREATE,
      privateMetadata: metadata,
      values: {
        name: text('orders-db'),
        size: { value: { type: 'number_input', value: '100' } },
        zone: text('cn-hangzou-i'),
      },
    });
    expect(typo.json()).toMatchObject({
      errors: { zone: expect.stringContaining('did you mean cn-hangzhou-i?') },
    });
    expect(h.fake.apiCalls('chat.postMessage')).toEqual([]);
    expect(h.fake.apiCalls('chat.postEphemeral')).toEqual([]);
  });

  it('submits the same request the typed command would, and posts the card', async () => {
    const metadata = await openForm();
    const res = await h.client.submitView({
      userId: USERS.alice,
      callbackId: VIEW_CREATE,
      privateMetadata: metadata,
      values: {
        name: text('orders-db'),
        size: { value: { type: 'number_input', value: '200' } },
        category: select('essd'),
        pl: select('PL1'),
        zone: text('cn-hangzhou-i'),
        reason: text('shared "orders" volume'),
      },
    });
    expect(res.status).toBe(200);
    const card = await h.fake.waitFor(
      (c) => c.method === 'chat.postMessage' && c.body.channel === APPROVALS_CHANNEL,
    );
    expect(JSON.stringify(card.body.blocks)).toContain('CreateDisk');
    expect(JSON.stringify(card.body.blocks)).toContain('DiskName=orders-db');
    const ephemeral = await h.fake.waitFor((c) => c.method === 'chat.postEphemeral');
    expect(ephemeral.body).toMatchObject({ channel: 'C0DISK', user: USERS.alice });
    expect(JSON.stringify(ephemeral.body)).toContain('opened');
  });
});

describe('formToCommandText', () => {
  it('quotes free text so it cannot inject flags', () => {
    const reason = 'x" --pl PL3 --zone cn-hangzhou-b "';
    const parsed = parseDiskCommand(
      formToCommandText({
        name: text('orders-db'),
        size: { value: { type: 'number_input', value: '50' } },
        reason: text(reason),
      }),
    );
    if (!parsed.ok || parsed.command.kind !== 'create') throw new Error(JSON.stringify(parsed));
    expect(parsed.command.reason).toBe(reason);
    expect(parsed.command.performanceLevel).toBeUndefined();
    expect(parsed.command.zoneId).toBeUndefined();
  });
});
