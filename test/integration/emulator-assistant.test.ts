/** Cloud Assistant through the real SDK: the bot's scripts, their outputs, and the failure modes. */
import { createRequire } from 'node:module';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  type BotScriptName,
  hostKeyFor,
  type InspectReport,
  type RunningEmulator,
  SCRIPT_EXIT,
  SEED,
  scriptMarker,
  startEmulator,
} from '../../src/emulator/index.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = 'cn-hangzhou';
const shared = SEED.disks.sharedExt4;
const serial = shared.diskId.replace(/^d-/, '');
const host = shared.attachedTo;
const [peer] = SEED.instances.nvmeI.map((i) => i.id);
const stopped = SEED.instances.stoppedI[0]!.id;

let emu: RunningEmulator;
let c: InstanceType<typeof Ecs.default>;
const fast = { baseMs: 20, jitterMs: 0 };

beforeAll(async () => {
  emu = await startEmulator({ latency: { command: { baseMs: 40, jitterMs: 0 }, attach: fast } });
  c = new Ecs.default(
    new $OpenApiUtil.Config({
      accessKeyId: 'sandbox',
      accessKeySecret: 'sandbox-secret',
      endpoint: emu.endpoint,
      protocol: 'http',
    }),
  );
});
afterAll(() => emu.close());
beforeEach(async () => {
  await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', body: '{"seed":"default"}' });
  await fetch(`${emu.url}/_emulator/latency`, { method: 'POST', body: '{}' });
});

const admin = (path: string, body?: unknown) =>
  fetch(`${emu.url}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });

async function run(
  name: BotScriptName | 'raw',
  instanceIds: string[],
  parameters: Record<string, string>,
  extra: Record<string, unknown> = {},
): Promise<string> {
  // Bodies stand in for the bot's: the emulator runs what the marker names with what was substituted.
  const content =
    name === 'raw'
      ? 'lsblk -J'
      : `${scriptMarker(name)}\nset -eu\necho "{{serial}}" "${(extra.body as string) ?? '{{ACS::InstanceId}}'}"\n`;
  const { body: _, ...rest } = extra;
  const r = await c.runCommand(
    new Ecs.RunCommandRequest({
      regionId: REGION,
      type: 'RunShellScript',
      commandContent: content,
      instanceId: instanceIds,
      enableParameter: true,
      parameters,
      timeout: 60,
      ...rest,
    }),
  );
  return r.body!.invokeId!;
}

async function results(invokeId: string, contentEncoding?: string) {
  for (let n = 0; n < 300; n += 1) {
    const r = await c.describeInvocationResults(
      new Ecs.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, contentEncoding }),
    );
    const rows = r.body!.invocation!.invocationResults!.invocationResult!;
    if (rows.every((x) => x.invokeRecordStatus === 'Finished')) return rows;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`invocation ${invokeId} did not finish`);
}

async function runOne(name: BotScriptName | 'raw', instanceId: string, parameters: Record<string, string>) {
  const [row] = await results(await run(name, [instanceId], parameters), 'PlainText');
  return row!;
}

test('inspect reports device, file system and mounts; Output is Base64 unless PlainText is asked for', async () => {
  const invokeId = await run('inspect', [host], { serial });
  const [b64] = await results(invokeId);
  const [plain] = await results(invokeId, 'PlainText');
  expect(b64!.invocationStatus).toBe('Success');
  expect(b64!.exitCode).toBe(0);
  expect(Buffer.from(b64!.output!, 'base64').toString()).toBe(plain!.output);
  const report = JSON.parse(plain!.output!) as InspectReport;
  expect(report).toEqual({
    attached: true,
    device: '/dev/nvme1n1',
    serial,
    fstype: 'ext4',
    mountpoints: ['/data'],
    readOnly: false,
    reservation: { holder: null, registrants: [], type: null },
    sizeGiB: 40,
  });
  const absent = JSON.parse((await runOne('inspect', peer!, { serial })).output!) as InspectReport;
  expect(absent).toMatchObject({ attached: false, device: null, reservation: null, sizeGiB: null });
});

test('register, acquire and preempt fence the old holder with keys derived per host; conflicts exit non-zero', async () => {
  const noDevice = await runOne('nvme-register', SEED.instances.nvmeI[1]!.id, { serial });
  expect(noDevice).toMatchObject({ invocationStatus: 'Failed', exitCode: SCRIPT_EXIT.noDevice });
  await c.attachDisk(new Ecs.AttachDiskRequest({ diskId: shared.diskId, instanceId: peer }));
  for (;;) {
    const r = await c.describeDisks(
      new Ecs.DescribeDisksRequest({ regionId: REGION, diskIds: JSON.stringify([shared.diskId]) }),
    );
    if (r.body!.disks!.disk![0]!.attachments!.attachment!.length === 2) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // ONE RunCommand registers both hosts, each with the key of its own {{ACS::InstanceId}}.
  const both = await results(await run('nvme-register', [host, peer!], { serial }), 'PlainText');
  expect(both.map((r) => r.exitCode)).toEqual([0, 0]);
  const registered = JSON.parse(both[1]!.output!) as { registrants: { key: string; instanceId: string }[] };
  const keyOf = new Map(registered.registrants.map((r) => [r.instanceId, r.key]));
  expect(keyOf).toEqual(
    new Map([
      [host, hostKeyFor(host)],
      [peer, hostKeyFor(peer!)],
    ]),
  );
  expect((await runOne('nvme-acquire', host, { serial })).exitCode).toBe(0);
  const conflict = await runOne('nvme-acquire', peer!, { serial });
  expect(conflict).toMatchObject({ invocationStatus: 'Failed', exitCode: SCRIPT_EXIT.conflict });
  expect(conflict.output).toMatch(/reservation conflict/);
  const preempt = await runOne('nvme-preempt', peer!, { serial, victimKey: hostKeyFor(host) });
  expect(JSON.parse(preempt.output!)).toEqual({
    holder: hostKeyFor(peer!),
    registrants: [{ key: hostKeyFor(peer!), instanceId: peer }],
    type: 'write-exclusive-registrants-only',
  });
  expect((await runOne('nvme-preempt', peer!, { serial, victimKey: hostKeyFor(host) })).exitCode).toBe(0);
  const report = JSON.parse((await runOne('nvme-report', host, { serial })).output!);
  expect(report.holder).toBe(hostKeyFor(peer!));
  // A script that does not reference the built-in gets no key: refused, nothing changed.
  const [usage] = await results(
    await run('nvme-acquire', [host], { serial }, { body: 'no-builtin' }),
    'PlainText',
  );
  expect(usage).toMatchObject({ exitCode: SCRIPT_EXIT.usage });
  expect(usage!.output).toContain('ACS::InstanceId was not substituted');
});

test('anything but a bot script fails with 127', async () => {
  const row = await runOne('raw', host, {});
  expect(row).toMatchObject({ invocationStatus: 'Failed', exitCode: 127, errorCode: 'ExitCodeNonzero' });
  expect(row.output).toMatch(/does not run arbitrary commands/);
});

test('a stopped instance fails with InstanceNotRunning; the overall status is PartialFailed', async () => {
  const invokeId = await run('inspect', [host, stopped], { serial });
  const rows = await results(invokeId);
  expect(rows.find((r) => r.instanceId === stopped)).toMatchObject({
    invocationStatus: 'Failed',
    errorCode: 'InstanceNotRunning',
  });
  const inv = await c.describeInvocations(
    new Ecs.DescribeInvocationsRequest({
      regionId: REGION,
      invokeId,
      includeOutput: true,
      contentEncoding: 'PlainText',
    }),
  );
  const one = inv.body!.invocations!.invocation![0]!;
  expect(one.invocationStatus).toBe('PartialFailed');
  const ok = one.invokeInstances!.invokeInstance!.find((i) => i.instanceId === host)!;
  expect(JSON.parse(ok.output!).fstype).toBe('ext4');
});

test('a crashed instance stays Running but its command times out', async () => {
  await admin(`/instances/${host}/crash`);
  const invokeId = await run('inspect', [host], { serial }, { timeout: 1 });
  const [row] = await results(invokeId);
  expect(row).toMatchObject({ invocationStatus: 'Timeout', errorCode: 'DeliveryTimeout' });
  const inst = await c.describeInstances(
    new Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([host]) }),
  );
  expect(inst.body!.instances!.instance![0]!.status).toBe('Running');
});

test('a crash after delivery ends in ExecutionTimeout', async () => {
  await fetch(`${emu.url}/_emulator/latency`, {
    method: 'POST',
    body: JSON.stringify({ command: { baseMs: 600, jitterMs: 0 } }),
  });
  const invokeId = await run('inspect', [host], { serial }, { timeout: 1 });
  for (;;) {
    const r = await c.describeInvocationResults(
      new Ecs.DescribeInvocationResultsRequest({ regionId: REGION, invokeId }),
    );
    if (r.body!.invocation!.invocationResults!.invocationResult![0]!.invocationStatus === 'Running') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await admin(`/instances/${host}/crash`);
  const [row] = await results(invokeId);
  expect(row).toMatchObject({ invocationStatus: 'Timeout', errorCode: 'ExecutionTimeout' });
});

test('output past 24 KB is cut and counted in Dropped', async () => {
  const mountpoints = Array.from({ length: 800 }, (_, i) => `/mnt/${'x'.repeat(30)}${i}`);
  const set = await admin(`/instances/${host}/disks/${shared.diskId}/filesystem`, { mountpoints });
  expect(set.status).toBe(200);
  const row = await runOne('inspect', host, { serial });
  expect(Buffer.byteLength(row.output!)).toBe(24 * 1024);
  expect(row.dropped).toBeGreaterThan(0);
});

test('parameters need EnableParameter, and ClientToken replays the first invocation', async () => {
  const invokeId = await run('inspect', [host], { serial }, { enableParameter: false });
  const [row] = await results(invokeId, 'PlainText');
  expect(row).toMatchObject({ exitCode: SCRIPT_EXIT.usage });
  const first = await run('inspect', [host], { serial }, { clientToken: 'ca-1' });
  expect(await run('inspect', [host], { serial }, { clientToken: 'ca-1' })).toBe(first);
});
