/**
 * Issue 23's "Done when": the bot over signed HTTP with the policy listing prod and staging, the
 * emulator running both accounts behind STS, and `--account` from the command to the cloud.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountRoles, buildCloudGateway } from '../../src/cloud/cloud-gateway.js';
import { type CallRecord, type RunningEmulator, SEED, startEmulator } from '../../src/emulator/index.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import { parsePolicy } from '../../src/workflow/policy.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  TEST_POLICY,
  USERS,
} from '../support/approval-bot.js';
import type { RecordedCall } from '../support/fake-slack.js';

const PROD = '1111111111111111';
const STAGING = '2222222222222222';
const POLICY = `${TEST_POLICY}
accounts:
  prod: { roleArn: "acs:ram::${PROD}:role/shared-disk-bot" }
  staging: { roleArn: "acs:ram::${STAGING}:role/shared-disk-bot", externalId: staging-ext-1 }
`;

let emu: RunningEmulator;
let h: ApprovalHarness;
const json = (call: RecordedCall) => JSON.stringify(call.body);

async function adminGet<T>(path: string): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const calls = async () => (await adminGet<{ calls: CallRecord[] }>('/calls')).calls;

beforeAll(async () => {
  emu = await startEmulator({
    accounts: [{ accountId: PROD }, { accountId: STAGING, externalId: 'staging-ext-1' }],
  });
  const policy = parsePolicy(POLICY);
  if (!policy.ok) throw new Error(policy.message);
  const cloud = buildCloudGateway({
    regionId: SEED.regionId,
    endpoint: emu.endpoint,
    stsEndpoint: emu.endpoint,
    protocol: 'http',
    keys: { accessKeyId: 'sandbox', accessKeySecret: 'sandbox-secret' },
    accounts: accountRoles(policy.value.accounts),
  });
  h = await startApprovalHarness({
    policy: POLICY,
    cloud: {
      gateway: cloud.gateway,
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      execution: { pollIntervalMs: 100 },
    },
  });
});
afterAll(async () => {
  await h?.close();
  await emu?.close();
});

let count = 0;
/** Runs a command as Alice and returns what the bot told her (the ack or through response_url). */
async function command(text: string): Promise<string> {
  const id = `a-${++count}`;
  const res = await h.client.command({ text, userId: USERS.alice, responseUrl: h.fake.responseUrl(id) });
  expect(res.status).toBe(200);
  const ack = res.text;
  if (ack.includes('Nothing was done')) return ack;
  return json(await h.fake.waitFor((c) => c.method === `/response/${id}`, 15_000));
}

describe('several accounts end to end', () => {
  it('create --account staging: staging on the card, CreateDisk in staging under the request’s session', async () => {
    const reply = await command('create shared-staging --size 100 --zone cn-hangzhou-i --account staging');
    const requestId = /R-[0-9A-Z]{10}/.exec(reply)?.[0];
    if (!requestId) throw new Error(`no request opened: ${reply}`);
    const request = await h.bot.service.get(requestId);
    expect(request?.account).toBe('staging');
    if (!request?.card) throw new Error('card not attached');
    const card = h.fake
      .apiCalls('chat.postMessage')
      .find((c) => c.body.channel === APPROVALS_CHANNEL && json(c).includes(requestId));
    expect(card && json(card)).toContain(`${requestId} · create · account staging`);

    await clearCalls();
    await h.client.click({
      userId: USERS.bob,
      actionId: ACTION_APPROVE,
      value: JSON.stringify({ id: requestId, planHash: request.planHash }),
      channelId: APPROVALS_CHANNEL,
      messageTs: request.card.ts,
      responseUrl: h.fake.responseUrl(`approve-${requestId}`),
    });
    await h.fake.waitFor(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.body.reply_broadcast === 'true' &&
        json(c).includes(requestId) &&
        /succeeded|partial|failed/.test(json(c)),
      30_000,
    );
    expect((await h.bot.service.get(requestId))?.state).toBe('succeeded');
    const ecs = (await calls()).filter((c) => c.action !== 'AssumeRole');
    const creates = ecs.filter((c) => c.action === 'CreateDisk');
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ accountId: STAGING, roleSessionName: `shared-disk-bot-${requestId}` });
    // Every ECS call made while executing the request is in staging, under its session.
    const forRequest = ecs.filter((c) => c.roleSessionName === `shared-disk-bot-${requestId}`);
    expect(forRequest.length).toBeGreaterThan(0);
    expect(new Set(forRequest.map((c) => c.accountId))).toEqual(new Set([STAGING]));
    const staging = await adminGet<{ disks: { name: string }[] }>(`/state?account=${STAGING}`);
    expect(staging.disks.map((d) => d.name)).toContain('shared-staging');
    const prod = await adminGet<{ disks: { name: string }[] }>(`/state?account=${PROD}`);
    expect(prod.disks.map((d) => d.name)).not.toContain('shared-staging');
  });

  it('/disk list shows the staging disk in staging only', async () => {
    expect(await command('list --account staging')).toContain('shared-staging');
    expect(await command('list --account prod')).not.toContain('shared-staging');
    expect(await command('list')).not.toContain('shared-staging');
  });

  it('/disk list --account nope is refused naming prod and staging', async () => {
    const reply = await command('list --account nope');
    expect(reply).toContain('There is no account `nope`');
    expect(reply).toContain('`prod`, `staging`');
  });
});

async function clearCalls(): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/calls`, { method: 'DELETE' });
  expect(res.status).toBe(200);
}
