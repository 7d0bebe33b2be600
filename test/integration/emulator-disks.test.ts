/** Disk rules, transitions and listings through the real SDK against an in-process emulator. */
import { createRequire } from 'node:module';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type RunningEmulator, SEED, startEmulator } from '../../src/emulator/index.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = 'cn-hangzhou';
const ZONE_I = SEED.zones.multiAttachI;
const [nvme1, nvme2, nvme3] = SEED.instances.nvmeI.map((i) => i.id);
const stopped = SEED.instances.stoppedI[0]!.id;

let emu: RunningEmulator;
let c: InstanceType<typeof Ecs.default>;

const fast = { baseMs: 15, jitterMs: 0 };
beforeAll(async () => {
  emu = await startEmulator({
    latency: {
      create: fast,
      attach: fast,
      detach: fast,
      delete: fast,
      resize: fast,
      start: fast,
      // Long enough that a call made while an instance is Stopping meets it Stopping, however busy
      // the machine; tests that need it Stopped wait for that state.
      stop: { baseMs: 1_500, jitterMs: 0 },
    },
  });
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
  await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', body: JSON.stringify({ seed: 'empty' }) });
  await fetch(`${emu.url}/_emulator/latency`, { method: 'POST', body: '{}' });
});

async function failure(p: Promise<unknown>): Promise<{ code: string; statusCode: number }> {
  try {
    await p;
  } catch (error) {
    return error as { code: string; statusCode: number };
  }
  throw new Error('expected the call to fail');
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not reached: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

type CreateFields = ConstructorParameters<typeof Ecs.CreateDiskRequest>[0];
const create = (fields: CreateFields = {}) =>
  c.createDisk(
    new Ecs.CreateDiskRequest({
      regionId: REGION,
      zoneId: ZONE_I,
      diskCategory: 'cloud_essd',
      size: 40,
      multiAttach: 'Enabled',
      ...fields,
    }),
  );
const describeOne = async (diskId: string) =>
  (
    await c.describeDisks(
      new Ecs.DescribeDisksRequest({ regionId: REGION, diskIds: JSON.stringify([diskId]) }),
    )
  ).body!.disks!.disk![0]!;
const status = (diskId: string, wanted: string) =>
  until(
    () => describeOne(diskId),
    (d) => d.status === wanted,
  );
const attach = (diskId: string, instanceId: string, extra: Record<string, unknown> = {}) =>
  c.attachDisk(new Ecs.AttachDiskRequest({ diskId, instanceId, ...extra }));
const detach = (diskId: string, instanceId: string) =>
  c.detachDisk(new Ecs.DetachDiskRequest({ diskId, instanceId }));
async function ready(fields: CreateFields = {}): Promise<string> {
  const id = (await create(fields)).body!.diskId!;
  await status(id, 'Available');
  return id;
}

describe('CreateDisk', () => {
  test.each([
    [{ instanceId: nvme1 }, 'InvalidParameter.MultiAttachAndInstanceIdConflict', 403],
    [{ zoneId: SEED.zones.noMultiAttachB }, 'OperationDenied.ZoneNotSupportMultiAttachDisk', 403],
    [{ diskCategory: 'cloud_essd_entry' }, 'InvalidParameter.DiskCategoryAndMultiAttachNotMatch', 403],
    [{ diskCategory: 'cloud_efficiency' }, 'InvalidParameter.DiskCategoryAndMultiAttachNotMatch', 403],
    [{ diskCategory: 'cloud_floppy' }, 'InvalidDiskCategory.NotSupported', 403],
    [{ multiAttach: 'Yes' }, 'InvalidParameter.MultiAttach', 403],
    [{ performanceLevel: 'PL2', size: 100 }, 'InvalidDiskSize.NotSupported', 403],
    [{ performanceLevel: 'PL1', size: 19 }, 'InvalidDiskSize.NotSupported', 403],
    [{ diskCategory: 'cloud_auto', size: 65537 }, 'InvalidDiskSize.NotSupported', 403],
    [{ performanceLevel: 'PL9' }, 'InvalidPerformanceLevel.Malformed', 400],
    [{ zoneId: 'cn-hangzhou-z' }, 'InvalidZoneId.NotFound', 404],
    [{ regionId: 'cn-beijing' }, 'InvalidRegionId.NotFound', 404],
    [{ size: undefined }, 'MissingParameter', 400],
  ])('%o → %s', async (fields, code, statusCode) => {
    expect(await failure(create(fields as CreateFields))).toMatchObject({ code, statusCode });
  });

  test('the multi-attach categories are accepted with their size ranges', async () => {
    await create({ diskCategory: 'cloud_auto', size: 1 });
    await create({ diskCategory: 'cloud_essd', performanceLevel: 'PL0', size: 1 });
    await create({ diskCategory: 'cloud_regional_disk_auto', zoneId: undefined, size: 10 });
    const d = await describeOne((await create({ performanceLevel: 'PL3', size: 1261 })).body!.diskId!);
    expect(d).toMatchObject({ multiAttach: 'Enabled', diskChargeType: 'PostPaid', performanceLevel: 'PL3' });
    expect(d.serialNumber).toBe(d.diskId!.replace(/^d-/, ''));
  });

  test('ClientToken: the same parameters return the same disk, other parameters are refused', async () => {
    const first = await create({ clientToken: 'tok-1', diskName: 'a' });
    const again = await create({ clientToken: 'tok-1', diskName: 'a' });
    expect(again.body!.diskId).toBe(first.body!.diskId);
    const total = (await c.describeDisks(new Ecs.DescribeDisksRequest({ regionId: REGION }))).body!
      .totalCount;
    expect(total).toBe(1);
    expect(await failure(create({ clientToken: 'tok-1', diskName: 'b' }))).toMatchObject({
      code: 'IdempotentParameterMismatch',
      statusCode: 403,
    });
  });
});

describe('AttachDisk', () => {
  test('refuses what multi-attach cannot do', async () => {
    const id = await ready();
    const cases: [string, Record<string, unknown>, string, number][] = [
      [SEED.instances.noNvmeImageI[0]!.id, {}, 'InvalidImage.NvmeUnsupported', 403],
      [SEED.instances.noNvmeTypeI[1]!.id, {}, 'InvalidInstanceType.NotSupportMultiAttachDisk', 403],
      [nvme1!, { deleteWithInstance: true }, 'DeleteWithInstance.Conflict', 403],
      [nvme1!, { bootable: true }, 'InvalidOperation.CanNotAttachMultiAttachDiskAsSystemDisk', 403],
      [SEED.instances.nvmeB[0]!.id, {}, 'ResourcesNotInSameZone', 403],
      ['i-bp1doesnotexist0000', {}, 'InvalidInstanceId.NotFound', 404],
    ];
    for (const [instanceId, extra, code, statusCode] of cases) {
      expect(await failure(attach(id, instanceId, extra)), code).toMatchObject({ code, statusCode });
    }
    expect(await failure(attach('d-bp1doesnotexist0000', nvme1!))).toMatchObject({
      code: 'InvalidDiskId.NotFound',
      statusCode: 404,
    });
    expect(await failure(c.attachDisk(new Ecs.AttachDiskRequest({ diskId: id })))).toMatchObject({
      code: 'MissingParameter',
      statusCode: 400,
    });
  });

  test('a disk that is still Creating, an instance that is Stopping, and a second attach are refused', async () => {
    await fetch(`${emu.url}/_emulator/latency`, {
      method: 'POST',
      body: JSON.stringify({ create: { baseMs: 300, jitterMs: 0 } }),
    });
    const creating = (await create()).body!.diskId!;
    expect(await failure(attach(creating, nvme1!))).toMatchObject({
      code: 'IncorrectDiskStatus',
      statusCode: 403,
    });
    await fetch(`${emu.url}/_emulator/latency`, { method: 'POST', body: '{}' });
    const id = await ready();
    await c.stopInstance(new Ecs.StopInstanceRequest({ instanceId: nvme2 }));
    expect(await failure(attach(id, nvme2!))).toMatchObject({
      code: 'IncorrectInstanceStatus',
      statusCode: 400,
    });
    await attach(id, nvme1!);
    expect(await failure(attach(id, nvme1!))).toMatchObject({ code: 'InvalidDisk.InUse', statusCode: 404 });
  });

  test('a multi-attach disk attaches to several instances at once; a Stopped instance is fine', async () => {
    const id = await ready();
    await fetch(`${emu.url}/_emulator/latency`, {
      method: 'POST',
      body: JSON.stringify({ attach: { baseMs: 300, jitterMs: 0 } }),
    });
    await Promise.all([attach(id, nvme1!), attach(id, nvme2!), attach(id, stopped)]);
    const during = await describeOne(id);
    expect(during.status).toBe('Attaching');
    expect(during.attachments!.attachment).toEqual([]);
    const done = await status(id, 'In_use');
    const devices = done.attachments!.attachment!.map((a) => a.device);
    expect(devices.every((d) => /^\/dev\/xvd[b-z]$/.test(d!))).toBe(true);
    expect(done).toMatchObject({ instanceId: '', device: '' });
  });

  test('a plain disk attaches to one instance only and reports it at the top level', async () => {
    const id = await ready({ multiAttach: 'Disabled' });
    await attach(id, nvme1!);
    expect(await failure(attach(id, nvme2!))).toMatchObject({ code: 'IncorrectDiskStatus', statusCode: 403 });
    const d = await status(id, 'In_use');
    expect(d).toMatchObject({ instanceId: nvme1, device: '/dev/xvdb' });
  });

  test('the instance type caps the data disks: DiskQuantity 16 leaves 15 after the system disk', async () => {
    const ids = await Promise.all(
      Array.from({ length: 16 }, () => ready({ multiAttach: 'Disabled', size: 20 })),
    );
    for (const id of ids.slice(0, 15)) await attach(id, nvme3!);
    expect(await failure(attach(ids[15]!, nvme3!))).toMatchObject({
      code: 'InstanceDiskLimitExceeded',
      statusCode: 403,
    });
  });
});

describe('DetachDisk, DeleteDisk', () => {
  test('detach goes Detaching and back to In_use, then Available; wrong targets get their codes', async () => {
    const id = await ready();
    expect(await failure(detach(id, nvme1!))).toMatchObject({
      code: 'InvalidDisk.AlreadyDetached',
      statusCode: 404,
    });
    await Promise.all([attach(id, nvme1!), attach(id, nvme2!)]);
    await status(id, 'In_use');
    expect(await failure(detach(id, nvme3!))).toMatchObject({ code: 'DependencyViolation', statusCode: 403 });
    // Long enough that the second DetachDisk lands while the first is in flight, however busy the machine.
    await fetch(`${emu.url}/_emulator/latency`, {
      method: 'POST',
      body: JSON.stringify({ detach: { baseMs: 1_000, jitterMs: 0 } }),
    });
    await detach(id, nvme1!);
    expect((await describeOne(id)).status).toBe('Detaching');
    expect(await failure(detach(id, nvme1!))).toMatchObject({ code: 'IncorrectDiskStatus', statusCode: 403 });
    await fetch(`${emu.url}/_emulator/latency`, { method: 'POST', body: '{}' });
    const after = await status(id, 'In_use');
    expect(after.attachments!.attachment!.map((a) => a.instanceId)).toEqual([nvme2]);
    await c.stopInstance(new Ecs.StopInstanceRequest({ instanceId: nvme2 }));
    expect(await failure(detach(id, nvme2!))).toMatchObject({
      code: 'IncorrectInstanceStatus',
      statusCode: 403,
    });
    await until(
      async () =>
        (
          await c.describeInstances(
            new Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([nvme2]) }),
          )
        ).body!.instances!.instance![0]!.status,
      (s) => s === 'Stopped',
    );
    await detach(id, nvme2!);
    await status(id, 'Available');
  });

  test('delete refuses an attached disk, then forgets it; an unknown id is silently ignored', async () => {
    const id = await ready();
    await attach(id, nvme1!);
    expect(await failure(c.deleteDisk(new Ecs.DeleteDiskRequest({ diskId: id })))).toMatchObject({
      code: 'IncorrectDiskStatus',
      statusCode: 403,
    });
    await status(id, 'In_use');
    await detach(id, nvme1!);
    await status(id, 'Available');
    await c.deleteDisk(new Ecs.DeleteDiskRequest({ diskId: id }));
    await until(
      async () =>
        (
          await c.describeDisks(
            new Ecs.DescribeDisksRequest({ regionId: REGION, diskIds: JSON.stringify([id]) }),
          )
        ).body!.totalCount,
      (n) => n === 0,
    );
    const again = await c.deleteDisk(new Ecs.DeleteDiskRequest({ diskId: id }));
    expect(again.statusCode).toBe(200);
  });
});

describe('Describe*', () => {
  test('DescribeDisks filters and pages both ways', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1)
      ids.push(await ready({ diskName: `p${n}`, multiAttach: n < 3 ? 'Enabled' : 'Disabled' }));
    await attach(ids[0]!, nvme1!);
    await status(ids[0]!, 'In_use');
    const list = async (fields: Record<string, unknown>) =>
      (await c.describeDisks(new Ecs.DescribeDisksRequest({ regionId: REGION, ...fields }))).body!;
    expect((await list({ multiAttach: 'Enabled' })).totalCount).toBe(3);
    expect((await list({ instanceId: nvme1 })).disks!.disk!.map((d) => d.diskId)).toEqual([ids[0]]);
    expect((await list({ status: 'In_use' })).totalCount).toBe(1);
    expect((await list({ diskName: 'p4' })).disks!.disk![0]!.diskId).toBe(ids[4]);
    expect((await list({ category: 'cloud_auto' })).totalCount).toBe(0);
    expect((await list({ zoneId: SEED.zones.multiAttachJ })).totalCount).toBe(0);
    expect((await list({ diskIds: '[]' })).disks!.disk).toEqual([]);
    const page2 = await list({ pageSize: 2, pageNumber: 2 });
    expect(page2).toMatchObject({ totalCount: 5, pageNumber: 2, pageSize: 2 });
    expect(page2.disks!.disk!.map((d) => d.diskId)).toEqual(ids.slice(2, 4));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await list({ maxResults: 2, nextToken: token });
      seen.push(...page.disks!.disk!.map((d) => d.diskId!));
      token = page.nextToken || undefined;
    } while (token);
    expect(seen).toEqual(ids);
  });

  test('DescribeInstances filters by ids, zone and status', async () => {
    const list = async (fields: Record<string, unknown>) =>
      (
        await c.describeInstances(
          new Ecs.DescribeInstancesRequest({ regionId: REGION, pageSize: 100, ...fields }),
        )
      ).body!;
    expect((await list({ zoneId: SEED.zones.multiAttachJ })).totalCount).toBe(4);
    const stoppedList = await list({ status: 'Stopped' });
    expect(stoppedList.instances!.instance!.map((i) => i.instanceName)).toEqual(['stopped-i-01']);
    const two = await list({ instanceIds: JSON.stringify([nvme1, nvme2]) });
    expect(two.instances!.instance!.map((i) => i.instanceId)).toEqual([nvme1, nvme2]);
    const first = two.instances!.instance![0]!;
    expect(first).toMatchObject({ zoneId: ZONE_I, status: 'Running', instanceType: 'ecs.g7se.large' });
    expect(first.vpcAttributes!.privateIpAddress!.ipAddress).toHaveLength(1);
    const last = await list({ pageSize: 10, pageNumber: 3 });
    expect(last.totalCount).toBe(29);
    expect(last.instances!.instance).toHaveLength(9);
  });

  test('the catalogue tells NVMe support, per instance type and per image', async () => {
    const types = await c.describeInstanceTypes(
      new Ecs.DescribeInstanceTypesRequest({ instanceTypes: ['ecs.g7se.large', 'ecs.g6.large'] }),
    );
    expect(
      types.body!.instanceTypes!.instanceType!.map((t) => [t.instanceTypeId, t.nvmeSupport, t.diskQuantity]),
    ).toEqual([
      ['ecs.g7se.large', 'required', 16],
      ['ecs.g6.large', 'unsupported', 17],
    ]);
    const images = await c.describeImages(
      new Ecs.DescribeImagesRequest({ regionId: REGION, imageId: SEED.images.noNvme }),
    );
    expect(images.body!.images!.image!.map((i) => i.features!.nvmeSupport)).toEqual(['unsupported']);
    const zones = await c.describeZones(new Ecs.DescribeZonesRequest({ regionId: REGION }));
    expect(zones.body!.zones!.zone!.map((z) => z.zoneId)).toEqual([
      'cn-hangzhou-i',
      'cn-hangzhou-j',
      'cn-hangzhou-b',
    ]);
    const regions = await c.describeRegions(new Ecs.DescribeRegionsRequest({}));
    expect(regions.body!.regions!.region!.map((r) => r.regionId)).toEqual(['cn-hangzhou']);
  });

  test('Start and Stop move through Starting and Stopping', async () => {
    const one = async () =>
      (
        await c.describeInstances(
          new Ecs.DescribeInstancesRequest({ regionId: REGION, instanceIds: JSON.stringify([stopped]) }),
        )
      ).body!.instances!.instance![0]!.status;
    expect(await failure(c.stopInstance(new Ecs.StopInstanceRequest({ instanceId: stopped })))).toMatchObject(
      {
        code: 'IncorrectInstanceStatus',
        statusCode: 403,
      },
    );
    // Long enough to read the transitional state however busy the machine (the default is 15 ms).
    await fetch(`${emu.url}/_emulator/latency`, {
      method: 'POST',
      body: JSON.stringify({ start: { baseMs: 500, jitterMs: 0 }, stop: { baseMs: 500, jitterMs: 0 } }),
    });
    await c.startInstance(new Ecs.StartInstanceRequest({ instanceId: stopped }));
    expect(await one()).toBe('Starting');
    await until(one, (s) => s === 'Running');
    await c.stopInstance(new Ecs.StopInstanceRequest({ instanceId: stopped }));
    expect(await one()).toBe('Stopping');
    await until(one, (s) => s === 'Stopped');
  });
});
