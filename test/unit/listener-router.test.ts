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

const slash = (command: string) => ({
  token: 'x',
  team_id: 'T1',
  api_app_id: 'A1',
  channel_id: 'C1',
  user_id: 'U2',
  command,
  text: 'help',
  response_url: 'https://hooks.slack.test/r',
  trigger_id: 't',
});

describe('routedListeners', () => {
  it('runs the slash command callback for its name with the listener arguments, and no listener chain', async () => {
    const slack = app();
    const routed = routedListeners(slack);
    const heard: string[] = [];
    routed.app.command('/disk', async ({ command, ack, respond, client, next }) => {
      expect(typeof respond).toBe('function');
      expect(client).toBeDefined();
      next(); // a no-op, as for any listener
      await ack({ text: command.text });
      heard.push(`disk ${command.text}`);
    });
    // A Bolt listener for every command: runs for /other, never for /disk.
    slack.command(/.*/, async ({ command }) => void heard.push(`bolt ${command.command}`));
    routed.install();
    const acked: unknown[] = [];
    for (const body of [slash('/disk'), slash('/other')]) {
      await slack.processEvent({ body, ack: async (reply?: unknown) => void acked.push(reply) } as never);
    }
    expect(heard).toEqual(['disk help', 'bolt /other']);
    expect(acked).toEqual([{ text: 'help' }]);
  });

  it('hands a failing slash command callback to Bolt’s error handler', async () => {
    const slack = app();
    const errors: unknown[] = [];
    slack.error(async (error) => void errors.push(error.original ?? error));
    const routed = routedListeners(slack);
    const boom = new Error('boom');
    routed.app.command('/disk', async () => {
      throw boom;
    });
    routed.install();
    await slack.processEvent({ body: slash('/disk'), ack: async () => {} } as never);
    expect(errors).toEqual([boom]);
  });

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
