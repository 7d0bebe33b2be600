/** Wire protocol, signatures, faults, the admin API, the call log and the CLI. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { networkInterfaces } from 'node:os';
import { createInterface } from 'node:readline';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type CallRecord, type RunningEmulator, SEED, startEmulator } from '../../src/emulator/index.js';
import { acs3CanonicalRequest, acs3Signature, EMPTY_SHA256 } from '../../src/emulator/signature.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = 'cn-hangzhou';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ accessKeys: { sandbox: 'sandbox-secret', other: 'other-secret' } });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await admin('POST', '/faults', {});
  await admin('DELETE', '/calls');
});

const client = (options: Record<string, unknown> = {}) =>
  new Ecs.default(
    new $OpenApiUtil.Config({
      accessKeyId: 'sandbox',
      accessKeySecret: 'sandbox-secret',
      endpoint: emu.endpoint,
      protocol: 'http',
      ...options,
    }),
  );
const regions = (c = client()) => c.describeRegions(new Ecs.DescribeRegionsRequest({}));

async function admin(method: string, path: string, body?: unknown) {
  const r = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function failure(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

/** Signs like the SDK, so a test can replay a nonce or send an action the SDK has no method for. */
async function rawCall(action: string, query: string, options: { nonce?: string; version?: string } = {}) {
  const headers: Record<string, string> = {
    host: emu.endpoint,
    'x-acs-action': action,
    'x-acs-content-sha256': EMPTY_SHA256,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': options.nonce ?? randomBytes(16).toString('hex'),
    'x-acs-version': options.version ?? '2014-05-26',
  };
  const signed = Object.keys(headers).sort();
  const params = Object.fromEntries(new URLSearchParams(query));
  const canonical = acs3CanonicalRequest(
    { method: 'POST', path: '/', params, headers, body: Buffer.alloc(0) },
    signed,
    EMPTY_SHA256,
  );
  const { host: _host, ...sent } = headers;
  const r = await fetch(`${emu.url}/?${query}`, {
    method: 'POST',
    headers: {
      ...sent,
      authorization: `ACS3-HMAC-SHA256 Credential=sandbox,SignedHeaders=${signed.join(';')},Signature=${acs3Signature('sandbox-secret', canonical)}`,
    },
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('signatures and protocol errors', () => {
  test('ACS3 and the legacy v1 form are both accepted', async () => {
    expect((await regions()).body!.regions!.region![0]!.regionId).toBe(REGION);
    const v1 = await regions(client({ signatureAlgorithm: 'v2' }));
    expect(v1.body!.requestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(
      await failure(regions(client({ signatureAlgorithm: 'v2', accessKeySecret: 'nope' }))),
    ).toMatchObject({
      code: 'SignatureDoesNotMatch',
      statusCode: 400,
    });
  });

  test('wrong secret, unknown key, reused nonce and an unsigned request get the real codes', async () => {
    const wrong = await failure(regions(client({ accessKeySecret: 'nope' })));
    expect(wrong).toMatchObject({ name: 'ClientError', code: 'SignatureDoesNotMatch', statusCode: 400 });
    expect(wrong.data).toMatchObject({ HostId: emu.endpoint, Code: 'SignatureDoesNotMatch' });
    expect(Object.keys(wrong.data as object).sort()).toEqual([
      'Code',
      'HostId',
      'Message',
      'Recommend',
      'RequestId',
    ]);
    expect(await failure(regions(client({ accessKeyId: 'ghost' })))).toMatchObject({
      code: 'InvalidAccessKeyId.NotFound',
      statusCode: 404,
    });
    const nonce = randomBytes(16).toString('hex');
    expect((await rawCall('DescribeRegions', '', { nonce })).status).toBe(200);
    expect(await rawCall('DescribeRegions', '', { nonce })).toMatchObject({
      status: 400,
      body: { Code: 'SignatureNonceUsed' },
    });
    const unsigned = await fetch(`${emu.url}/?RegionId=cn-hangzhou`, {
      method: 'POST',
      headers: { 'x-acs-action': 'DescribeRegions', 'x-acs-version': '2014-05-26' },
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ Code: 'IncompleteSignature' });
  });

  test('unknown action, bad version and a missing parameter', async () => {
    expect(await rawCall('LaunchRocket', '')).toMatchObject({
      status: 404,
      body: { Code: 'InvalidAction.NotFound' },
    });
    expect(await rawCall('DescribeRegions', '', { version: '2016-01-01' })).toMatchObject({
      status: 400,
      body: { Code: 'InvalidVersion' },
    });
    expect(await rawCall('DescribeDisks', 'DiskIds=%5B%5D')).toMatchObject({
      status: 400,
      body: { Code: 'MissingParameter' },
    });
    const listed = await rawCall('DescribeDisks', 'RegionId=cn-hangzhou&DiskIds=%5B%22d-x%22%5D');
    expect(listed.body.Disks).toEqual({ Disk: [] });
    expect(await rawCall('DescribeDisks', 'RegionId=cn-hangzhou&DiskIds=nope')).toMatchObject({
      status: 400,
      body: { Code: 'InvalidParameter' },
    });
  });
});

describe('faults', () => {
  test('throttling carries x-acs-retry-after; 500 and 503 become ServerError; only the named action', async () => {
    await admin('POST', '/faults', { DescribeRegions: { throttleRate: 1, retryAfterMs: 1200 } });
    expect(await failure(regions())).toMatchObject({
      name: 'ThrottlingError',
      code: 'Throttling.User',
      statusCode: 400,
      retryAfter: 1200,
    });
    const zones = await client().describeZones(new Ecs.DescribeZonesRequest({ regionId: REGION }));
    expect(zones.body!.zones!.zone).toHaveLength(3);
    await admin('POST', '/faults', { '*': { internalErrorRate: 1 } });
    expect(await failure(regions())).toMatchObject({
      name: 'ServerError',
      code: 'InternalError',
      statusCode: 500,
    });
    await admin('POST', '/faults', { '*': { unavailableRate: 1 } });
    expect(await failure(regions())).toMatchObject({
      name: 'ServerError',
      code: 'ServiceUnavailable',
      statusCode: 503,
    });
    await admin('POST', '/faults', {});
    await regions();
  });

  test('added latency delays the answer but stays under the SDK timeout', async () => {
    await admin('POST', '/faults', { DescribeRegions: { addedLatencyMs: 300 } });
    const started = Date.now();
    await regions();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect((await admin('POST', '/faults', { '*': { addedLatencyMs: 5000 } })).status).toBe(400);
  });
});

describe('admin API and call log', () => {
  test('the call log records every call with its result, filterable by action', async () => {
    await regions();
    await failure(regions(client({ accessKeySecret: 'nope' })));
    const c = client();
    await failure(c.attachDisk(new Ecs.AttachDiskRequest({ diskId: 'd-missing', instanceId: 'i-missing' })));
    const all = (await admin('GET', '/calls')).body.calls as CallRecord[];
    expect(all.map((x) => [x.action, x.code, x.status])).toEqual([
      ['DescribeRegions', 'OK', 200],
      ['DescribeRegions', 'SignatureDoesNotMatch', 400],
      ['AttachDisk', 'InvalidDiskId.NotFound', 404],
    ]);
    const attaches = (await admin('GET', '/calls?action=AttachDisk')).body.calls as CallRecord[];
    expect(attaches).toHaveLength(1);
    expect(attaches[0]!.params).toMatchObject({ DiskId: 'd-missing', InstanceId: 'i-missing' });
    expect((await admin('DELETE', '/calls')).body).toEqual({ cleared: 3 });
  });

  test('state, reset, crash/recover/stop/start and file systems', async () => {
    const state = (await admin('GET', '/state')).body as {
      disks: { diskId: string }[];
      instances: unknown[];
    };
    expect(state.instances).toHaveLength(29);
    expect(state.disks.map((d) => d.diskId)).toEqual([SEED.disks.sharedExt4.diskId, SEED.disks.plain.diskId]);
    const id = SEED.instances.nvmeI[0]!.id;
    expect((await admin('POST', `/instances/${id}/crash`)).body).toMatchObject({
      status: 'Running',
      crashed: true,
    });
    expect((await admin('POST', `/instances/${id}/recover`)).body).toMatchObject({ crashed: false });
    expect((await admin('POST', `/instances/${id}/stop`)).body).toMatchObject({ status: 'Stopped' });
    expect((await admin('POST', `/instances/${id}/start`)).body).toMatchObject({ status: 'Running' });
    expect((await admin('POST', '/instances/i-nope/crash')).status).toBe(404);
    const shared = SEED.disks.sharedExt4;
    expect((await admin('POST', `/instances/${id}/disks/${shared.diskId}/filesystem`, {})).status).toBe(409);
    const fs = await admin('POST', `/instances/${shared.attachedTo}/disks/${shared.diskId}/filesystem`, {
      fstype: 'xfs',
      mountpoints: ['/srv'],
      readOnly: true,
    });
    expect(fs).toMatchObject({ status: 200, body: { fstype: 'xfs', mountpoints: ['/srv'], readOnly: true } });
    expect(
      (await admin('POST', `/instances/${shared.attachedTo}/disks/${shared.diskId}/filesystem`, { size: 1 }))
        .status,
    ).toBe(400);
    expect((await admin('POST', '/reset', { seed: 'empty' })).status).toBe(200);
    expect(((await admin('GET', '/state')).body as { disks: unknown[] }).disks).toEqual([]);
    expect((await admin('POST', '/reset', { seed: 'galaxy' })).status).toBe(400);
    expect((await admin('GET', '/nothing')).status).toBe(404);
    await admin('POST', '/reset', { seed: 'default' });
  });

  test('the admin API refuses callers that are not on loopback', async (ctx) => {
    const address = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!address) {
      ctx.skip();
      return;
    }
    const open = await startEmulator({ host: '0.0.0.0' });
    try {
      const r = await fetch(`http://${address}:${open.port}/_emulator/state`);
      expect(r.status).toBe(403);
    } finally {
      await open.close();
    }
  });
});

describe('CLI', () => {
  // As `npm run emulator` runs it: node itself gets the signal (no tsx parent relaying it).
  const tsx = ['--import', 'tsx', 'src/emulator/cli.ts'];

  test('prints one line, serves the SDK, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [...tsx, '--port', '0', '--access-key-id', 'cli', '--access-key-secret', 's3'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stdout: string[] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => stdout.push(l));
    await new Promise<void>((resolve) => lines.once('line', () => resolve()));
    const url = /^ECS emulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(stdout[0] ?? '');
    expect(url).not.toBeNull();
    const c = new Ecs.default(
      new $OpenApiUtil.Config({
        accessKeyId: 'cli',
        accessKeySecret: 's3',
        endpoint: `127.0.0.1:${url![2]}`,
        protocol: 'http',
      }),
    );
    expect((await c.describeRegions(new Ecs.DescribeRegionsRequest({}))).statusCode).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toHaveLength(1);
  });

  test('a bad flag exits 2 with a message on stderr', async () => {
    const child = spawn(process.execPath, [...tsx, '--throttle-rate', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--throttle-rate must be a number from 0 to 1/);
    expect(stdout).toBe('');
  });
});
