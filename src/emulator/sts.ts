/**
 * STS in the emulator (`Version=2015-04-01`, same endpoint as ECS): `AssumeRole` hands out
 * temporary credentials for `acs:ram::<account>:role/<name>` in one of the emulated accounts, and
 * every later call signed with an `STS.…` key is traced back to that account and session.
 * Facts: docs/lifecycle-accounts-steps-facts.md ("Several accounts (STS AssumeRole)").
 */
import { randomBytes } from 'node:crypto';
import { EcsError, invalid, missing } from './errors.js';
import type { Params } from './params.js';

export const STS_API_VERSION = '2015-04-01';

/** One emulated account; `externalId` set means its roles trust only callers who present it. */
export interface EmulatorAccount {
  accountId: string;
  externalId?: string;
}

/** Who a verified call acts as: the account whose world it touches, and the STS session if any. */
export interface Principal {
  accountId: string;
  roleSessionName: string | null;
}

interface IssuedToken {
  secret: string;
  securityToken: string;
  accountId: string;
  roleArn: string;
  roleSessionName: string;
  expiresAtMs: number;
}

const ROLE_ARN = /^acs:ram::(\d{16}):role\/([A-Za-z0-9.@_-]{1,64})$/;
const SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;
const MIN_DURATION_S = 900;
/** The default MaxSessionDuration of a RAM role; the emulator's roles keep it. */
const MAX_DURATION_S = 3600;

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** ISO 8601 without milliseconds, the form STS answers `Expiration` in. */
const expiration = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class StsIssuer {
  private readonly issued = new Map<string, IssuedToken>();
  private readonly accounts: ReadonlyMap<string, EmulatorAccount>;

  constructor(
    accounts: readonly EmulatorAccount[],
    private readonly now: () => number,
  ) {
    this.accounts = new Map(accounts.map((a) => [a.accountId, a]));
  }

  /** The secret of an `STS.…` key, for the signature check; expired keys still verify. */
  secretOf(accessKeyId: string): string | undefined {
    return this.issued.get(accessKeyId)?.secret;
  }

  /**
   * Which account and session a call signed with `accessKeyId` acts as. A long-lived key belongs to
   * `ownerAccountId`; an STS key must come with its own, unexpired, security token.
   */
  principalOf(accessKeyId: string, securityToken: string | undefined, ownerAccountId: string): Principal {
    const issued = this.issued.get(accessKeyId);
    if (!issued) {
      if (securityToken !== undefined) throw new EcsError('InvalidSecurityToken.Malformed');
      return { accountId: ownerAccountId, roleSessionName: null };
    }
    if (securityToken === undefined) throw new EcsError('MissingSecurityToken');
    if (securityToken !== issued.securityToken) {
      throw new EcsError('InvalidSecurityToken.MismatchWithAccessKey');
    }
    if (this.now() >= issued.expiresAtMs) throw new EcsError('InvalidSecurityToken.Expired');
    return { accountId: issued.accountId, roleSessionName: issued.roleSessionName };
  }

  /** `AssumeRole` for a caller already authenticated; answers the body STS returns. */
  assumeRole(caller: Principal, p: Params): Record<string, unknown> {
    const roleArn = p.str('RoleArn');
    if (roleArn === undefined) throw missing('RoleArn');
    const sessionName = p.str('RoleSessionName');
    if (sessionName === undefined) throw missing('RoleSessionName');
    if (!SESSION_NAME.test(sessionName)) throw new EcsError('InvalidParameter.RoleSessionName');
    const durationS = Number(p.str('DurationSeconds') ?? MAX_DURATION_S);
    if (!Number.isInteger(durationS) || durationS < MIN_DURATION_S || durationS > MAX_DURATION_S) {
      throw new EcsError('InvalidParameter.DurationSeconds');
    }
    const match = ROLE_ARN.exec(roleArn);
    if (!match) throw invalid('RoleArn', 'expected acs:ram::<account id>:role/<role name>');
    const account = this.accounts.get(match[1] ?? '');
    if (!account) throw new EcsError('EntityNotExist.Role', `The role not exists: ${roleArn}.`);
    const externalId = p.str('ExternalId');
    if (account.externalId !== undefined && externalId !== account.externalId) {
      throw new EcsError(
        'NoPermission',
        `You are not authorized to assume the role ${roleArn}: the trust policy's sts:ExternalId condition is not met (caller account ${caller.accountId}).`,
      );
    }
    const accessKeyId = `STS.${token(18)}`;
    const issued: IssuedToken = {
      secret: token(30),
      securityToken: `CAIS${token(96)}`,
      accountId: account.accountId,
      roleArn,
      roleSessionName: sessionName,
      expiresAtMs: this.now() + durationS * 1000,
    };
    this.issued.set(accessKeyId, issued);
    const roleName = match[2] ?? '';
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        AccessKeySecret: issued.secret,
        SecurityToken: issued.securityToken,
        Expiration: expiration(issued.expiresAtMs),
      },
      AssumedRoleUser: {
        Arn: `acs:ram::${account.accountId}:assumed-role/${roleName}/${sessionName}`,
        AssumedRoleId: `3${account.accountId.slice(0, 17)}:${sessionName}`,
      },
    };
  }

  /** Ends every session early, as when an operator revokes the role's sessions (tests, sandbox). */
  expireAll(): number {
    const at = this.now();
    for (const issued of this.issued.values()) issued.expiresAtMs = Math.min(issued.expiresAtMs, at);
    return this.issued.size;
  }
}
