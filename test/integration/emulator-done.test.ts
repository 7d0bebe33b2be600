/**
 * Issue 3 "Done when", end to end: the real SDK against `npm run emulator -- --port 0` in a child
 * process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SEED } from '../../src/emulator/index.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
type Client = InstanceType<typeof Ecs.default>;

let child: ChildProcess;
let endpoint = '';

beforeAll(async () => {
  child = spawn(
    'npx',
    ['tsx', 'src/emulator/cli.ts', '--port', '0', '--latency-ms', '250', '--jitter-ms', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      // npx does not forward SIGTERM, so the whole process group is signalled on teardown.
      detached: true,
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve) => lines.once('line', resolve));
  const m = /^ECS emulator listening on http:\/\/(127\.0\.0\.1:\d+)$/.exec(first);
  expect(m).not.toBeNull();
  endpoint = m![1]!;
});

afterAll(async () => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
});

const client = (secret = 'sandbox-secret'): Client =>
  new Ecs.default(
    new $OpenApiUtil.Config({ accessKeyId: 'sandbox', accessKeySecret: secret, endpoint, protocol: 'http' }),
  );

async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; statusCode: number };
  }
  throw new Error('expected the call to fail');
}

async function disk(c: Client, diskId: string) {
  const r = await c.describeDisks(
    new Ecs.DescribeDisksRequest({ regionId: 'cn-hangzhou', diskIds: JSON.stringify([diskId]) }),
  );
  const d = r.body?.disks?.disk?.[0];
  if (!d) throw new Error(`disk ${diskId} not listed`);
  return d;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a multi-attach ESSD serves 16 NVMe instances of one zone and every rule answers with its real code', async () => {
  const c = client();
  const created = await c.createDisk(
    new Ecs.CreateDiskRequest({
      regionId: 'cn-hangzhou',
      zoneId: SEED.zones.multiAttachI,
      diskCategory: 'cloud_essd',
      size: 40,
      multiAttach: 'Enabled',
      diskName: 'done-when',
    }),
  );
  const diskId = created.body!.diskId!;
  expect((await disk(c, diskId)).status).toBe('Creating');
  expect(
    (
      await until(
        () => disk(c, diskId),
        (d) => d.status === 'Available',
      )
    ).status,
  ).toBe('Available');

  const sixteen = SEED.instances.nvmeI.slice(0, 16).map((i) => i.id);
  await Promise.all(
    sixteen.map((instanceId) => c.attachDisk(new Ecs.AttachDiskRequest({ diskId, instanceId }))),
  );
  expect((await disk(c, diskId)).status).toBe('Attaching');
  const attached = await until(
    () => disk(c, diskId),
    (d) => d.attachments?.attachment?.length === 16,
  );
  expect(attached.status).toBe('In_use');
  expect(attached.instanceId).toBe('');
  expect(attached.attachments!.attachment!.map((a) => a.instanceId).sort()).toEqual([...sixteen].sort());

  const attach = (instanceId: string) => c.attachDisk(new Ecs.AttachDiskRequest({ diskId, instanceId }));
  expect(await failure(attach(SEED.instances.nvmeI[16]!.id))).toMatchObject({
    code: 'DiskAttachedNumberExceeded',
    statusCode: 403,
  });
  expect(await failure(attach(SEED.instances.noNvmeTypeI[0]!.id))).toMatchObject({
    code: 'InvalidInstanceType.NotSupportMultiAttachDisk',
    statusCode: 403,
  });
  expect(await failure(attach(SEED.instances.nvmeJ[0]!.id))).toMatchObject({
    code: 'ResourcesNotInSameZone',
    statusCode: 403,
  });
  const efficiency = c.createDisk(
    new Ecs.CreateDiskRequest({
      regionId: 'cn-hangzhou',
      zoneId: SEED.zones.multiAttachI,
      diskCategory: 'cloud_efficiency',
      size: 40,
      multiAttach: 'Enabled',
    }),
  );
  expect(await failure(efficiency)).toMatchObject({
    code: 'InvalidParameter.DiskCategoryAndMultiAttachNotMatch',
    statusCode: 403,
  });
  const wrongSecret = client('not-the-secret').describeRegions(new Ecs.DescribeRegionsRequest({}));
  expect(await failure(wrongSecret)).toMatchObject({ code: 'SignatureDoesNotMatch', statusCode: 400 });
});
