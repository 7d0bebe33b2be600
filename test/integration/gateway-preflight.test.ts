import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadGateway } from '../../src/cloud/gateway.js';
import { SEED } from '../../src/emulator/index.js';
import { facts } from '../../src/kinds/registry.js';
import type { Check, RequestKind } from '../../src/workflow/request.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const REGION = SEED.regionId;
const ZONES = [SEED.zones.multiAttachI, SEED.zones.multiAttachJ];
const nvmeI = SEED.instances.nvmeI.map((i) => i.id);
const shared = SEED.disks.sharedExt4;
let emu: EmulatorHarness;

beforeAll(async () => {
  emu = await startHarness({
    latency: { create: { baseMs: 5, jitterMs: 0 }, attach: { baseMs: 5, jitterMs: 0 } },
  });
});
afterAll(async () => emu.close());

/** Filing's checks: the pipeline's facts and rules (guests read through the emulator's Cloud Assistant). */
async function runPreflight<K extends RequestKind>(
  gateway: ReadGateway,
  kind: K,
  params: ParamsOf[K],
  zones: { multiAttachZones?: readonly string[] } = {},
): Promise<Check[]> {
  return [...(await facts(gateway, kind, params, 'filing', { ...zones, guests: { timeoutSec: 10 } })).checks];
}

// The cloud rules: the guest rules (checks carrying a data-safety `rule`) are the subject of
// data-safety-e2e and mounts-guard-e2e.
const cloud = (checks: readonly Check[]) => checks.filter((c) => c.rule === undefined);
const errors = (checks: readonly Check[]) =>
  cloud(checks)
    .filter((c) => c.level === 'error')
    .map((c) => c.code);
const all = (checks: readonly Check[]) => cloud(checks).map((c) => c.code);
const attach = (diskId: string, instanceIds: string[]): ParamsOf['attach'] => ({
  diskId,
  instanceIds,
  allowSingleNodeFs: false,
  regionId: REGION,
});
const create = (over: Partial<ParamsOf['create']>): ParamsOf['create'] => ({
  name: 'p',
  sizeGiB: 40,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  regionId: REGION,
  zoneId: SEED.zones.multiAttachI,
  burstingEnabled: false,
  allowDuplicateName: false,
  tags: [],
  ...over,
});

describe('filing preflight against the emulator', () => {
  it('create reads only the names (one DescribeDisks by DiskName); zone support comes from the configured list', async () => {
    await emu.reset();
    const gw = emu.gateway();
    expect(all(await runPreflight(gw, 'create', create({}), { multiAttachZones: ZONES }))).toEqual([
      'category_multi_attach',
      'size_in_range',
      'zone_multi_attach',
      'name_unique',
      'pay_as_you_go',
    ]);
    const zoneB = await runPreflight(
      gw,
      'create',
      create({ zoneId: SEED.zones.noMultiAttachB, sizeGiB: 10 }),
      {
        multiAttachZones: ZONES,
      },
    );
    expect(errors(zoneB)).toEqual(['size_out_of_range', 'zone_not_multi_attach']);
    expect(all(await runPreflight(gw, 'create', create({})))).toContain('zone_support_unverified');
    const calls = await emu.calls();
    expect(calls.map((c) => [c.action, c.params.DiskName])).toEqual(
      Array.from({ length: 3 }, () => ['DescribeDisks', 'p']),
    );
  });

  it('attach reads the world in one call per Describe action and passes a good request', async () => {
    await emu.reset();
    const checks = await runPreflight(
      emu.gateway(),
      'attach',
      attach(shared.diskId, [...nvmeI.slice(0, 3), shared.attachedTo]),
    );
    expect(errors(checks)).toEqual([]);
    expect(all(checks)).toEqual([
      'disk_multi_attach',
      'attachment_limit',
      'already_attached',
      'instances_ready',
    ]);
    // One call per Describe action, and the guests read in ONE invocation (inspect; the OCFS2 probe
    // only when inspect sees OCFS2).
    const calls = (await emu.calls()).map((c) => c.action);
    expect(calls.filter((a) => /^Describe(Disks|Images|InstanceTypes|Instances)$/.test(a)).sort()).toEqual([
      'DescribeDisks',
      'DescribeImages',
      'DescribeInstanceTypes',
      'DescribeInstances',
    ]);
    expect(calls.filter((a) => a === 'RunCommand' || a === 'InvokeCommand')).toHaveLength(1);
  });

  it('reports every instance rule the emulator can show', async () => {
    await emu.reset();
    await emu.setLatency({ stop: { baseMs: 60_000, jitterMs: 0 } });
    await emu.stopInstance(nvmeI[5]!);
    const ids = [
      SEED.instances.nvmeJ[0]!.id,
      nvmeI[5]!,
      SEED.instances.noNvmeTypeI[0]!.id,
      SEED.instances.noNvmeImageI[0]!.id,
      SEED.instances.stoppedI[0]!.id,
      'i-bp1doesnotexist',
    ];
    const checks = await runPreflight(emu.gateway(), 'attach', attach(shared.diskId, ids));
    expect(errors(checks)).toEqual([
      'instance_not_found',
      'zone_mismatch',
      'instance_state',
      'instance_type_not_nvme',
      'image_not_nvme',
    ]);
    const nvme = checks.find((c) => c.code === 'image_not_nvme')?.message ?? '';
    expect(nvme).toContain(SEED.instances.noNvmeImageI[0]!.id);
    expect(nvme).toContain(SEED.instances.noNvmeTypeI[0]!.id);
    expect(checks.find((c) => c.code === 'instance_state')?.message).toContain(`${nvmeI[5]} is Stopping`);
    await emu.setLatency({});
  });

  it('disk_not_found and disk_not_multi_attach', async () => {
    await emu.reset();
    const gw = emu.gateway();
    expect(errors(await runPreflight(gw, 'attach', attach('d-bp1missing', [nvmeI[0]!])))).toEqual([
      'disk_not_found',
    ]);
    expect(errors(await runPreflight(gw, 'attach', attach(SEED.disks.plain.diskId, [nvmeI[0]!])))).toEqual([
      'disk_not_multi_attach',
    ]);
    expect(
      errors(
        await runPreflight(gw, 'detach', {
          diskId: 'd-bp1missing',
          force: false,
          instanceIds: [nvmeI[0]!],
          regionId: REGION,
        }),
      ),
    ).toEqual(['disk_not_found']);
  });

  it('instance_disk_cap: an instance whose type has no free disk slot', async () => {
    await emu.reset();
    const gw = emu.gateway();
    const target = nvmeI[0]!; // ecs.g7se.large: 16 disks including the system disk → 15 data disks
    for (let i = 0; i < 15; i++) {
      const { value } = await gw.createDisk({
        regionId: REGION,
        zoneId: SEED.zones.multiAttachI,
        diskName: `cap-${i}`,
        category: 'cloud_essd',
        performanceLevel: 'PL0',
        sizeGiB: 10,
        clientToken: `cap-${i}`,
      });
      await new Promise((r) => setTimeout(r, 10));
      await gw.attachDisk({ diskId: value.diskId, instanceId: target });
    }
    await new Promise((r) => setTimeout(r, 20));
    const checks = await runPreflight(gw, 'attach', attach(shared.diskId, [target, nvmeI[1]!]));
    expect(errors(checks)).toEqual(['instance_disk_cap']);
    expect(checks.find((c) => c.code === 'instance_disk_cap')?.message).toContain(
      `${target} has 15 data disks`,
    );
  });

  it('detach and failover read the attachments', async () => {
    await emu.reset();
    const gw = emu.gateway();
    const detach = await runPreflight(gw, 'detach', {
      diskId: shared.diskId,
      force: false,
      instanceIds: [shared.attachedTo, nvmeI[0]!],
      regionId: REGION,
    });
    expect(all(detach)).toEqual(['disk_multi_attach', 'not_attached', 'detach_ready']);
    const nothing = await runPreflight(gw, 'detach', {
      diskId: shared.diskId,
      force: false,
      instanceIds: [nvmeI[0]!],
      regionId: REGION,
    });
    expect(all(nothing)).toContain('nothing_to_detach');
    const failover = (from: string, to: string): ParamsOf['failover'] => ({
      diskId: shared.diskId,
      fromInstanceId: from,
      toInstanceId: to,
      regionId: REGION,
      fencingMode: 'detach',
    });
    expect(errors(await runPreflight(gw, 'failover', failover(shared.attachedTo, nvmeI[0]!)))).toEqual([]);
    expect(errors(await runPreflight(gw, 'failover', failover(nvmeI[0]!, nvmeI[1]!)))).toEqual([
      'from_not_attached',
    ]);
    expect(
      errors(await runPreflight(gw, 'failover', failover(shared.attachedTo, SEED.instances.stoppedI[0]!.id))),
    ).toEqual(['instance_state']);
  });
});
