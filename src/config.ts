import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The environment contract (design.md §5), validated once at startup. Empty strings count as
 * unset, every problem is reported at once with a fix hint, and no secret value is ever echoed.
 */
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === ''
    ? undefined
    : typeof value === 'string'
      ? value.trim()
      : value;

const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const rawSchema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^xoxb-/, 'must be a bot token starting with "xoxb-" (Slack app → OAuth & Permissions)')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^xapp-/, 'must be an app-level token starting with "xapp-" with the connections:write scope')
      .optional(),
  ),
  SLACK_API_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:9999/api/' })
      .optional(),
  ),
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a port number' })
      .int('must be a whole number')
      .min(0, 'must be between 0 and 65535')
      .max(65535, 'must be between 0 and 65535')
      .default(3000),
  ),
  HOST: optionalString,
  REDIS_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^(rediss?|redis-sentinel|redis-cluster):\/\//,
        'must start with redis://, rediss://, redis-sentinel:// or redis-cluster://',
      )
      .optional(),
  ),
  ALIBABA_CLOUD_ACCESS_KEY_ID: optionalString,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: optionalString,
  ALIBABA_CLOUD_SECURITY_TOKEN: optionalString,
  ALIBABA_CLOUD_ROLE_ARN: optionalString,
  ALIBABA_CLOUD_OIDC_TOKEN_FILE: optionalString,
  ALIBABA_CLOUD_CREDENTIALS_FILE: optionalString,
  ALIBABA_CLOUD_ECS_METADATA: optionalString,
  ALIBABA_CLOUD_REGION_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[a-z]{2}-[a-z0-9-]+$/, 'must be a region id such as cn-hangzhou')
      .default('cn-hangzhou'),
  ),
  ECS_ENDPOINT: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'must be host[:port] without a scheme, e.g. 127.0.0.1:8080')
      .optional(),
  ),
  /** STS for the policy's `accounts` (AssumeRole); omitted, the library's `sts.aliyuncs.com`. */
  STS_ENDPOINT: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'must be host[:port] without a scheme, e.g. 127.0.0.1:8080')
      .optional(),
  ),
  ECS_PROTOCOL: z.preprocess(blankToUndefined, z.enum(['http', 'https']).default('https')),
  MULTI_ATTACH_ZONES: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(
        /^[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*$/,
        'must be a comma-separated list of zone ids, e.g. cn-hangzhou-i,cn-hangzhou-j',
      )
      .optional(),
  ),
  POLICY_FILE: optionalString,
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

type RawConfig = z.infer<typeof rawSchema>;

export type SlackTransport =
  | { mode: 'http'; signingSecret: string }
  | { mode: 'socket'; appToken: string; signingSecret?: string };

export interface CloudCredentialHints {
  /** True when some source of Alibaba Cloud credentials is configured (keys, RRSA, profile file, RAM role). */
  readonly configured: boolean;
  readonly accessKeyId?: string;
  readonly accessKeySecret?: string;
  readonly securityToken?: string;
}

export interface AppConfig {
  readonly slack: {
    readonly botToken: string;
    readonly transport: SlackTransport;
    readonly apiUrl?: string;
  };
  readonly http: { readonly port: number; readonly host?: string };
  readonly redisUrl: string;
  readonly cloud: {
    readonly regionId: string;
    readonly endpoint?: string;
    /** STS for AssumeRole into the policy's accounts; spoken over `protocol` like ECS. */
    readonly stsEndpoint?: string;
    readonly protocol: 'http' | 'https';
    readonly credentials: CloudCredentialHints;
    /** Zones known to offer multi-attach (the API cannot say); unset = create requests carry a warning. */
    readonly multiAttachZones?: readonly string[];
  };
  readonly policyFile?: string;
  readonly logLevel: RawConfig['LOG_LEVEL'];
}

/** What `loadConfig` decided: a production config, or the sandbox because nothing was configured. */
export type ConfigResult = { kind: 'production'; config: AppConfig } | { kind: 'sandbox'; reason: string };

const SECRET_NAMES = new Set([
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
]);

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.');
    // zod may quote the received value; never let a secret reach the terminal.
    const message = SECRET_NAMES.has(name) ? issue.message.replace(/"[^"]*"/g, '"…"') : issue.message;
    return `${name}: ${message}`;
  });
}

/** Presence-only view of the environment, so cross-field rules run even when a value is malformed. */
function present(env: NodeJS.ProcessEnv, name: string): boolean {
  return blankToUndefined(env[name]) !== undefined;
}

function hasCloudCredentials(env: NodeJS.ProcessEnv): boolean {
  return (
    (present(env, 'ALIBABA_CLOUD_ACCESS_KEY_ID') && present(env, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET')) ||
    [
      'ALIBABA_CLOUD_ROLE_ARN',
      'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
      'ALIBABA_CLOUD_CREDENTIALS_FILE',
      'ALIBABA_CLOUD_ECS_METADATA',
    ].some((name) => present(env, name))
  );
}

function crossFieldProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (!present(env, 'SLACK_BOT_TOKEN')) {
    problems.push(
      'SLACK_BOT_TOKEN: required; copy the Bot User OAuth Token (xoxb-…) from the Slack app settings',
    );
  }
  if (!present(env, 'SLACK_APP_TOKEN') && !present(env, 'SLACK_SIGNING_SECRET')) {
    problems.push(
      'SLACK_SIGNING_SECRET: required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  }
  if (!present(env, 'REDIS_URL')) {
    problems.push('REDIS_URL: required, e.g. redis://127.0.0.1:6379 (approval state lives in Redis)');
  }
  if (present(env, 'ALIBABA_CLOUD_ACCESS_KEY_ID') && !present(env, 'ALIBABA_CLOUD_ACCESS_KEY_SECRET')) {
    problems.push('ALIBABA_CLOUD_ACCESS_KEY_SECRET: required when ALIBABA_CLOUD_ACCESS_KEY_ID is set');
  }
  if (!hasCloudCredentials(env) && !present(env, 'ECS_ENDPOINT')) {
    problems.push(
      'ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET: no cloud credentials found; set the keys, ' +
        'use RRSA (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE) or an ECS RAM role (ALIBABA_CLOUD_ECS_METADATA)',
    );
  }
  return problems;
}

/** Variables that may instead come from a file named by `<NAME>_FILE` (Kubernetes secret volumes). */
export const FILE_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'REDIS_URL',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
] as const;

export type ReadTextFile = (path: string) => string;

/**
 * Replaces every `<NAME>_FILE` by `<NAME>` holding the file's content (trailing newlines trimmed).
 * Problems name the variable and the path, never the content or the value.
 */
export function resolveFileVariables(
  env: NodeJS.ProcessEnv,
  readText: ReadTextFile = (path) => readFileSync(path, 'utf8'),
): { env: NodeJS.ProcessEnv; problems: string[] } {
  const resolved: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const fileName = `${name}_FILE`;
    const path = blankToUndefined(env[fileName]) as string | undefined;
    delete resolved[fileName];
    if (path === undefined) continue;
    if (present(env, name)) {
      problems.push(`${name}: set either ${name} or ${fileName}, not both`);
      continue;
    }
    let text: string;
    try {
      text = readText(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'read error';
      problems.push(`${fileName}: cannot read ${path} (${code})`);
      continue;
    }
    const value = text.replace(/[\r\n]+$/, '');
    if (value.trim() === '') {
      problems.push(`${fileName}: ${path} is empty`);
      continue;
    }
    resolved[name] = value;
  }
  return { env: resolved, problems };
}

/**
 * Reads the environment once (`*_FILE` variables first). With neither a Slack token nor cloud credentials the result is
 * `sandbox`; anything half-configured is an error listing every problem at once.
 * @throws ConfigError with all problems when the environment is invalid.
 */
export function loadConfig(given: NodeJS.ProcessEnv = process.env, readText?: ReadTextFile): ConfigResult {
  const files = resolveFileVariables(given, readText);
  if (files.problems.length > 0) throw new ConfigError(files.problems);
  const env = files.env;
  const cloudConfigured = hasCloudCredentials(env);
  if (!present(env, 'SLACK_BOT_TOKEN') && !cloudConfigured) {
    const parsedLevel = rawSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
    if (parsedLevel.success) {
      return { kind: 'sandbox', reason: 'no SLACK_BOT_TOKEN and no Alibaba Cloud credentials are set' };
    }
  }
  const parsed = rawSchema.safeParse(env);
  const problems = [...(parsed.success ? [] : formatIssues(parsed.error)), ...crossFieldProblems(env)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const raw = parsed.data;
  if (!raw.SLACK_BOT_TOKEN || !raw.REDIS_URL) throw new ConfigError(problems);

  const transport: SlackTransport = raw.SLACK_APP_TOKEN
    ? {
        mode: 'socket',
        appToken: raw.SLACK_APP_TOKEN,
        ...(raw.SLACK_SIGNING_SECRET ? { signingSecret: raw.SLACK_SIGNING_SECRET } : {}),
      }
    : { mode: 'http', signingSecret: raw.SLACK_SIGNING_SECRET as string };

  const config: AppConfig = {
    slack: {
      botToken: raw.SLACK_BOT_TOKEN,
      transport,
      ...(raw.SLACK_API_URL ? { apiUrl: raw.SLACK_API_URL } : {}),
    },
    http: { port: raw.PORT, ...(raw.HOST ? { host: raw.HOST } : {}) },
    redisUrl: raw.REDIS_URL,
    cloud: {
      regionId: raw.ALIBABA_CLOUD_REGION_ID,
      ...(raw.ECS_ENDPOINT ? { endpoint: raw.ECS_ENDPOINT } : {}),
      ...(raw.STS_ENDPOINT ? { stsEndpoint: raw.STS_ENDPOINT } : {}),
      protocol: raw.ECS_PROTOCOL,
      ...(raw.MULTI_ATTACH_ZONES
        ? { multiAttachZones: raw.MULTI_ATTACH_ZONES.split(',').map((z) => z.trim()) }
        : {}),
      credentials: {
        configured: cloudConfigured,
        ...(raw.ALIBABA_CLOUD_ACCESS_KEY_ID ? { accessKeyId: raw.ALIBABA_CLOUD_ACCESS_KEY_ID } : {}),
        ...(raw.ALIBABA_CLOUD_ACCESS_KEY_SECRET
          ? { accessKeySecret: raw.ALIBABA_CLOUD_ACCESS_KEY_SECRET }
          : {}),
        ...(raw.ALIBABA_CLOUD_SECURITY_TOKEN ? { securityToken: raw.ALIBABA_CLOUD_SECURITY_TOKEN } : {}),
      },
    },
    ...(raw.POLICY_FILE ? { policyFile: raw.POLICY_FILE } : {}),
    logLevel: raw.LOG_LEVEL,
  };
  return { kind: 'production', config: deepFreeze(config) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
