import { describe, expect, it } from 'vitest';
import { startTestBot, waitUntil } from '../support/bot.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { freePort } from '../support/redis-server.js';

describe('startup when the Slack Web API misbehaves', () => {
  it('stays up and not-ready while auth.test fails, then becomes ready', async () => {
    const fake = await startFakeSlack();
    let failing = true;
    fake.on('auth.test', () =>
      failing
        ? { status: 500, json: { ok: false } }
        : { json: { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT' } },
    );
    const bot = await startTestBot({ apiUrl: fake.apiUrl });
    try {
      await waitUntil(() => fake.apiCalls('auth.test').length >= 1);
      const notReady = await fetch(`${bot.baseUrl}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ok: false, checks: [{ name: 'slack', ok: false }] });
      expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
      failing = false;
      await waitUntil(() => bot.slack.identity.ready, 10_000);
      expect((await fetch(`${bot.baseUrl}/readyz`)).status).toBe(200);
      expect(bot.logs.text).toContain('slack.identity.retry');
    } finally {
      await bot.stop();
      await fake.close();
    }
  });

  it('survives an unreachable Web API (connection refused) without crashing', async () => {
    const closedPort = await freePort();
    const bot = await startTestBot({ apiUrl: `http://127.0.0.1:${closedPort}/api/` });
    try {
      await waitUntil(() => bot.logs.text.includes('slack.identity.retry'));
      expect((await fetch(`${bot.baseUrl}/readyz`)).status).toBe(503);
      expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await bot.stop();
    }
  });

  it('in Socket Mode serves the ops routes and retries a refused connection', async () => {
    const fake = await startFakeSlack();
    fake.on('apps.connections.open', () => ({ json: { ok: false, error: 'invalid_auth' } }));
    const bot = await startTestBot({ apiUrl: fake.apiUrl, socketAppToken: 'xapp-1-A0FAKE-1-secretpart' });
    try {
      await waitUntil(() => fake.apiCalls('apps.connections.open').length >= 1);
      await waitUntil(() => bot.logs.text.includes('slack.socket.retry'));
      expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
      expect(bot.logs.text).not.toContain('secretpart');
    } finally {
      await bot.stop();
      await fake.close();
    }
  });
});
