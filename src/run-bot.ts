import { readFileSync } from 'node:fs';
import { startBot } from './bot.js';
import { accountRoles, buildCloudGateway } from './cloud/cloud-gateway.js';
import type { AppConfig } from './config.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { STOP_DEADLINE_MS, stopOnSignals, stopWithParent } from './shutdown.js';
import { createRedis } from './store/connection.js';
import { defaultPolicy, type Policy, parsePolicy } from './workflow/policy.js';

/**
 * The policy file, or the fail-closed default (anyone may ask, nobody may approve) with a warning.
 * @throws ConfigError naming every problem's path in the file.
 */
function loadPolicy(path: string | undefined, logger: Logger): Policy {
  if (!path) {
    logger.warn(
      { event: 'policy.default' },
      'POLICY_FILE is not set: nobody can approve requests until it is',
    );
    return defaultPolicy();
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError([
      `POLICY_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    ]);
  }
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new ConfigError([`POLICY_FILE ${path}: ${parsed.message}`]);
  return parsed.value;
}

/** The bot with a production configuration: policy, Redis, the cloud gateway, then Slack. */
export async function runBot(config: AppConfig, logger: Logger): Promise<void> {
  const policy = loadPolicy(config.policyFile, logger);
  const metrics = createMetrics();
  const redis = createRedis(config.redisUrl, { maxRetriesPerRequest: 2 });
  redis.on('error', (error) =>
    logger.warn({ event: 'redis.error', error: error.message }, 'Redis connection error'),
  );

  const { accessKeyId, accessKeySecret, securityToken } = config.cloud.credentials;
  const cloud = buildCloudGateway({
    regionId: config.cloud.regionId,
    protocol: config.cloud.protocol,
    ...(config.cloud.endpoint ? { endpoint: config.cloud.endpoint } : {}),
    ...(config.cloud.stsEndpoint ? { stsEndpoint: config.cloud.stsEndpoint } : {}),
    keys: { accessKeyId, accessKeySecret, securityToken },
    accounts: accountRoles(policy.accounts),
  });
  // Each account's role is assumed once now, so an account that cannot be reached is known (and
  // named on /readyz and in its commands' answers) before the first command.
  const health = (await cloud.accounts?.check()) ?? [];
  for (const h of health.filter((a) => !a.ok)) {
    logger.warn(
      { event: 'accounts.unavailable', account: h.alias, reason: h.reason },
      'account role cannot be assumed',
    );
  }
  const starting = startBot({
    ...(cloud.accounts ? { readinessChecks: [cloud.accounts.readinessCheck()] } : {}),
    slack: {
      botToken: config.slack.botToken,
      transport: config.slack.transport,
      ...(config.slack.apiUrl ? { apiUrl: config.slack.apiUrl } : {}),
    },
    http: { port: config.http.port, ...(config.http.host ? { host: config.http.host } : {}) },
    redis,
    policy,
    defaultRegion: policy.region ?? config.cloud.regionId,
    logger,
    metrics,
    cloud: {
      gateway: cloud.gateway,
      connection: config.redisUrl,
      ...(config.cloud.multiAttachZones ? { multiAttachZones: config.cloud.multiAttachZones } : {}),
    },
  });
  // Installed before the start finishes: stop taking Slack requests and jobs, give a step in flight
  // a moment, close Redis, exit 0; a step still running is resumed by another replica.
  const trigger = stopOnSignals(
    async () => {
      const bot = await starting.catch(() => undefined);
      await bot?.stop().catch((error) => logger.warn({ err: error }, 'bot did not stop cleanly'));
      await redis.quit().catch(() => redis.disconnect());
    },
    {
      deadlineMs: STOP_DEADLINE_MS,
      onStopping: (reason) => logger.info({ event: 'app.stopping', signal: reason }, 'shutting down'),
      onProblem: (message, error) => logger.warn({ event: 'app.stop_problem', err: error }, message),
    },
  );
  stopWithParent(trigger);
  const bot = await starting;
  logger.info(
    { event: 'app.started', mode: config.slack.transport.mode, port: bot.slack.port, pid: process.pid },
    `shared-disk-bot listening on port ${bot.slack.port} (${config.slack.transport.mode} mode, pid ${process.pid})`,
  );
}
