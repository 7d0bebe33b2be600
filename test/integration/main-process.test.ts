import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { waitUntil } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { signedSlackClient } from '../support/slack-requests.js';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-main-process-t0k3n',
  SLACK_SIGNING_SECRET: 'main-process-signing-s3cret',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
};

let fake: FakeSlack;
let emulator: RunningEmulator;
let child: ChildProcess;
let output = '';

beforeAll(async () => {
  fake = await startFakeSlack();
  emulator = await startEmulator({ port: 0 });
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...SECRETS,
      SLACK_API_URL: fake.apiUrl,
      REDIS_URL: inject('redisUrl'),
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox',
      ECS_ENDPOINT: emulator.endpoint,
      ECS_PROTOCOL: 'http',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  await waitUntil(() => /listening on port \d+/.test(output), 20_000);
});

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await fake.close();
  await emulator.close();
});

describe('the bot process (src/main.ts)', () => {
  it('serves Slack and the ops routes, then shuts down cleanly on SIGTERM without logging a secret', async () => {
    const port = Number(/listening on port (\d+)/.exec(output)?.[1]);
    const base = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, 10_000);

    const client = signedSlackClient(`${base}/slack/events`, SECRETS.SLACK_SIGNING_SECRET);
    const res = await client.command({
      text: `status ${'d-bp1nope'}`,
      responseUrl: fake.responseUrl('status'),
    });
    expect(res.status).toBe(200);
    await fake.waitFor((c) => c.method === '/response/status', 10_000);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/sdb_ecs_calls_total\{action="DescribeDisks",code="OK"\} [1-9]/);
    expect(metrics).toContain('sdb_queue_jobs{state="waiting"} 0');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('app.stopping');

    // The assertion below means something only if the bot really logged its work.
    expect(output).toContain('slack.identity.ready');
    expect(output.split('\n').length).toBeGreaterThan(3);
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/xoxb-[\w-]{6,}/);
  });
});
