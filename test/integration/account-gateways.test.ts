/**
 * The account registry against the emulator running two accounts: each scope's calls land in its
 * account, a request's calls run under a session named after it, and an account whose role
 * cannot be assumed is reported (readiness and its commands) while the other keeps working.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inAccountScope } from '../../src/cloud/account-context.js';
import { sourceProvider } from '../../src/cloud/account-credentials.js';
import { AccountGateways } from '../../src/cloud/accounts.js';
import { buildCloudGateway } from '../../src/cloud/cloud-gateway.js';
import { EcsSdkGateway } from '../../src/cloud/ecs-sdk-gateway.js';
import { type CallRecord, type RunningEmulator, SEED, startEmulator } from '../../src/emulator/index.js';

const PROD = '1111111111111111';
const STAGING = '2222222222222222';
const REGION = SEED.regionId;
const KEYS = { accessKeyId: 'sandbox', accessKeySecret: 'sandbox-secret' };

let emu: RunningEmulator;

const calls = async (): Promise<CallRecord[]> => {
  const res = await fetch(`${emu.url}/_emulator/calls`);
  return ((await res.json()) as { calls: CallRecord[] }).calls;
};

function registry(stagingExternalId = 'staging-ext') {
  return new AccountGateways({
    accounts: [
      { alias: 'prod', roleArn: `acs:ram::${PROD}:role/shared-disk-bot` },
      {
        alias: 'staging',
        roleArn: `acs:ram::${STAGING}:role/shared-disk-bot`,
        externalId: stagingExternalId,
      },
    ],
    source: sourceProvider(KEYS),
    sts: { endpoint: emu.endpoint, protocol: 'http' },
    gatewayWith: (credential) =>
      new EcsSdkGateway({ regionId: REGION, endpoint: emu.endpoint, protocol: 'http', credential }),
  });
}

beforeAll(async () => {
  emu = await startEmulator({
    accounts: [{ accountId: PROD }, { accountId: STAGING, externalId: 'staging-ext' }],
  });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', body: '{}' });
});

describe('AccountGateways', () => {
  it('routes each scope to its account; outside any scope, the first account', async () => {
    const gateway = registry().routed();
    await gateway.describeDisks({ regionId: REGION });
    await inAccountScope({ account: 'staging' }, () => gateway.describeDisks({ regionId: REGION }));
    await inAccountScope({ account: 'staging', requestId: 'R-0ABCDEF123' }, () =>
      gateway.describeInstances({ regionId: REGION }),
    );
    await inAccountScope({ account: 'prod' }, () => gateway.describeDisks({ regionId: REGION }));
    const ecs = (await calls()).filter((c) => c.action !== 'AssumeRole');
    expect(ecs.map((c) => [c.action, c.accountId, c.roleSessionName])).toEqual([
      ['DescribeDisks', PROD, 'shared-disk-bot'],
      ['DescribeDisks', STAGING, 'shared-disk-bot'],
      ['DescribeInstances', STAGING, 'shared-disk-bot-R-0ABCDEF123'],
      ['DescribeDisks', PROD, 'shared-disk-bot'],
    ]);
    // One session per account and one per request: three AssumeRole calls for four ECS calls.
    expect((await calls()).filter((c) => c.action === 'AssumeRole')).toHaveLength(3);
  });

  it('an account whose role cannot be assumed: readiness names it, its calls say why, the other works', async () => {
    const accounts = registry('wrong-ext');
    const readiness = await accounts.readinessCheck().check();
    expect(readiness.ok).toBe(false);
    expect(readiness.detail).toMatch(/^staging: NoPermission: You are not authorized to assume the role/);
    expect(accounts.unavailable('prod')).toBeUndefined();
    const gateway = accounts.routed();
    const refused = await inAccountScope({ account: 'staging' }, () =>
      gateway.describeDisks({ regionId: REGION }).then(
        () => undefined,
        (e: unknown) => e as { cloudCode: string; message: string },
      ),
    );
    expect(refused?.cloudCode).toBe('AccountUnavailable');
    expect(refused?.message).toContain('The role of account staging cannot be assumed');
    await expect(
      inAccountScope({ account: 'prod' }, () => gateway.describeDisks({ regionId: REGION })),
    ).resolves.toBeInstanceOf(Array);
  });

  it('without accounts the gateway signs with the bot’s own key, as before', async () => {
    const { gateway, accounts } = buildCloudGateway({
      regionId: REGION,
      endpoint: emu.endpoint,
      protocol: 'http',
      keys: KEYS,
      accounts: [],
    });
    expect(accounts).toBeUndefined();
    await gateway.describeDisks({ regionId: REGION });
    expect((await calls()).map((c) => [c.action, c.accessKeyId, c.accountId])).toEqual([
      ['DescribeDisks', 'sandbox', PROD],
    ]);
  });
});
