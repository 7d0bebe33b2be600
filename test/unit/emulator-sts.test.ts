/** The emulator's STS issuer: which account and session a key acts as, and when it refuses. */
import { describe, expect, it } from 'vitest';
import { parseCli, UsageError } from '../../src/emulator/cli-args.js';
import { Params } from '../../src/emulator/params.js';
import { StsIssuer } from '../../src/emulator/sts.js';

const PROD = '1111111111111111';
const STAGING = '2222222222222222';

function issuer() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const sts = new StsIssuer([{ accountId: PROD }, { accountId: STAGING, externalId: 'ext' }], () => now);
  return { sts, advance: (ms: number) => (now += ms) };
}

const assume = (sts: StsIssuer, params: Record<string, string>) =>
  sts.assumeRole({ accountId: PROD, roleSessionName: null }, new Params(params)) as {
    Credentials: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string };
    AssumedRoleUser: { Arn: string };
  };

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('StsIssuer', () => {
  it('issues STS keys that act in the role’s account until they expire', () => {
    const { sts, advance } = issuer();
    const { Credentials, AssumedRoleUser } = assume(sts, {
      RoleArn: `acs:ram::${STAGING}:role/bot`,
      RoleSessionName: 'shared-disk-bot',
      ExternalId: 'ext',
      DurationSeconds: '900',
    });
    expect(Credentials.AccessKeyId).toMatch(/^STS\./);
    expect(Credentials.Expiration).toBe('2026-01-01T00:15:00Z');
    expect(AssumedRoleUser.Arn).toBe(`acs:ram::${STAGING}:assumed-role/bot/shared-disk-bot`);
    expect(sts.secretOf(Credentials.AccessKeyId)).toBe(Credentials.AccessKeySecret);
    expect(sts.principalOf(Credentials.AccessKeyId, Credentials.SecurityToken, PROD)).toEqual({
      accountId: STAGING,
      roleSessionName: 'shared-disk-bot',
    });
    expect(codeOf(() => sts.principalOf(Credentials.AccessKeyId, 'CAISother', PROD))).toBe(
      'InvalidSecurityToken.MismatchWithAccessKey',
    );
    expect(codeOf(() => sts.principalOf(Credentials.AccessKeyId, undefined, PROD))).toBe(
      'MissingSecurityToken',
    );
    advance(900_000);
    expect(codeOf(() => sts.principalOf(Credentials.AccessKeyId, Credentials.SecurityToken, PROD))).toBe(
      'InvalidSecurityToken.Expired',
    );
  });

  it('a long-lived key acts in its owner account; with a token it is malformed', () => {
    const { sts } = issuer();
    expect(sts.principalOf('sandbox', undefined, PROD)).toEqual({ accountId: PROD, roleSessionName: null });
    expect(codeOf(() => sts.principalOf('sandbox', 'CAIS', PROD))).toBe('InvalidSecurityToken.Malformed');
  });

  it.each([
    [{ RoleArn: `acs:ram::${STAGING}:role/bot`, RoleSessionName: 'bot' }, 'NoPermission'],
    [{ RoleArn: `acs:ram::${STAGING}:role/bot`, RoleSessionName: 'bot', ExternalId: 'x' }, 'NoPermission'],
    [{ RoleArn: 'acs:ram::3333333333333333:role/bot', RoleSessionName: 'bot' }, 'EntityNotExist.Role'],
    [{ RoleArn: `acs:ram::${PROD}:role/bot`, RoleSessionName: 'b' }, 'InvalidParameter.RoleSessionName'],
    [
      { RoleArn: `acs:ram::${PROD}:role/bot`, RoleSessionName: 'bot', DurationSeconds: '899' },
      'InvalidParameter.DurationSeconds',
    ],
    [
      { RoleArn: `acs:ram::${PROD}:role/bot`, RoleSessionName: 'bot', DurationSeconds: '3601' },
      'InvalidParameter.DurationSeconds',
    ],
    [{ RoleArn: 'arn:aws:iam::1:role/x', RoleSessionName: 'bot' }, 'InvalidParameter'],
    [{ RoleSessionName: 'bot' }, 'MissingParameter'],
  ])('refuses %o with %s', (params, code) => {
    const { sts } = issuer();
    expect(codeOf(() => assume(sts, params as Record<string, string>))).toBe(code);
  });
});

describe('--accounts', () => {
  it('lists account ids, each with an optional external id', () => {
    expect(parseCli(['--accounts', `${PROD},${STAGING}:ext-id`]).accounts).toEqual([
      { accountId: PROD },
      { accountId: STAGING, externalId: 'ext-id' },
    ]);
  });

  it.each([['123'], [`${PROD},${PROD}`], [`${PROD}:`], ['']])('%s is a usage error', (raw) => {
    expect(() => parseCli(['--accounts', raw])).toThrow(UsageError);
  });
});
