import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudError } from '../../src/cloud/errors.js';
import { SEED } from '../../src/emulator/index.js';
import {
  type EmulatorHarness,
  SHIPPED_RAM_POLICY,
  sdkGateway,
  startHarness,
} from '../support/execution-emulator.js';

const REGION = SEED.regionId;
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
let h: EmulatorHarness;

beforeAll(async () => {
  h = await startHarness({
    latency: {
      create: { baseMs: 30, jitterMs: 0 },
      attach: { baseMs: 30, jitterMs: 0 },
      detach: { baseMs: 30, jitterMs: 0 },
    },
  });
});
afterAll(async () => h.close());
beforeEach(async () => {
  await h.reset();
  await h.setFaults({});
});

async function caught(run: () => Promise<unknown>): Promise<CloudError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof CloudError) return error;
    throw error;
  }
  throw new Error('expected a CloudError');
}

const until = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not reached');
};

describe('EcsSdkGateway against the emulator (real SDK, signed requests)', () => {
  it('describes disks by id, by zone and by multi-attach, with attachments and tags as plain data', async () => {
    const gw = h.gateway();
    const [shared] = await gw.describeDisks({ regionId: REGION, diskIds: [SEED.disks.sharedExt4.diskId] });
    expect(shared).toMatchObject({
      diskId: SEED.disks.sharedExt4.diskId,
      zoneId: SEED.zones.multiAttachI,
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 40,
      status: 'In_use',
      multiAttach: true,
      chargeType: 'PostPaid',
      attachments: [{ instanceId: SEED.disks.sharedExt4.attachedTo, device: '/dev/xvdb' }],
    });
    const multi = await gw.describeDisks({ regionId: REGION, multiAttach: true });
    expect(multi.map((d) => d.diskId)).toEqual([SEED.disks.sharedExt4.diskId]);
    expect(await gw.describeDisks({ regionId: REGION, diskIds: [] })).toEqual([]);
    expect(await gw.describeDisks({ regionId: REGION, zoneId: SEED.zones.multiAttachJ })).toEqual([]);
  });

  it('follows NextToken pages and splits more than 100 ids into batches', async () => {
    const gw = h.gateway();
    const created: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await gw.createDisk({
        regionId: REGION,
        zoneId: SEED.zones.multiAttachJ,
        diskName: `page-${i}`,
        category: 'cloud_essd',
        performanceLevel: 'PL0',
        sizeGiB: 10,
        clientToken: `page-${i}`,
        tags: [{ key: 'suite', value: 'gateway' }],
      });
      created.push(r.value.diskId);
    }
    await h.clearCalls();
    const all = await gw.describeDisks({ regionId: REGION, zoneId: SEED.zones.multiAttachJ });
    expect(all.map((d) => d.diskId).sort()).toEqual([...created].sort());
    // The bot adds its managed tag to every disk it creates (README, Security).
    expect(all[0]?.tags).toEqual({ suite: 'gateway', 'shared-disk-bot:managed': 'true' });
    const ids = [...created, ...Array.from({ length: 120 }, (_, i) => `d-missing${i}`)];
    const byId = await gw.describeDisks({ regionId: REGION, diskIds: ids });
    expect(byId).toHaveLength(12);
    const calls = await h.calls('DescribeDisks');
    expect(calls.map((c) => JSON.parse(c.params.DiskIds ?? '[]').length)).toEqual([0, 100, 32]);
  });

  it('describes instances, instance types and images in one call each', async () => {
    const gw = h.gateway();
    const ids = [...nvmeI, SEED.instances.stoppedI[0]!.id, 'i-doesnotexist'];
    const instances = await gw.describeInstances({ regionId: REGION, instanceIds: ids });
    expect(instances).toHaveLength(21);
    expect(instances.find((i) => i.instanceId === SEED.instances.stoppedI[0]!.id)).toMatchObject({
      status: 'Stopped',
      zoneId: SEED.zones.multiAttachI,
      instanceType: SEED.instanceTypes.nvme,
      imageId: SEED.images.nvme,
    });
    const types = await gw.describeInstanceTypes([SEED.instanceTypes.nvme, SEED.instanceTypes.noNvme]);
    expect(types).toEqual([
      { instanceTypeId: SEED.instanceTypes.nvme, nvmeSupport: 'required', diskQuantity: 16 },
      { instanceTypeId: SEED.instanceTypes.noNvme, nvmeSupport: 'unsupported', diskQuantity: 17 },
    ]);
    const images = await gw.describeImages({
      regionId: REGION,
      imageIds: [SEED.images.nvme, SEED.images.noNvme],
    });
    expect(images).toEqual([
      { imageId: SEED.images.nvme, nvmeSupport: 'supported' },
      { imageId: SEED.images.noNvme, nvmeSupport: 'unsupported' },
    ]);
    expect(await gw.describeInstanceTypes([])).toEqual([]);
    await h.clearCalls();
    const many = [
      ...Object.values(SEED.instanceTypes),
      ...Array.from({ length: 9 }, (_, i) => `ecs.none.x${i}`),
    ];
    expect(await gw.describeInstanceTypes(many)).toHaveLength(3);
    expect((await h.calls('DescribeInstanceTypes')).length).toBe(2); // at most 10 InstanceTypes.N per call
    expect(await gw.describeImages({ regionId: REGION, imageIds: [] })).toEqual([]);
  });

  it('creates a multi-attach disk idempotently by ClientToken, attaches and detaches it', async () => {
    const gw = h.gateway();
    const input = {
      regionId: REGION,
      zoneId: SEED.zones.multiAttachI,
      diskName: 'gw-shared',
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 20,
      clientToken: 'gw-create-1',
    };
    const first = await gw.createDisk(input);
    const again = await gw.createDisk(input);
    expect(again.value.diskId).toBe(first.value.diskId);
    expect(first.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const diskId = first.value.diskId;
    const create = (await h.calls('CreateDisk'))[0];
    expect(create?.params).toMatchObject({ MultiAttach: 'Enabled', ClientToken: 'gw-create-1', Size: '20' });
    await until(
      async () =>
        (await gw.describeDisks({ regionId: REGION, diskIds: [diskId] }))[0]?.status === 'Available',
    );

    const attached = await gw.attachDisk({ diskId, instanceId: nvmeI[0]! });
    expect(attached.requestId).not.toBe('');
    expect((await h.calls('AttachDisk'))[0]?.params.DeleteWithInstance).toBeUndefined();
    await until(async () => {
      const [d] = await gw.describeDisks({ regionId: REGION, diskIds: [diskId] });
      return d?.attachments.some((a) => a.instanceId === nvmeI[0]) === true;
    });
    const inUse = await caught(() => gw.attachDisk({ diskId, instanceId: nvmeI[0]! }));
    expect([inUse.cloudCode, inUse.retryable]).toEqual(['InvalidDisk.InUse', false]);

    await gw.detachDisk({ diskId, instanceId: nvmeI[0]! });
    await until(
      async () =>
        (await gw.describeDisks({ regionId: REGION, diskIds: [diskId] }))[0]?.status === 'Available',
    );
  });
});

describe('error mapping', () => {
  it('a 4xx business error is not retryable and keeps code, status and RequestId', async () => {
    // Without the RAM policy: under it, RAM refuses an unknown (untagged) disk before ECS looks it up.
    await h.admin('ram', { accessKeyId: 'sandbox', policy: null });
    const e = await caught(() => h.gateway().attachDisk({ diskId: 'd-bp1nope', instanceId: nvmeI[0]! }));
    await h.admin('ram', { accessKeyId: 'sandbox', policy: SHIPPED_RAM_POLICY });
    expect(e).toMatchObject({
      code: 'cloud.InvalidDiskId.NotFound',
      cloudCode: 'InvalidDiskId.NotFound',
      httpStatus: 404,
      retryable: false,
      message: 'The specified disk does not exist.',
    });
    expect(e.requestId).toMatch(/^[0-9A-F-]{36}$/);
    const limit = await caught(() =>
      h.gateway().createDisk({
        regionId: REGION,
        zoneId: SEED.zones.noMultiAttachB,
        diskName: 'x',
        category: 'cloud_essd',
        sizeGiB: 20,
        clientToken: 'zone-b',
      }),
    );
    expect([limit.cloudCode, limit.httpStatus, limit.retryable]).toEqual([
      'OperationDenied.ZoneNotSupportMultiAttachDisk',
      403,
      false,
    ]);
  });

  it('Throttling is retryable and carries the retry-after hint', async () => {
    await h.setFaults({ DescribeImages: { throttleRate: 1, retryAfterMs: 1200 } });
    const e = await caught(() =>
      h.gateway().describeImages({ regionId: REGION, imageIds: [SEED.images.nvme] }),
    );
    expect([e.cloudCode, e.httpStatus, e.retryable, e.retryAfterMs]).toEqual([
      'Throttling.User',
      400,
      true,
      1200,
    ]);
  });

  it.each([
    ['internalErrorRate', 'InternalError', 500],
    ['unavailableRate', 'ServiceUnavailable', 503],
  ] as const)('%s → %s (%i) is retryable', async (fault, code, status) => {
    await h.setFaults({ DescribeInstances: { [fault]: 1 } });
    const e = await caught(() =>
      h.gateway().describeInstances({ regionId: REGION, instanceIds: [nvmeI[0]!] }),
    );
    expect([e.cloudCode, e.httpStatus, e.retryable]).toEqual([code, status, true]);
  });

  it('a slow answer past the timeout is a retryable RequestTimeout', async () => {
    await h.setFaults({ DescribeImages: { addedLatencyMs: 600 } });
    const e = await caught(() =>
      h.gateway({ timeoutMs: 150 }).describeImages({ regionId: REGION, imageIds: [SEED.images.nvme] }),
    );
    expect([e.cloudCode, e.retryable]).toEqual(['RequestTimeout', true]);
  });

  it('connection refused is a retryable NetworkError', async () => {
    const e = await caught(() =>
      sdkGateway('127.0.0.1:1').describeImages({ regionId: REGION, imageIds: [SEED.images.nvme] }),
    );
    expect([e.cloudCode, e.httpStatus, e.retryable]).toEqual(['NetworkError', undefined, true]);
  });
});
