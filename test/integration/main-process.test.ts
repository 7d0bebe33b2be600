import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { waitUntil } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { freePort } from '../support/redis-server.js';
import { signedSlackClient } from '../support/slack-requests.js';

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-main-process-t0k3n',
  SLACK_SIGNING_SECRET: 'main-process-signing-s3cret',
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
};

let fake: FakeSlack;
let emulator: RunningEmulator;
let dir: string;
let child: ChildProcess;
let output = '';
const outputs: string[] = [];

interface Spawned {
  readonly child: ChildProcess;
  readonly text: () => string;
  readonly exited: Promise<number | null>;
}

/** The real entry point with a clean environment; everything it prints is kept for the grep. */
function spawnBot(env: Record<string, string>): Spawned {
  let text = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const index = outputs.push('') - 1;
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    outputs[index] = text;
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { child: proc, text: () => text, exited };
}

/** Secrets as Kubernetes mounts them: one file each, with a trailing newline. */
function secretFiles(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(SECRETS)) {
    const path = join(dir, name.toLowerCase());
    writeFileSync(path, `${value}\n`);
    env[`${name}_FILE`] = path;
  }
  return env;
}

function baseEnv(): Record<string, string> {
  return {
    SLACK_API_URL: fake.apiUrl,
    REDIS_URL: inject('redisUrl'),
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox',
    ECS_ENDPOINT: emulator.endpoint,
    ECS_PROTOCOL: 'http',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
  };
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/xoxb-[\w-]{6,}/);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sdb-main-'));
  fake = await startFakeSlack();
  emulator = await startEmulator({ port: 0 });
  const spawned = spawnBot({ ...baseEnv(), ...secretFiles() });
  child = spawned.child;
  // A deadline, not a wait: on two busy cores tsx compiling the entry alone can take 20 s.
  await waitUntil(() => /listening on port \d+/.test(spawned.text()), 60_000);
  output = spawned.text();
  child.stdout?.on('data', () => {
    output = spawned.text();
  });
  child.stderr?.on('data', () => {
    output = spawned.text();
  });
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await fake.close();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
  // Every process this file started, whatever happened to it, printed no secret.
  for (const text of outputs) expectNoSecret(text);
});

describe('the bot process (src/main.ts)', { timeout: 90_000 }, () => {
  it('serves Slack and the ops routes with secrets read from files, then shuts down cleanly on SIGTERM without logging a secret', async () => {
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
    // An error path: a request signed with the wrong secret is refused and logged.
    const forged = signedSlackClient(`${base}/slack/events`, 'not-the-signing-secret');
    expect((await forged.command({ text: 'status', responseUrl: fake.responseUrl('forged') })).status).toBe(
      401,
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/sdb_ecs_calls_total\{action="DescribeDisks",code="OK"\} [1-9]/);
    expect(metrics).toContain('sdb_queue_jobs{state="waiting"} 0');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    output = outputs[0] ?? output;
    expect(output).toContain('app.stopping');

    // The assertion below means something only if the bot really logged its work.
    expect(output).toContain('slack.identity.ready');
    expect(output.split('\n').length).toBeGreaterThan(3);
    expectNoSecret(output);
  });

  it('a secret file that does not exist or cannot be read is a config error naming the variable, not a value', async () => {
    // Started together: each run pays a full TypeScript start-up.
    const missing = spawnBot({
      ...baseEnv(),
      ...secretFiles(),
      SLACK_BOT_TOKEN_FILE: join(dir, 'no-such-file'),
    });
    // A directory is unreadable as a file even for root (tests may run as root).
    const unreadable = spawnBot({ ...baseEnv(), ...secretFiles(), SLACK_SIGNING_SECRET_FILE: dir });
    const both = spawnBot({
      ...baseEnv(),
      ...secretFiles(),
      SLACK_SIGNING_SECRET: SECRETS.SLACK_SIGNING_SECRET,
    });
    expect(await Promise.all([missing.exited, unreadable.exited, both.exited])).toEqual([2, 2, 2]);
    expect(missing.text()).toContain(
      `SLACK_BOT_TOKEN_FILE: cannot read ${join(dir, 'no-such-file')} (ENOENT)`,
    );
    expect(unreadable.text()).toContain(`SLACK_SIGNING_SECRET_FILE: cannot read ${dir} (EISDIR)`);
    expect(both.text()).toContain(
      'SLACK_SIGNING_SECRET: set either SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_FILE',
    );
    for (const run of [missing, unreadable, both]) expectNoSecret(run.text());
  });

  it('a Slack auth failure and an unreachable Redis are logged without a secret', async () => {
    fake.on('auth.test', () => ({ json: { ok: false, error: 'invalid_auth' } }));
    const closedPort = await freePort();
    const run = spawnBot({
      ...baseEnv(),
      ...secretFiles(),
      REDIS_URL: `redis://:redis-pa55word@127.0.0.1:${closedPort}`,
    });
    try {
      await waitUntil(
        () => /slack\.identity\.retry|invalid_auth/.test(run.text()) && run.text().includes('redis'),
        60_000,
      );
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await run.exited;
    }
    expect(run.text()).toMatch(/ECONNREFUSED/);
    expectNoSecret(run.text());
    expect(run.text()).not.toContain('redis-pa55word');
  });
});
