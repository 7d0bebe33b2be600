/**
 * The account → gateway registry of a bot that manages several Alibaba Cloud accounts (policy
 * `accounts:`). Each account has one assumed-role credential chained onto the bot's own identity;
 * a request being executed gets its own session (`shared-disk-bot-R-…`) so the target account's
 * ActionTrail names the Slack request. A role that cannot be assumed makes that account
 * unavailable — `/readyz` and its commands say why — while the others keep working.
 */
import type { CredentialsProvider } from '@alicloud/credentials';
import { type AccountScope, currentAccountScope } from './account-context.js';
import {
  assumedRoleProvider,
  roleSessionName,
  type SdkCredential,
  type StsEndpoint,
  sdkCredential,
} from './account-credentials.js';
import { CloudError } from './errors.js';
import type { EcsGateway } from './gateway.js';

export interface AccountRole {
  readonly alias: string;
  readonly roleArn: string;
  readonly externalId?: string;
  readonly durationSeconds?: number;
}

export interface AccountGatewaysOptions {
  /** In policy order: the first is the default account. */
  readonly accounts: readonly AccountRole[];
  /** The bot's own identity, the source of every AssumeRole. */
  readonly source: CredentialsProvider;
  readonly sts: StsEndpoint;
  /** The raw ECS adapter signed with one credential (EcsSdkGateway in production). */
  readonly gatewayWith: (credential: SdkCredential) => EcsGateway;
  /** Sessions of requests kept at once; older ones are assumed again if still needed. */
  readonly maxRequestSessions?: number;
}

export interface AccountHealth {
  readonly alias: string;
  readonly ok: boolean;
  /** Why the role could not be assumed (the STS error), when it could not. */
  readonly reason?: string;
}

interface Session {
  readonly provider: CredentialsProvider;
  readonly gateway: EcsGateway;
}

const DEFAULT_REQUEST_SESSIONS = 64;

/**
 * The library reports a refused AssumeRole as `refresh session token failed: <STS error body>`;
 * people need the STS code and message, not the JSON around them.
 */
export function assumeRoleFailure(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const json = text.indexOf('{');
  if (json >= 0) {
    try {
      const body = JSON.parse(text.slice(json)) as { Code?: unknown; Message?: unknown };
      if (typeof body.Code === 'string') {
        return typeof body.Message === 'string' ? `${body.Code}: ${body.Message}` : body.Code;
      }
    } catch {
      // Not the STS error body: the text as it is says more than nothing.
    }
  }
  return text;
}

export class AccountGateways {
  private readonly roles: ReadonlyMap<string, AccountRole>;
  private readonly botSessions = new Map<string, Session>();
  /** Insertion-ordered, so the oldest request session is the first to go. */
  private readonly requestSessions = new Map<string, Session>();
  private readonly failures = new Map<string, string>();

  constructor(private readonly options: AccountGatewaysOptions) {
    this.roles = new Map(options.accounts.map((a) => [a.alias, a]));
  }

  aliases(): string[] {
    return [...this.roles.keys()];
  }

  private session(alias: string, requestId: string | undefined): Session {
    const role = this.roles.get(alias);
    if (!role) throw new Error(`no account ${alias} in the policy`);
    const sessions = requestId === undefined ? this.botSessions : this.requestSessions;
    const key = requestId === undefined ? alias : `${alias}\n${requestId}`;
    const known = sessions.get(key);
    if (known) return known;
    const provider = assumedRoleProvider(
      this.options.source,
      {
        roleArn: role.roleArn,
        roleSessionName: roleSessionName(requestId),
        ...(role.externalId === undefined ? {} : { externalId: role.externalId }),
        ...(role.durationSeconds === undefined ? {} : { durationSeconds: role.durationSeconds }),
      },
      this.options.sts,
    );
    const session = { provider, gateway: this.options.gatewayWith(sdkCredential(provider)) };
    sessions.set(key, session);
    const limit = this.options.maxRequestSessions ?? DEFAULT_REQUEST_SESSIONS;
    if (sessions === this.requestSessions && sessions.size > limit) {
      const oldest = sessions.keys().next().value;
      if (oldest !== undefined) sessions.delete(oldest);
    }
    return session;
  }

  /** Assumes every account's role now (the library caches the token): one health line each. */
  async check(): Promise<AccountHealth[]> {
    return Promise.all(
      this.aliases().map(async (alias) => {
        try {
          await this.session(alias, undefined).provider.getCredentials();
          this.failures.delete(alias);
          return { alias, ok: true };
        } catch (error) {
          const reason = assumeRoleFailure(error);
          this.failures.set(alias, reason);
          return { alias, ok: false, reason };
        }
      }),
    );
  }

  /** Why the account is unavailable after the last check; undefined when it is usable. */
  unavailable(alias: string): string | undefined {
    return this.failures.get(alias);
  }

  /**
   * The gateway for a scope: the account's own (the default account outside any scope), under the
   * request's session while executing one.
   * @throws CloudError `AccountUnavailable` when the account's role could not be assumed.
   */
  gatewayFor(scope: AccountScope | undefined): EcsGateway {
    const alias = scope?.account ?? this.aliases()[0];
    if (alias === undefined) throw new Error('no accounts configured');
    const reason = this.failures.get(alias);
    if (reason !== undefined) {
      throw new CloudError({
        cloudCode: 'AccountUnavailable',
        message: `The role of account ${alias} cannot be assumed: ${reason}`,
        retryable: false,
        action: 'AssumeRole',
      });
    }
    return this.session(alias, scope?.requestId).gateway;
  }

  /**
   * One EcsGateway for the whole bot that sends each call to the account of the current scope.
   * A Proxy rather than a method list, so gateway methods added later are routed too.
   */
  routed(): EcsGateway {
    return new Proxy({} as EcsGateway, {
      get: (_target, name) => {
        // Not a thenable, and no symbol-keyed protocol: only method names are routed.
        if (typeof name !== 'string' || name === 'then') return undefined;
        // Every gateway method returns a promise: an unavailable account rejects it, never throws.
        return async (...args: unknown[]) => {
          const gateway = this.gatewayFor(currentAccountScope()) as unknown as Record<
            string,
            (...a: unknown[]) => unknown
          >;
          const method = gateway[name];
          if (typeof method !== 'function') throw new Error(`EcsGateway has no ${name}`);
          return method.apply(gateway, args);
        };
      },
    });
  }

  /** For `/readyz`: red while any account's role cannot be assumed, naming each and why. */
  readinessCheck(): { name: string; check(): Promise<{ ok: boolean; detail?: string }> } {
    return {
      name: 'accounts',
      check: async () => {
        const health = await this.check();
        const failed = health.filter((h) => !h.ok);
        return failed.length === 0
          ? { ok: true }
          : { ok: false, detail: failed.map((h) => `${h.alias}: ${h.reason}`).join('; ') };
      },
    };
  }
}
