/**
 * The one place the bot's ECS gateway is built: a single account signed with the bot's own
 * credential, or — when the policy lists `accounts` — the account registry's routed gateway.
 */
import { type SourceKeys, sourceProvider } from './account-credentials.js';
import { AccountGateways, type AccountRole } from './accounts.js';
import { EcsSdkGateway } from './ecs-sdk-gateway.js';
import type { EcsGateway } from './gateway.js';

export interface CloudGatewayOptions {
  readonly regionId: string;
  readonly endpoint?: string;
  readonly stsEndpoint?: string;
  readonly protocol: 'http' | 'https';
  readonly keys: SourceKeys;
  /** Policy `accounts` in file order; empty: the bot's own account only. */
  readonly accounts: readonly AccountRole[];
}

export interface CloudGateway {
  readonly gateway: EcsGateway;
  /** Present when the bot manages several accounts. */
  readonly accounts?: AccountGateways;
}

export function buildCloudGateway(options: CloudGatewayOptions): CloudGateway {
  const { regionId, endpoint, protocol, keys } = options;
  const base = { regionId, protocol, ...(endpoint ? { endpoint } : {}) };
  if (options.accounts.length === 0) {
    const own = Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined));
    return { gateway: new EcsSdkGateway({ ...base, ...own }) };
  }
  const accounts = new AccountGateways({
    accounts: options.accounts,
    source: sourceProvider(keys),
    sts: { protocol, ...(options.stsEndpoint ? { endpoint: options.stsEndpoint } : {}) },
    gatewayWith: (credential) => new EcsSdkGateway({ ...base, credential }),
  });
  return { gateway: accounts.routed(), accounts };
}

/** Policy `accounts` → the roles to assume, in file order. */
export function accountRoles(
  accounts: Readonly<Record<string, { roleArn: string; externalId?: string; durationSeconds?: number }>> = {},
): AccountRole[] {
  return Object.entries(accounts).map(([alias, a]) => ({
    alias,
    roleArn: a.roleArn,
    ...(a.externalId === undefined ? {} : { externalId: a.externalId }),
    ...(a.durationSeconds === undefined ? {} : { durationSeconds: a.durationSeconds }),
  }));
}
