import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { descendants, type NpmStart, npmStart, survivors } from '../support/npm-start.js';
import { portIsOpen } from '../support/sandbox-browser.js';

/** The promise to operators: exit within 5 s of SIGTERM; the stop's own deadline is 4.5 s. */
const STOP_WITHIN_MS = 5_000;
/** Children that learn of the exit through a closed pipe (esbuild, the Redis wrapper) need a moment. */
const CHILDREN_GONE_MS = 3_000;

let started: NpmStart[] = [];
afterEach(() => {
  // Whatever a failed test left behind, by pid.
  for (const s of started) s.killAll();
  started = [];
});

async function sandbox(): Promise<{
  run: NpmStart;
  reportedPid: number;
  consolePort: number;
  redisPort: number;
}> {
  const run = npmStart({ PORT: '0' });
  started.push(run);
  const [, consolePort, redisPort] = await run.waitFor(
    /open http:\/\/127\.0\.0\.1:(\d+)[\s\S]*Redis: redis:\/\/127\.0\.0\.1:(\d+)/,
  );
  const [, pid] = await run.waitFor(/SIGTERM to pid (\d+)/);
  run.tree();
  return { run, reportedPid: Number(pid), consolePort: Number(consolePort), redisPort: Number(redisPort) };
}

describe('npm start in sandbox mode', () => {
  it('SIGTERM to the npm start PID (not the group): exit 0 within 5 s, every child stopped', async () => {
    const { run, reportedPid, consolePort, redisPort } = await sandbox();
    const npmPid = run.npm.pid as number;
    const tree = run.tree();
    expect(tree.map((p) => p.pid)).toContain(reportedPid);
    expect(tree.some((p) => p.comm.startsWith('redis-server'))).toBe(true);

    const sent = performance.now();
    process.kill(npmPid, 'SIGTERM');
    const { code, afterMs } = await run.exited(sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(STOP_WITHIN_MS);
    expect(await survivors([npmPid, ...tree.map((p) => p.pid)], CHILDREN_GONE_MS)).toEqual([]);
    expect(await portIsOpen(redisPort)).toBe(false);
    expect(await portIsOpen(consolePort)).toBe(false);
    expect(run.output()).toContain('SIGTERM: stopping the sandbox');
    expect(run.output()).not.toContain('did not stop cleanly');
  }, 60_000);

  it('SIGTERM to the PID it reports: npm start exits 0 within 5 s', async () => {
    const { run, reportedPid, redisPort } = await sandbox();
    const tree = run.tree();
    const sent = performance.now();
    process.kill(reportedPid, 'SIGTERM');
    const { code, afterMs } = await run.exited(sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(STOP_WITHIN_MS);
    expect(
      await survivors(
        tree.map((p) => p.pid),
        CHILDREN_GONE_MS,
      ),
    ).toEqual([]);
    expect(await portIsOpen(redisPort)).toBe(false);
  }, 60_000);

  it('SIGTERM while the sandbox is still starting: exit 0 within 5 s, nothing left running', async () => {
    const run = npmStart({ PORT: '0' });
    started.push(run);
    await run.waitFor(/starting the local sandbox/);
    // Let it get as far as its private redis-server, so there is something to stop.
    await expect
      .poll(() => run.tree().some((p) => p.comm.startsWith('redis-server')), {
        timeout: 20_000,
        interval: 20,
      })
      .toBe(true);
    const tree = run.tree();
    const sent = performance.now();
    process.kill(run.npm.pid as number, 'SIGTERM');
    const { code, afterMs } = await run.exited(sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(STOP_WITHIN_MS);
    expect(
      await survivors(
        tree.map((p) => p.pid),
        CHILDREN_GONE_MS,
      ),
    ).toEqual([]);
  }, 60_000);

  it('npm killed outright (SIGKILL): the sandbox notices and stops itself and its redis-server', async () => {
    const { run, reportedPid, redisPort } = await sandbox();
    const tree = run.tree();
    process.kill(run.npm.pid as number, 'SIGKILL');
    expect(
      await survivors([reportedPid, ...tree.map((p) => p.pid)], STOP_WITHIN_MS + CHILDREN_GONE_MS),
    ).toEqual([]);
    expect(await portIsOpen(redisPort)).toBe(false);
  }, 60_000);

  it('the sandbox process killed outright (SIGKILL): its private redis-server stops anyway', async () => {
    const { run, reportedPid, redisPort } = await sandbox();
    const redis = descendants(reportedPid).filter((p) => p.comm.startsWith('redis-server'));
    expect(redis).toHaveLength(1);
    process.kill(reportedPid, 'SIGKILL');
    expect(await survivors([reportedPid, ...redis.map((p) => p.pid)], CHILDREN_GONE_MS)).toEqual([]);
    expect(await portIsOpen(redisPort)).toBe(false);
    await run.exited(performance.now());
  }, 60_000);
});

describe('npm start in production mode', () => {
  let fake: FakeSlack;
  let emulator: RunningEmulator;
  beforeAll(async () => {
    fake = await startFakeSlack();
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await fake.close();
    await emulator.close();
  });

  it('SIGTERM to the PID it reports: exit 0 within 5 s, nothing left running', async () => {
    const run = npmStart({
      SLACK_BOT_TOKEN: 'xoxb-npm-start-t0k3n',
      SLACK_SIGNING_SECRET: 'npm-start-signing-s3cret',
      SLACK_API_URL: fake.apiUrl,
      REDIS_URL: inject('redisUrl'),
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
      ECS_ENDPOINT: emulator.endpoint,
      ECS_PROTOCOL: 'http',
      PORT: '0',
      HOST: '127.0.0.1',
    });
    started.push(run);
    const [, port, pid] = await run.waitFor(/listening on port (\d+) \(http mode, pid (\d+)\)/);
    const base = `http://127.0.0.1:${port}`;
    await expect.poll(async () => (await fetch(`${base}/healthz`)).status, { timeout: 10_000 }).toBe(200);
    const tree = run.tree();
    expect(tree.map((p) => p.pid)).toContain(Number(pid));

    const sent = performance.now();
    process.kill(Number(pid), 'SIGTERM');
    const { code, afterMs } = await run.exited(sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(STOP_WITHIN_MS);
    expect(run.output()).toContain('app.stopping');
    expect(
      await survivors(
        tree.map((p) => p.pid),
        CHILDREN_GONE_MS,
      ),
    ).toEqual([]);
    expect(await portIsOpen(Number(port))).toBe(false);
  }, 60_000);
});
