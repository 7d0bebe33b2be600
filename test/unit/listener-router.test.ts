import { App, LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routedListeners } from '../../src/slack/listener-router.js';

function app(): App {
  return new App({
    token: 'xoxb-test',
    signingSecret: 'secret',
    botId: 'B1',
    botUserId: 'U1',
    logLevel: LogLevel.ERROR,
    tokenVerificationEnabled: false,
  });
}
const click = (actionId: string) => ({
  type: 'block_actions',
  user: { id: 'U2' },
  team: { id: 'T1' },
  api_app_id: 'A1',
  token: 'x',
  trigger_id: 't',
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }],
});
const submit = (callbackId: string) => ({
  type: 'view_submission',
  user: { id: 'U2' },
  team: { id: 'T1' },
  api_app_id: 'A1',
  token: 'x',
  trigger_id: 't',
  view: { id: 'V1', callback_id: callbackId, state: { values: {} }, private_metadata: '' },
});

describe('routedListeners', () => {
  it('runs the callback registered for the action id or view callback id, and only that one', async () => {
    const slack = app();
    const routed = routedListeners(slack);
    const heard: string[] = [];
    routed.app.action('sdb.approve', async ({ ack }) => {
      await ack();
      heard.push('approve');
    });
    routed.app.action('sdb.reject', async () => void heard.push('reject'));
    routed.app.action('sdb.reject', async () => void heard.push('reject again'));
    routed.app.view('sdb.form', async () => void heard.push('form'));
    // Not a plain id: goes to Bolt as it is.
    routed.app.action(/^other\./, async () => void heard.push('pattern'));
    routed.install();
    const acked: string[] = [];
    for (const body of [
      click('sdb.approve'),
      click('sdb.reject'),
      submit('sdb.form'),
      click('other.x'),
      click('sdb.approve.x'),
    ]) {
      await slack.processEvent({ body, ack: async () => void acked.push('ack') } as never);
    }
    expect(heard).toEqual(['approve', 'reject', 'reject again', 'form', 'pattern']);
    expect(acked).toEqual(['ack']);
    // Everything else on the App is the App's own.
    expect(routed.app.client).toBe(slack.client);
  });
});
