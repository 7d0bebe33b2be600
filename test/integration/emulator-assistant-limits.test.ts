/**
 * RunCommand's parameter rules and limits and DescribeInvocationResults paging, through the real
 * SDK against the emulator: the refusals carry the real codes, statuses and error body.
 */
import { createRequire } from 'node:module';
import type EcsModule from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RunningEmulator, SEED, scriptMarker, startEmulator } from '../../src/emulator/index.js';

const Ecs = createRequire(import.meta.url)('@alicloud/ecs20140526') as typeof EcsModule;
const REGION = SEED.regionId;
const sixteen = SEED.instances.nvmeI.slice(0, 16).map((i) => i.id);
const serial = SEED.disks.sharedExt4.diskId.replace(/^d-/, '');

let emu: RunningEmulator;
let c: InstanceType<typeof Ecs.default>;
beforeAll(async () => {
  emu = await startEmulator({ latency: { command: { baseMs: 20, jitterMs: 0 } } });
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

const runCommand = (over: { content?: string; ids?: string[]; parameters?: Record<string, string> }) =>
  c.runCommand(
    new Ecs.RunCommandRequest({
      regionId: REGION,
      type: 'RunShellScript',
      commandContent: over.content ?? `${scriptMarker('inspect')}\necho {{serial}} {{ACS::InstanceId}}`,
      instanceId: over.ids ?? [sixteen[0]!],
      enableParameter: true,
      parameters: over.parameters ?? { serial },
      timeout: 10,
    }),
  );

async function refusal(call: Promise<unknown>): Promise<{ code: string; statusCode: number; data: object }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; statusCode: number; data: object };
  }
  throw new Error('the call succeeded');
}

test('a custom parameter in the reserved acs:: namespace is refused with the real error body', async () => {
  for (const parameters of [{ 'acs::InstanceId': 'i-forged' }, { 'ACS::serial': serial }] as Record<
    string,
    string
  >[]) {
    const e = await refusal(runCommand({ parameters }));
    expect(e).toMatchObject({ code: 'CmdParam.InvalidParamName', statusCode: 400 });
    expect(Object.keys(e.data).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId']);
    expect(JSON.stringify(e.data)).toContain('acs:: prefix is reserved');
  }
  // An unknown name in the namespace is refused too; the built-ins themselves are fine.
  const unknown = await refusal(runCommand({ content: `${scriptMarker('inspect')}\necho {{ACS::Serial}}` }));
  expect(unknown).toMatchObject({ code: 'CmdParam.InvalidParamName', statusCode: 400 });
  expect((await runCommand({})).body?.invokeId).toMatch(/^t-/);
});

test('at most 100 instances, 20 parameters and 24 KB of Base64 content per RunCommand', async () => {
  const ids = Array.from({ length: 101 }, (_, i) => sixteen[i % sixteen.length]!);
  expect(await refusal(runCommand({ ids }))).toMatchObject({
    code: 'InstanceIds.ExceedLimit',
    statusCode: 403,
  });
  const many = Array.from({ length: 20 }, (_, i) => `{{p${i}}}`).join(' ');
  expect(
    await refusal(runCommand({ content: `${scriptMarker('inspect')}\necho {{ACS::InstanceId}} ${many}` })),
  ).toMatchObject({ code: 'CmdParamCount.ExceedLimit', statusCode: 403 });
  // Just under the limit passes (a 23 KB query string), just over it is refused.
  const fits = `${scriptMarker('inspect')}\n# ${'x'.repeat(17_500)}\necho {{serial}}`;
  expect((await runCommand({ content: fits })).body?.invokeId).toMatch(/^t-/);
  const big = `${scriptMarker('inspect')}\n# ${'x'.repeat(18_500)}\necho {{serial}}`;
  expect(await refusal(runCommand({ content: big }))).toMatchObject({
    code: 'CmdContent.ExceedLimit',
    statusCode: 403,
  });
});

test('DescribeInvocationResults pages with MaxResults (≤ 50) and NextToken', async () => {
  const invokeId = (await runCommand({ ids: sixteen })).body!.invokeId!;
  await new Promise((r) => setTimeout(r, 200));
  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = (
      await c.describeInvocationResults(
        new Ecs.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, maxResults: 5, nextToken }),
      )
    ).body!.invocation!;
    pages += 1;
    seen.push(...page.invocationResults!.invocationResult!.map((r) => r.instanceId!));
    nextToken = page.nextToken || undefined;
  } while (nextToken);
  expect(pages).toBe(4);
  expect(seen.sort()).toEqual([...sixteen].sort());
  expect(
    await refusal(
      c.describeInvocationResults(
        new Ecs.DescribeInvocationResultsRequest({ regionId: REGION, invokeId, maxResults: 51 }),
      ),
    ),
  ).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
});
