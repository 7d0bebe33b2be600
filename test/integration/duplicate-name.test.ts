/**
 * Issue 21 point 2: `/disk create` refuses a name another disk in the region already has, unless
 * `--allow-duplicate-name`; the name is read once at filing and again right before CreateDisk.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { facts } from '../../src/kinds/registry.js';
import type { Check } from '../../src/workflow/request.js';
import type { ParamsOf } from '../../src/workflow/request-params.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type ExecutionHarness, executionHarness } from '../support/execution-harness.js';

const REGION = SEED.regionId;
let emu: EmulatorHarness;
let h: ExecutionHarness | undefined;

beforeAll(async () => {
  emu = await startHarness();
});
afterAll(async () => emu.close());
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const params = (name: string, allowDuplicateName = false): ParamsOf['create'] => ({
  name,
  sizeGiB: 40,
  category: 'cloud_essd',
  performanceLevel: 'PL1',
  regionId: REGION,
  zoneId: SEED.zones.multiAttachI,
  burstingEnabled: false,
  allowDuplicateName,
  tags: [],
});

async function filing(p: ParamsOf['create']): Promise<readonly Check[]> {
  return (await facts(emu.gateway(), 'create', p, 'filing', { guests: { timeoutSec: 10 } })).checks;
}
const nameCheck = (checks: readonly Check[]) =>
  checks.find((c) => c.code.startsWith('duplicate_name') || c.code === 'name_unique');

describe('duplicate disk names on create (emulator, real SDK)', () => {
  it('refuses a name the region already has, naming that disk, with one DescribeDisks by DiskName', async () => {
    await emu.reset();
    const checks = await filing(params(SEED.disks.plain.name));
    const check = nameCheck(checks);
    expect(check?.level).toBe('error');
    expect(check?.code).toBe('duplicate_name');
    expect(check?.message).toContain(SEED.disks.plain.diskId);
    expect(check?.message).toContain('--allow-duplicate-name');
    const lookups = await emu.calls('DescribeDisks');
    expect(lookups.map((c) => c.params.DiskName)).toEqual([SEED.disks.plain.name]);
  });

  it('accepts a new name, and a duplicate with --allow-duplicate-name as a warning naming the disk', async () => {
    await emu.reset();
    expect(nameCheck(await filing(params('brand-new-name')))?.level).toBe('ok');
    const allowed = nameCheck(await filing(params(SEED.disks.plain.name, true)));
    expect([allowed?.code, allowed?.level]).toEqual(['duplicate_name', 'warning']);
    expect(allowed?.message).toContain(SEED.disks.plain.diskId);
  });

  it('fails closed with the reason when the names cannot be read', async () => {
    await emu.reset();
    await emu.setFaults({ DescribeDisks: { internalErrorRate: 1 } });
    try {
      const check = nameCheck(await filing(params('brand-new-name')));
      expect([check?.code, check?.level]).toEqual(['duplicate_name_unverified', 'error']);
      expect(check?.message).toContain('InternalError');
    } finally {
      await emu.setFaults({});
    }
  });

  it('a disk of that name created between filing and approval stops the create with guard_changed', async () => {
    await emu.reset();
    const p = params('raced-name');
    const card = await filing(p);
    expect(nameCheck(card)?.level).toBe('ok');
    const other = await emu.gateway().createDisk({
      regionId: REGION,
      zoneId: SEED.zones.multiAttachI,
      diskName: 'raced-name',
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 40,
      tags: [],
      clientToken: 'someone-else',
    });
    h = await executionHarness(inject('redisUrl'), emu.gateway());
    h.execution.start();
    const request = await h.approved('create', p, { checks: card });
    const done = await h.waitFor(request.id);
    expect([done.state, done.outcome?.code]).toEqual(['failed', 'guard_changed']);
    expect(done.outcome?.message).toContain(other.value.diskId);
    expect(await emu.calls('CreateDisk')).toHaveLength(1);
  });
});
