import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { startTestBot, type TestBot, waitUntil } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

/** Slack's side of Socket Mode: hello, then envelopes; acks come back with the envelope id. */
let fake: FakeSlack;
let wss: WebSocketServer;
let bot: TestBot;
let socket: WebSocket | undefined;
const acks = new Map<string, unknown>();

beforeAll(async () => {
  fake = await startFakeSlack();
  wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  fake.on('apps.connections.open', () => ({
    json: { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=t` },
  }));
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { envelope_id: string; payload?: unknown };
      acks.set(message.envelope_id, message.payload);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: 'A0FAKE' },
        debug_info: { host: 'fake' },
      }),
    );
  });
  bot = await startTestBot({ apiUrl: fake.apiUrl, socketAppToken: 'xapp-1-A0FAKE-1-socketsecret' });
  await waitUntil(() => socket !== undefined && bot.slack.identity.ready, 10_000);
});

afterAll(async () => {
  await bot.stop();
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await fake.close();
});

function slashCommand(envelopeId: string, text: string) {
  socket?.send(
    JSON.stringify({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'legacy',
        team_id: 'T0FAKE',
        team_domain: 'fake',
        channel_id: 'C0DISK',
        channel_name: 'ops',
        user_id: 'U0ALICE',
        user_name: 'alice',
        command: '/disk',
        text,
        api_app_id: 'A0FAKE',
        is_enterprise_install: 'false',
        response_url: fake.responseUrl(envelopeId),
        trigger_id: '1.2.3',
      },
    }),
  );
}

describe('Socket Mode', () => {
  it('connects with the app token and answers /disk inside the envelope ack', async () => {
    expect(fake.apiCalls('apps.connections.open')[0]?.auth).toBe('Bearer xapp-1-A0FAKE-1-socketsecret');
    slashCommand('env-1', 'create x --size abc');
    await waitUntil(() => acks.has('env-1'));
    expect(acks.get('env-1')).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('--size'),
    });
    slashCommand('env-2', 'help attach');
    await waitUntil(() => acks.has('env-2'));
    expect(JSON.stringify(acks.get('env-2'))).toContain('attach');
  });

  it('still serves the ops routes on the HTTP port and never logs the app token', async () => {
    expect((await fetch(`${bot.baseUrl}/readyz`)).status).toBe(200);
    expect(bot.logs.text).not.toContain('socketsecret');
  });
});
