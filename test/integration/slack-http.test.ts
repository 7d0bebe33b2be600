import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { startTestBot, TEST_SIGNING_SECRET, type TestBot, waitUntil } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import {
  postToSlackEndpoint,
  signedSlackClient,
  signSlackBody,
  slashCommandBody,
} from '../support/slack-requests.js';

interface EphemeralBody {
  response_type: string;
  text: string;
  blocks?: unknown[];
}

let fake: FakeSlack;
let bot: TestBot;
let redis: Redis;
let client: ReturnType<typeof signedSlackClient>;

beforeAll(async () => {
  fake = await startFakeSlack();
  redis = new Redis(inject('redisUrl'));
  bot = await startTestBot({
    apiUrl: fake.apiUrl,
    readinessChecks: [{ name: 'redis', check: async () => ({ ok: (await redis.ping()) === 'PONG' }) }],
  });
  client = signedSlackClient(bot.endpoint, TEST_SIGNING_SECRET);
  await waitUntil(() => bot.slack.identity.ready);
});

afterAll(async () => {
  await bot.stop();
  await fake.close();
  redis.disconnect();
});

beforeEach(() => fake.reset());

const command = (text: string) => client.command({ text, responseUrl: fake.responseUrl('cmd') });

describe('/disk over signed HTTP', () => {
  it('answers a valid attach inside the HTTP response, ephemerally', async () => {
    const res = await command('attach d-1 i-1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = res.json() as EphemeralBody;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('/disk attach');
    expect(body.text).toContain('not available yet');
    expect(fake.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('names --size when the size is not a number', async () => {
    const res = await command('create x --size abc');
    expect(res.status).toBe(200);
    const body = res.json() as EphemeralBody;
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('--size');
    expect(JSON.stringify(body.blocks)).toContain('/disk create');
  });

  it('answers help and an empty command with Block Kit help', async () => {
    for (const text of ['', 'help', 'help attach']) {
      const body = (await command(text)).json() as EphemeralBody;
      expect(body.response_type).toBe('ephemeral');
      expect(Array.isArray(body.blocks) && body.blocks.length > 0).toBe(true);
    }
    const attachHelp = (await command('help attach')).json() as EphemeralBody;
    expect(JSON.stringify(attachHelp.blocks)).toContain('attach');
  });

  it('decodes the HTML entities Slack puts in command text before parsing', async () => {
    const res = await command('create db1 --size 100 --reason "a &lt;b&gt; &amp; c"');
    const body = res.json() as EphemeralBody;
    expect(body.text).toContain('/disk create');
    expect(body.text).not.toContain('could not be read');
  });

  it('survives 2,000 random command texts without a 5xx', async () => {
    const texts = fc.sample(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc
          .array(
            fc.constantFrom(
              'create',
              'attach',
              'detach',
              'status',
              'list',
              'failover',
              'requests',
              'cancel',
              'help',
              '--size',
              '—size',
              '–zone',
              '--tag',
              'k=v',
              '"quoted',
              "'",
              'd-abc',
              'i-123',
              'R-ABCDEFGH',
              '--from',
              '--to',
              '--emergency',
              '<@U1>',
              '&lt;',
              '--pl',
              'PL9',
              '99999999999',
              '-1',
            ),
            { maxLength: 12 },
          )
          .map((words) => words.join(' ')),
      ),
      { numRuns: 2_000, seed: 42 },
    );
    const statuses = new Map<number, number>();
    for (let i = 0; i < texts.length; i += 50) {
      const batch = await Promise.all(texts.slice(i, i + 50).map((text) => command(text)));
      for (const res of batch) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect([...statuses.keys()]).toEqual([200]);
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('request verification', () => {
  const body = () => slashCommandBody({ text: 'attach d-1 i-1', responseUrl: fake.responseUrl('x') });

  it('refuses a wrong signature with 401 and no side effect', async () => {
    const raw = body();
    const res = await postToSlackEndpoint(bot.endpoint, raw, signSlackBody('not-the-secret', raw));
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(fake.calls).toEqual([]);
  });

  it('refuses missing signature headers with 401', async () => {
    const res = await postToSlackEndpoint(bot.endpoint, body(), {});
    expect(res.status).toBe(401);
    expect(fake.calls).toEqual([]);
  });

  it('refuses a correctly signed request older than 5 minutes with 401', async () => {
    const raw = body();
    const stale = Math.floor(Date.now() / 1000) - 301;
    const res = await postToSlackEndpoint(bot.endpoint, raw, signSlackBody(TEST_SIGNING_SECRET, raw, stale));
    expect(res.status).toBe(401);
    expect(fake.calls).toEqual([]);
  });

  it('refuses a body altered after signing', async () => {
    const raw = body();
    const headers = signSlackBody(TEST_SIGNING_SECRET, raw);
    const res = await postToSlackEndpoint(bot.endpoint, raw.replace('attach', 'detach'), headers);
    expect(res.status).toBe(401);
  });
});

describe('ops routes', () => {
  it('serves /healthz, /readyz (pinging Redis) and /metrics', async () => {
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${bot.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ok: true,
      checks: [
        { name: 'slack', ok: true },
        { name: 'redis', ok: true },
      ],
    });
    const metrics = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    expect(metrics).toContain('sdb_slack_requests_total');
  });

  it('never logs the signing secret or the bot token', () => {
    expect(bot.logs.text).not.toContain(TEST_SIGNING_SECRET);
    expect(bot.logs.text).not.toContain('xoxb-test-token');
  });
});
