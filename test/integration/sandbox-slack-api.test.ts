import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interactions } from '../../src/sandbox/interactions.js';
import { CHANNELS, USERS } from '../../src/sandbox/people.js';
import { type SlackApiStandIn, startSlackApi } from '../../src/sandbox/slack-api.js';
import { Workspace } from '../../src/sandbox/workspace.js';

const TOKEN = 'xoxb-sandbox-test';
const OPS = CHANNELS.ops.id;
let now = Date.now();
const workspace = new Workspace(new Set([OPS]));
const interactions = new Interactions(() => now);
let api: SlackApiStandIn;
let client: webApi.WebClient;

beforeAll(async () => {
  api = await startSlackApi({
    workspace,
    interactions,
    botToken: TOKEN,
    permalinkBase: () => 'http://console',
  });
  client = new webApi.WebClient(TOKEN, { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => api.close());

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const respond = (id: string, body: unknown) =>
  fetch(api.responseUrl(id), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('sandbox Slack Web API stand-in, through the real WebClient', () => {
  it('refuses a wrong token and an unknown method the way Slack does', async () => {
    const stranger = new webApi.WebClient('xoxb-other', {
      slackApiUrl: api.apiUrl,
      retryConfig: { retries: 0 },
    });
    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
    await expect(client.apiCall('conversations.history', { channel: OPS })).rejects.toMatchObject({
      data: { error: 'unknown_method' },
    });
  });

  it('posts, threads, updates and links messages; refuses what Slack refuses', async () => {
    const parent = await client.chat.postMessage({ channel: OPS, text: 'card', blocks: [section('*card*')] });
    const reply = await client.chat.postMessage({
      channel: OPS,
      thread_ts: parent.ts ?? '',
      text: 'done',
      reply_broadcast: true,
    });
    expect(workspace.find(OPS, reply.ts ?? '')).toMatchObject({ threadTs: parent.ts, replyBroadcast: true });
    await client.chat.update({ channel: OPS, ts: parent.ts ?? '', text: 'card v2' });
    expect(workspace.find(OPS, parent.ts ?? '')).toMatchObject({ text: 'card v2', edited: true });
    const link = await client.chat.getPermalink({ channel: OPS, message_ts: parent.ts ?? '' });
    expect(link.permalink).toBe(`http://console/#${OPS}/p${(parent.ts ?? '').replace('.', '')}`);

    await expect(client.chat.postMessage({ channel: 'C0NOPE', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    const tooMany = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: OPS, text: 'x', blocks: tooMany })).rejects.toMatchObject(
      {
        data: { error: 'invalid_blocks' },
      },
    );
    const eph = await client.chat.postEphemeral({ channel: OPS, user: USERS.engineer.id, text: 'psst' });
    await expect(
      client.chat.update({ channel: OPS, ts: eph.message_ts ?? '', text: 'x' }),
    ).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    expect(workspace.snapshot(USERS.approver.id).messages.some((m) => m.text === 'psst')).toBe(false);
  });

  it('exchanges a trigger id once and only within 3 s', async () => {
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'T' }, blocks: [] };
    const trigger = interactions.mintTrigger(USERS.approver.id);
    const opened = await client.views.open({ trigger_id: trigger, view });
    expect(workspace.snapshot(USERS.approver.id).modal?.id).toBe(opened.view?.id);
    await expect(client.views.open({ trigger_id: trigger, view })).rejects.toMatchObject({
      data: { error: 'exchanged_trigger_id' },
    });
    const late = interactions.mintTrigger(USERS.approver.id);
    now += 3_001;
    await expect(client.views.open({ trigger_id: late, view })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    await client.views.publish({ user_id: USERS.oncall.id, view: { type: 'home', blocks: [section('hi')] } });
    expect(workspace.snapshot(USERS.oncall.id).home).toMatchObject({ type: 'home' });
  });

  it('response_url: replaces the ephemeral it wrote, deletes it, and refuses a sixth post', async () => {
    const id = interactions.mintResponse({
      user: USERS.engineer.id,
      channel: OPS,
      source: { kind: 'command' },
    });
    const mine = () => workspace.snapshot(USERS.engineer.id).messages.filter((m) => m.ephemeralFor);
    const count = mine().length;
    expect((await respond(id, { response_type: 'ephemeral', text: 'working…' })).status).toBe(200);
    expect((await respond(id, { replace_original: true, text: 'done' })).status).toBe(200);
    expect(mine()).toHaveLength(count + 1);
    expect(mine().at(-1)).toMatchObject({ text: 'done', edited: false });
    expect((await respond(id, { delete_original: true })).status).toBe(200);
    expect(mine()).toHaveLength(count);
    await respond(id, { text: 'four' });
    await respond(id, { response_type: 'in_channel', text: 'five' });
    expect(workspace.snapshot(USERS.approver.id).messages.some((m) => m.text === 'five')).toBe(true);
    const sixth = await respond(id, { text: 'six' });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toMatchObject({ error: 'used_url' });
  });
});
