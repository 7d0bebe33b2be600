/**
 * The console's external selects: typing becomes a signed `block_suggestion` to the app's
 * `/slack/events` (checked by a real Bolt app's signature verification), and the app's options
 * come back as Slack would show them, or as the error Slack's menu would show instead.
 */
import type { SlackOptionsMiddlewareArgs } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../../src/sandbox/people.js';
import { SUGGEST_TIMEOUT_MS } from '../../src/sandbox/platform.js';
import { instanceOptions, type StubConsole, startStubConsole } from '../support/console-stub.js';

const USER = USERS.engineer.id;
const form = {
  type: 'modal',
  callback_id: 'attach_form',
  private_metadata: 'd-shared01',
  title: { type: 'plain_text', text: 'Attach' },
  submit: { type: 'plain_text', text: 'Request' },
  blocks: [
    {
      type: 'input',
      block_id: 'instances',
      label: { type: 'plain_text', text: 'Instances' },
      element: { type: 'multi_external_select', action_id: 'pick', min_query_length: 0 },
    },
  ],
};
const INSTANCES = instanceOptions(130);

let stub: StubConsole;
const seen: SlackOptionsMiddlewareArgs['body'][] = [];

beforeAll(async () => {
  stub = await startStubConsole({
    register: (app) =>
      app.options('pick', async ({ body, ack }) => {
        seen.push(body);
        const typed = body.value;
        if (typed === 'too-many') return ack({ options: INSTANCES });
        if (typed === 'slow') await new Promise((r) => setTimeout(r, SUGGEST_TIMEOUT_MS + 1_500));
        if (typed === 'grouped')
          return ack({
            option_groups: [
              { label: { type: 'plain_text', text: 'zone i' }, options: INSTANCES.slice(0, 2) },
              { label: { type: 'plain_text', text: 'zone j' }, options: INSTANCES.slice(2, 3) },
            ],
          });
        await ack({ options: INSTANCES.filter((o) => o.text.text.includes(typed)).slice(0, 100) });
      }),
  });
});
afterAll(() => stub?.stop());

const suggest = (viewId: string, value: string, values: unknown = {}) =>
  stub.post('/api/suggest', { user: USER, viewId, actionId: 'pick', blockId: 'instances', value, values });

describe('console: external select options through a signed block_suggestion', () => {
  it('forwards what was typed with the view, its state and the container, as Slack sends it', async () => {
    const view = stub.workspace.openView(USER, form);
    const values = {
      instances: {
        pick: {
          type: 'multi_external_select',
          selected_options: [INSTANCES[0]],
        },
      },
    };
    const reply = await suggest(view.id, 'i-12', values);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      ok: true,
      options: INSTANCES.filter((o) => o.text.text.includes('i-12')),
    });
    const body = seen.at(-1);
    expect(body).toMatchObject({
      type: 'block_suggestion',
      action_id: 'pick',
      block_id: 'instances',
      value: 'i-12',
      user: { id: USER },
      team: { id: 'T0SANDBOX' },
      container: { type: 'view', view_id: view.id },
      view: {
        id: view.id,
        hash: view.hash,
        callback_id: 'attach_form',
        private_metadata: 'd-shared01',
        state: { values },
      },
    });
    expect(body).not.toHaveProperty('trigger_id');
  });

  it('passes option groups through and answers at most 100 options', async () => {
    const view = stub.workspace.openView(USER, form);
    const grouped = await suggest(view.id, 'grouped');
    expect(grouped.body).toMatchObject({
      ok: true,
      option_groups: [{ label: { text: 'zone i' } }, { label: { text: 'zone j' } }],
    });
    const wide = await suggest(view.id, 'nvme');
    expect(wide.body.options).toHaveLength(100);
  });

  it('refuses what Slack refuses: more than 100 options, a late answer, a view that is not open', async () => {
    const view = stub.workspace.openView(USER, form);
    const many = await suggest(view.id, 'too-many');
    expect(many.body).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^invalid options response \(options: /),
    });
    const late = await suggest(view.id, 'slow');
    expect(late.body).toEqual({ ok: false, error: 'the app did not answer within 3 s' });
    const other = await stub.post('/api/suggest', {
      user: USERS.approver.id,
      viewId: view.id,
      actionId: 'pick',
      blockId: 'instances',
      value: 'nvme',
      values: {},
    });
    expect(other.body).toEqual({ ok: false, error: 'This modal is not open any more.' });
  });

  it('rejects a malformed request before anything reaches the app', async () => {
    const view = stub.workspace.openView(USER, form);
    const before = seen.length;
    const reply = await stub.post('/api/suggest', { user: USER, viewId: view.id, value: 'nvme' });
    expect(reply).toEqual({ status: 400, body: { ok: false, error: 'invalid request' } });
    expect(seen).toHaveLength(before);
  });
});

describe('console: block_suggestion signature', () => {
  it('is checked by Bolt: signed with the wrong secret, the app answers 401 and no listener runs', async () => {
    let called = false;
    const wrong = await startStubConsole({
      wrongSecret: true,
      register: (app) =>
        app.options('pick', async ({ ack }) => {
          called = true;
          await ack({ options: [] });
        }),
    });
    try {
      const view = wrong.workspace.openView(USER, form);
      const reply = await wrong.post('/api/suggest', {
        user: USER,
        viewId: view.id,
        actionId: 'pick',
        blockId: 'instances',
        value: 'nvme',
        values: {},
      });
      expect(reply.body).toEqual({ ok: false, error: 'the app answered HTTP 401' });
      expect(called).toBe(false);
    } finally {
      await wrong.stop();
    }
  });
});
