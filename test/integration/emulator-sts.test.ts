/**
 * STS in the emulator, through `@alicloud/credentials`' RAM-role provider and the real ECS SDK:
 * one world per account, temporary credentials per role, and the error codes of bad sessions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  assumedRoleProvider,
  type RoleToAssume,
  sdkCredential,
  sourceProvider,
} from '../../src/cloud/account-credentials.js';
import { EcsSdkGateway } from '../../src/cloud/ecs-sdk-gateway.js';
import { type CallRecord, type RunningEmulator, SEED, startEmulator } from '../../src/emulator/index.js';

const PROD = '1111111111111111';
const STAGING = '2222222222222222';
const EXTERNAL_ID = 'staging-ext-7f3a';
const REGION = SEED.regionId;

let emu: RunningEmulator;
const bot = sourceProvider({ accessKeyId: 'sandbox', accessKeySecret: 'sandbox-secret' });

const gatewayFor = (role: RoleToAssume) =>
  new EcsSdkGateway({
    regionId: REGION,
    endpoint: emu.endpoint,
    protocol: 'http',
    credential: sdkCredential(assumedRoleProvider(bot, role, { endpoint: emu.endpoint, protocol: 'http' })),
  });

const stagingRole = (extra: Partial<RoleToAssume> = {}): RoleToAssume => ({
  roleArn: `acs:ram::${STAGING}:role/shared-disk-bot`,
  externalId: EXTERNAL_ID,
  roleSessionName: 'shared-disk-bot-R-TEST01',
  ...extra,
});

async function adminGet<T>(path: string): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}
const calls = async () => (await adminGet<{ calls: CallRecord[] }>('/calls')).calls;
const diskNames = async (account: string) =>
  (await adminGet<{ disks: { name: string }[] }>(`/state?account=${account}`)).disks.map((d) => d.name);

async function failure(call: Promise<unknown>): Promise<{ cloudCode?: string; message: string }> {
  return call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as { cloudCode?: string; message: string },
  );
}

const createDisk = (gateway: EcsSdkGateway, name: string) =>
  gateway.createDisk({
    regionId: REGION,
    zoneId: SEED.zones.multiAttachI,
    diskName: name,
    category: 'cloud_essd',
    performanceLevel: 'PL1',
    sizeGiB: 20,
    clientToken: `token-${name}`,
  });

beforeAll(async () => {
  emu = await startEmulator({
    accounts: [{ accountId: PROD }, { accountId: STAGING, externalId: EXTERNAL_ID }],
  });
});
afterAll(() => emu.close());
beforeEach(async () => {
  await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', body: '{}' });
});

describe('AssumeRole through the credentials library', () => {
  it('acts in the role’s account under its session name, and the static key in the first account', async () => {
    const staging = gatewayFor(stagingRole());
    const { value } = await createDisk(staging, 'in-staging');
    const direct = new EcsSdkGateway({
      regionId: REGION,
      endpoint: emu.endpoint,
      protocol: 'http',
      accessKeyId: 'sandbox',
      accessKeySecret: 'sandbox-secret',
    });
    await createDisk(direct, 'in-prod');

    expect(await diskNames(STAGING)).toContain('in-staging');
    expect(await diskNames(STAGING)).not.toContain('in-prod');
    expect(await diskNames(PROD)).toContain('in-prod');
    expect(await diskNames(PROD)).not.toContain('in-staging');
    const log = await calls();
    const assume = log.filter((c) => c.action === 'AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]).toMatchObject({ code: 'OK', accessKeyId: 'sandbox', accountId: PROD });
    expect(assume[0]?.params.ExternalId).toBe(EXTERNAL_ID);
    const creates = log.filter((c) => c.action === 'CreateDisk');
    expect(creates.map((c) => [c.accountId, c.roleSessionName])).toEqual([
      [STAGING, 'shared-disk-bot-R-TEST01'],
      [PROD, null],
    ]);
    expect(creates[0]?.accessKeyId).toMatch(/^STS\./);
    // A disk created in one account is not visible from the other.
    const fromProd = await direct.describeDisks({ regionId: REGION, diskIds: [value.diskId] });
    expect(fromProd).toEqual([]);
  });

  it('reuses the session: many calls, one AssumeRole', async () => {
    const staging = gatewayFor(stagingRole());
    for (let i = 0; i < 3; i += 1) await staging.describeDisks({ regionId: REGION });
    const log = await calls();
    expect(log.filter((c) => c.action === 'AssumeRole')).toHaveLength(1);
    expect(log.filter((c) => c.action === 'DescribeDisks' && c.accountId === STAGING)).toHaveLength(3);
  });
});

describe('refusals', () => {
  it('a wrong or missing external id fails the trust policy: NoPermission', async () => {
    for (const externalId of ['not-the-id', undefined]) {
      const role = stagingRole();
      const { externalId: _dropped, ...withoutId } = role;
      const gateway = gatewayFor(externalId === undefined ? withoutId : { ...role, externalId });
      const error = await failure(gateway.describeDisks({ regionId: REGION }));
      expect(error.message).toContain('NoPermission');
    }
    const log = await calls();
    expect(log.map((c) => [c.action, c.code])).toEqual([
      ['AssumeRole', 'NoPermission'],
      ['AssumeRole', 'NoPermission'],
    ]);
  });

  it('a role in an account the emulator does not run: EntityNotExist.Role', async () => {
    const gateway = gatewayFor(stagingRole({ roleArn: 'acs:ram::3333333333333333:role/shared-disk-bot' }));
    const error = await failure(gateway.describeDisks({ regionId: REGION }));
    expect(error.message).toContain('EntityNotExist.Role');
  });

  it('a session name STS would refuse: InvalidParameter.RoleSessionName', async () => {
    const gateway = gatewayFor(stagingRole({ roleSessionName: 'has space' }));
    const error = await failure(gateway.describeDisks({ regionId: REGION }));
    expect(error.message).toContain('InvalidParameter.RoleSessionName');
  });

  it('an expired session: InvalidSecurityToken.Expired on the next ECS call', async () => {
    const staging = gatewayFor(stagingRole());
    await staging.describeDisks({ regionId: REGION });
    const res = await fetch(`${emu.url}/_emulator/sts/expire`, { method: 'POST' });
    expect(res.status).toBe(200);
    const error = await failure(staging.describeDisks({ regionId: REGION }));
    expect(error.cloudCode).toBe('InvalidSecurityToken.Expired');
  });

  it('a security token on a long-lived key: InvalidSecurityToken.Malformed', async () => {
    const forged = new EcsSdkGateway({
      regionId: REGION,
      endpoint: emu.endpoint,
      protocol: 'http',
      accessKeyId: 'sandbox',
      accessKeySecret: 'sandbox-secret',
      securityToken: 'CAISforged',
    });
    const error = await failure(forged.describeDisks({ regionId: REGION }));
    expect(error.cloudCode).toBe('InvalidSecurityToken.Malformed');
  });
});

describe('without accounts', () => {
  it('one account, as before: the static key acts in it and the log names it', async () => {
    const single = await startEmulator();
    try {
      const gateway = new EcsSdkGateway({
        regionId: REGION,
        endpoint: single.endpoint,
        protocol: 'http',
        accessKeyId: 'sandbox',
        accessKeySecret: 'sandbox-secret',
      });
      await gateway.describeDisks({ regionId: REGION });
      const res = await fetch(`${single.url}/_emulator/calls`);
      const { calls: log } = (await res.json()) as { calls: CallRecord[] };
      expect(log.map((c) => [c.action, c.accountId, c.roleSessionName])).toEqual([
        ['DescribeDisks', '1000000000000000', null],
      ]);
    } finally {
      await single.close();
    }
  });
});
