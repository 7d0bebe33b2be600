import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interactions } from '../../src/sandbox/interactions.js';
import { CHANNELS, USERS } from '../../src/sandbox/people.js';
import { type SlackApiStandIn, startSlackApi } from '../../src/sandbox/slack-api.js';
import { SlackFaults } from '../../src/sandbox/slack-faults.js';
import { Workspace } from '../../src/sandbox/workspace.js';
import { requestCard } from '../../src/slack/blocks/request-card.js';
import { homeView } from '../../src/slack/blocks/request-list.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const TOKEN = 'xoxb-sandbox-test';
const OPS = CHANNELS.ops.id;
let now = Date.now();
const workspace = new Workspace(new Set([OPS]));
const interactions = new Interactions(() => now);
const faults = new SlackFaults();
let api: SlackApiStandIn;
let client: webApi.WebClient;

beforeAll(async () => {
  api = await startSlackApi({
    workspace,
    interactions,
    botToken: TOKEN,
    permalinkBase: () => 'http://console',
    faults,
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
  it('throttles writes with Retry-After and fails them in an outage when told to; reads go on', async () => {
    const bolt = new webApi.WebClient(TOKEN, {
      slackApiUrl: api.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    try {
      faults.set({ throttleRate: 1, retryAfterSec: 7 });
      await expect(bolt.chat.postMessage({ channel: OPS, text: 'x' })).rejects.toMatchObject({
        code: 'slack_webapi_rate_limited_error',
        retryAfter: 7,
      });
      await expect(bolt.auth.test()).resolves.toMatchObject({ ok: true });
      faults.set({ outage: true });
      await expect(bolt.chat.update({ channel: OPS, ts: '1.1', text: 'x' })).rejects.toMatchObject({
        code: 'slack_webapi_http_error',
        statusCode: 503,
      });
      faults.set({});
      await expect(bolt.chat.postMessage({ channel: OPS, text: 'back' })).resolves.toMatchObject({
        ok: true,
      });
    } finally {
      faults.set({});
    }
  });

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

  it('refuses an over-limit card with invalid_blocks and the offending path, and accepts the bot’s own', async () => {
    const instances = Array.from(
      { length: 16 },
      (_, i) => `i-bp1${String(i).padStart(2, '0')}${'x'.repeat(17)}`,
    );
    const request: DiskRequest = {
      id: 'R-ABCDEF1234',
      kind: 'attach',
      state: 'pending',
      requesterId: USERS.engineer.id,
      channelId: OPS,
      params: {
        diskId: 'd-shared',
        instanceIds: instances,
        allowSingleNodeFs: false,
        regionId: 'cn-hangzhou',
      },
      plan: instances.map((id) => ({ action: 'AttachDisk', params: { DiskId: 'd-shared', InstanceId: id } })),
      checks: [],
      planHash: 'a'.repeat(64),
      quorum: 1,
      approvals: [],
      stepCursor: 0,
      createdAt: 0,
      updatedAt: 0,
      expiresAt: 86_400_000,
    };
    const card = requestCard(request);
    await client.chat.postMessage({ channel: OPS, ...card });
    // The card as it was before the limits module: every instance id in the confirm dialog.
    const actionsAt = card.blocks.findIndex((b) => b.type === 'actions');
    const overLimit = JSON.parse(JSON.stringify(card.blocks)) as {
      elements?: { confirm?: { text: { text: string } } }[];
    }[];
    const confirm = overLimit[actionsAt]?.elements?.[0]?.confirm;
    if (!confirm) throw new Error('the card has no confirm dialog');
    confirm.text.text = `The bot will run the plan shown on the card:\nattach d-shared to ${instances.join(', ')}`;
    expect(confirm.text.text.length).toBeGreaterThan(300);
    const path = `/blocks/${actionsAt}/elements/0/confirm/text/text`;
    const refused = await client.chat
      .postMessage({ channel: OPS, text: card.text, blocks: overLimit as typeof card.blocks })
      .then(
        () => undefined,
        (error: { data: Record<string, unknown> }) => error.data,
      );
    expect(refused).toMatchObject({
      ok: false,
      error: 'invalid_blocks',
      errors: [`[ERROR] must be less than 301 characters [json-pointer:${path}]`],
      response_metadata: { messages: [`[ERROR] must be less than 301 characters [json-pointer:${path}]`] },
    });
    const awaiting = Array.from({ length: 100 }, (_, i) => ({
      ...request,
      id: `R-ABCDEF${String(i).padStart(4, '0')}`,
    }));
    await client.views.publish({
      user_id: USERS.approver.id,
      view: homeView({ mine: [], awaiting, recent: [] }),
    });
    await expect(
      client.views.publish({
        user_id: USERS.approver.id,
        view: { type: 'home', blocks: Array.from({ length: 101 }, () => section('x')) },
      }),
    ).rejects.toMatchObject({ data: { error: 'invalid_blocks' } });
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
