/**
 * The bot under its shipped RAM policy (manifests/ram-policy.json, loaded into the emulator by the
 * harness): scripts run as registered commands created once per version, and what the policy
 * leaves out (a free RunCommand, an untagged instance, an untagged disk) is refused by the cloud.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonLine, runOnInstances } from '../../src/cloud/assistant.js';
import { currentCommandNames, staleCommands } from '../../src/cloud/command-registry.js';
import { inspectReportSchema, scriptText } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = SEED.regionId;
const shared = SEED.disks.sharedExt4;
const serial = shared.diskId.replace(/^d-/, '');
const [a, b] = SEED.instances.nvmeI.map((i) => i.id) as [string, string];

let emu: EmulatorHarness;
beforeAll(async () => {
  emu = await startHarness();
});
afterAll(() => emu.close());
beforeEach(async () => {
  await emu.reset();
  await emu.clearCalls();
});

const inspect = (gateway: ReturnType<EmulatorHarness['gateway']>, instanceIds: string[]) =>
  runOnInstances(
    gateway,
    { regionId: REGION, instanceIds, script: scriptText('inspect'), parameters: { serial }, timeoutSec: 20 },
    jsonLine(inspectReportSchema),
  );
const actions = async () => (await emu.calls()).map((c) => c.action);
const count = (list: string[], action: string) => list.filter((x) => x === action).length;

describe('registered commands under the shipped policy', () => {
  it('creates each script once per version, reuses it across calls and replicas, and never calls RunCommand', async () => {
    const gateway = emu.gateway();
    for (let i = 0; i < 3; i += 1) {
      const out = await inspect(gateway, [shared.attachedTo, a]);
      expect(out.map((o) => o.ok)).toEqual([true, true]);
    }
    // Another replica (a fresh process) finds the command instead of creating it again.
    expect((await inspect(emu.gateway(), [b]))[0]?.ok).toBe(true);
    const seen = await actions();
    expect(count(seen, 'CreateCommand')).toBe(1);
    expect(count(seen, 'DescribeCommands')).toBe(2);
    expect(count(seen, 'InvokeCommand')).toBe(4);
    expect(count(seen, 'RunCommand')).toBe(0);
    const listed = await gateway.describeCommands({ regionId: REGION });
    expect(listed.map((c) => c.name)).toEqual(['shared-disk-bot-inspect-v1']);
    expect(currentCommandNames().has('shared-disk-bot-inspect-v1')).toBe(true);
  });

  it('a version change creates a new command; the old one is listed as stale and can be deleted', async () => {
    const gateway = emu.gateway();
    const old = scriptText('inspect').replace('# shared-disk-bot:inspect:1', '# shared-disk-bot:inspect:0');
    const oldId = await gateway.commands.ensure(REGION, old, 20);
    const currentId = await gateway.commands.ensure(REGION, scriptText('inspect'), 20);
    expect(oldId).not.toBe(currentId);
    const stale = await staleCommands(gateway, REGION);
    expect(stale.map((c) => [c.commandId, c.name])).toEqual([[oldId, 'shared-disk-bot-inspect-v0']]);
    await gateway.deleteCommand({ regionId: REGION, commandId: oldId });
    expect(await staleCommands(gateway, REGION)).toEqual([]);
  });

  it('recreates a command someone deleted under it', async () => {
    const gateway = emu.gateway();
    expect((await inspect(gateway, [a]))[0]?.ok).toBe(true);
    const [command] = await gateway.describeCommands({ regionId: REGION });
    await gateway.deleteCommand({ regionId: REGION, commandId: command!.commandId });
    expect((await inspect(gateway, [a]))[0]?.ok).toBe(true);
    expect(count(await actions(), 'CreateCommand')).toBe(2);
  });
});

describe('what the shipped policy refuses', () => {
  const client = () =>
    new Ecs.default(
      new $OpenApiUtil.Config({
        accessKeyId: 'sandbox',
        accessKeySecret: 'sandbox-secret',
        endpoint: emu.emu.endpoint,
        protocol: 'http',
      }),
    );
  const codeOf = (call: Promise<unknown>) =>
    call.then(
      () => 'OK',
      (e: { code?: string; cloudCode?: string }) => e.cloudCode ?? e.code,
    );

  it('an arbitrary RunCommand, with the bot credential, on a managed instance', async () => {
    const run = client().runCommand(
      new Ecs.RunCommandRequest({
        regionId: REGION,
        type: 'RunShellScript',
        commandContent: 'id',
        instanceId: [a],
      }),
    );
    expect(await codeOf(run)).toBe('Forbidden.RAM');
  });

  it('an attach to an instance its owner did not opt in (no managed tag), and an invocation there', async () => {
    await emu.admin('tags', { resource: 'instance', id: b, tags: [] });
    const gateway = emu.gateway();
    expect(await codeOf(gateway.attachDisk({ diskId: shared.diskId, instanceId: b }))).toBe('Forbidden.RAM');
    const [outcome] = await inspect(gateway, [b]);
    expect(outcome).toMatchObject({ ok: false, state: 'error', code: 'Forbidden.RAM' });
    // The same attach on a managed instance goes through.
    expect(await codeOf(gateway.attachDisk({ diskId: shared.diskId, instanceId: a }))).toBe('OK');
  });

  it('a disk created without the managed tag; the bot tags what it creates', async () => {
    const untagged = client().createDisk(
      new Ecs.CreateDiskRequest({
        regionId: REGION,
        zoneId: SEED.zones.multiAttachI,
        diskCategory: 'cloud_essd',
        size: 20,
        multiAttach: 'Enabled',
      }),
    );
    expect(await codeOf(untagged)).toBe('Forbidden.RAM');
    const { value } = await emu.gateway().createDisk({
      regionId: REGION,
      zoneId: SEED.zones.multiAttachI,
      diskName: 'lp-tagged',
      category: 'cloud_essd',
      performanceLevel: 'PL1',
      sizeGiB: 20,
      clientToken: 'lp-tagged',
    });
    const [disk] = await emu.gateway().describeDisks({ regionId: REGION, diskIds: [value.diskId] });
    expect(disk?.tags).toEqual({ 'shared-disk-bot:managed': 'true' });
  });
});

describe('npm run commands (list and prune the stale versions)', () => {
  it('lists current and stale commands and prunes only the stale ones, under the shipped policy', async () => {
    const gateway = emu.gateway();
    const oldId = await gateway.commands.ensure(
      REGION,
      scriptText('nvme-report').replace('# shared-disk-bot:nvme-report:1', '# shared-disk-bot:nvme-report:0'),
      20,
    );
    const currentId = await gateway.commands.ensure(REGION, scriptText('nvme-report'), 20);
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      SLACK_BOT_TOKEN: 'xoxb-cli-test',
      SLACK_SIGNING_SECRET: 'cli-test',
      REDIS_URL: 'redis://127.0.0.1:1',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-secret',
      ECS_ENDPOINT: emu.emu.endpoint,
      ECS_PROTOCOL: 'http',
    };
    // Asynchronous: the emulator answers from this very process.
    const cli = async (verb: string) =>
      (
        await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cloud/commands-cli.ts', verb], {
          env,
        })
      ).stdout;
    const listed = await cli('list');
    expect(listed).toContain(`${oldId}\tshared-disk-bot-nvme-report-v0\tstale`);
    expect(listed).toContain(`${currentId}\tshared-disk-bot-nvme-report-v1\tcurrent`);
    expect(await cli('prune')).toContain('1 stale command(s) deleted');
    expect((await gateway.describeCommands({ regionId: REGION })).map((c) => c.commandId)).toEqual([
      currentId,
    ]);
  }, 60_000);
});
