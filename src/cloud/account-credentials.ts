/**
 * Credentials for the accounts the bot manages through STS AssumeRole: the bot's own identity (a
 * key in the sandbox and tests, the default chain — e.g. the ECS instance RAM role — in
 * production) is the source, and each account gets `@alicloud/credentials`' RAM-role provider
 * chained onto it. The library caches the temporary token and refreshes it 15 minutes before it
 * expires, so STS is asked once per session, never per call.
 */
import Credentials, {
  type CredentialsProvider,
  DefaultCredentialsProvider,
  RAMRoleARNCredentialsProvider,
  StaticAKCredentialsProvider,
  StaticSTSCredentialsProvider,
} from '@alicloud/credentials';

/** See ecs-sdk-gateway.ts: the CommonJS default export arrives wrapped under Node's ESM loader. */
function cjsDefault<T>(mod: { default: T }): T {
  const inner = (mod as { default?: unknown }).default;
  return (typeof inner === 'function' ? inner : mod) as T;
}
const Credential = cjsDefault(Credentials);

/** The SDK's credential object, what `EcsSdkGateway` signs with. */
export type SdkCredential = InstanceType<typeof Credential>;

export interface SourceKeys {
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly securityToken?: string;
}

/** The bot's own identity: the configured key (with its STS token if any), else the default chain. */
export function sourceProvider(keys: SourceKeys): CredentialsProvider {
  const { accessKeyId, accessKeySecret, securityToken } = keys;
  if (!accessKeyId || !accessKeySecret) return DefaultCredentialsProvider.builder().build();
  if (securityToken) {
    return StaticSTSCredentialsProvider.builder()
      .withAccessKeyId(accessKeyId)
      .withAccessKeySecret(accessKeySecret)
      .withSecurityToken(securityToken)
      .build();
  }
  return StaticAKCredentialsProvider.builder()
    .withAccessKeyId(accessKeyId)
    .withAccessKeySecret(accessKeySecret)
    .build();
}

export interface StsEndpoint {
  /** `host[:port]`; omitted, the library's public endpoint `sts.aliyuncs.com`. */
  readonly endpoint?: string;
  /** The library always speaks HTTPS; `http` is for the emulator in tests and the sandbox. */
  readonly protocol: 'http' | 'https';
}

export interface RoleToAssume {
  readonly roleArn: string;
  readonly externalId?: string;
  /** 900 to the role's MaxSessionDuration; the library's default is 3600. */
  readonly durationSeconds?: number;
  /** Shown in the target account's ActionTrail: it names the bot (and the request where known). */
  readonly roleSessionName: string;
}

/** What the library's HTTP layer receives: only the scheme is changed for a plain-HTTP endpoint. */
interface StsRequest {
  protocol: string;
}
interface RequestHook {
  doRequest: (request: StsRequest) => Promise<unknown>;
}

/**
 * The provider's `doRequest` is the library's own seam for replacing its transport; it is the only
 * way to reach an STS endpoint over plain HTTP, which the emulator speaks.
 */
function overPlainHttp(provider: RAMRoleARNCredentialsProvider): void {
  const hook = provider as unknown as RequestHook;
  const send = hook.doRequest;
  hook.doRequest = (request) => {
    request.protocol = 'http';
    return send(request);
  };
}

export function assumedRoleProvider(
  source: CredentialsProvider,
  role: RoleToAssume,
  sts: StsEndpoint,
): RAMRoleARNCredentialsProvider {
  let builder = RAMRoleARNCredentialsProvider.builder()
    .withCredentialsProvider(source)
    .withRoleArn(role.roleArn)
    .withRoleSessionName(role.roleSessionName);
  if (role.externalId !== undefined) builder = builder.withExternalId(role.externalId);
  if (role.durationSeconds !== undefined) builder = builder.withDurationSeconds(role.durationSeconds);
  if (sts.endpoint !== undefined) builder = builder.withStsEndpoint(sts.endpoint);
  const provider = builder.build();
  if (sts.protocol === 'http') overPlainHttp(provider);
  return provider;
}

/** The credential the ECS client signs with, over any provider. */
export function sdkCredential(provider: CredentialsProvider): SdkCredential {
  return new Credential(null, provider);
}

/** Letters, digits and `. @ - _`, at most 64 characters: what STS accepts as `RoleSessionName`. */
const SESSION_NAME_UNSAFE = /[^A-Za-z0-9.@_-]/g;
export const BOT_SESSION_PREFIX = 'shared-disk-bot';

/** `shared-disk-bot` alone, or `shared-disk-bot-R-…` for the calls made for one request. */
export function roleSessionName(requestId?: string): string {
  if (requestId === undefined) return BOT_SESSION_PREFIX;
  return `${BOT_SESSION_PREFIX}-${requestId.replace(SESSION_NAME_UNSAFE, '_')}`.slice(0, 64);
}
