import { type RunningSlackApp, startSlackApp } from '../slack/app.js';
import { registerWatchButtons, watchedDiskLines } from '../slack/watch-slack.js';
import { accountAliases } from '../workflow/account-policy.js';
import type { Handlers } from './handlers.js';
import type { BotOptions } from './options.js';
import type { SlackPosts } from './slack-posts.js';
import type { Stores } from './stores.js';
import type { Workflow } from './workflow.js';

/** Bolt (HTTP or Socket Mode) with every listener, the ops routes, and the watch alert's buttons. */
export async function startSlack(
  options: Pick<
    BotOptions,
    'slack' | 'http' | 'logger' | 'metrics' | 'policy' | 'cloud' | 'redis' | 'readinessChecks'
  >,
  parts: { stores: Stores; workflow: Workflow; handlers: Handlers; posts: SlackPosts },
): Promise<RunningSlackApp> {
  const { logger } = options;
  const { handlers, workflow } = parts;
  const defaultZone = options.cloud?.multiAttachZones?.[0] ?? options.policy.limits.zones[0];
  const watchCommands = handlers.watchCommands;
  const slack = await startSlackApp({
    ...(defaultZone ? { defaultZone } : {}),
    botToken: options.slack.botToken,
    transport: options.slack.transport,
    ...(options.slack.apiUrl ? { apiUrl: options.slack.apiUrl } : {}),
    ...(options.slack.retryConfig ? { retryConfig: options.slack.retryConfig } : {}),
    port: options.http.port,
    ...(options.http.host ? { host: options.http.host } : {}),
    logger,
    metrics: options.metrics,
    handlers: handlers.handlers,
    accounts: accountAliases(options.policy),
    publishHome: parts.posts.publishHome,
    sendEphemeral: parts.posts.sendEphemeral,
    service: workflow.service,
    reviews: workflow.reviews,
    outbox: parts.posts.outbox,
    ...(watchCommands ? { watchedDisks: () => watchedDiskLines(watchCommands) } : {}),
    rateLimit: parts.stores.commandRate.take,
    canView: handlers.canView,
    freeze: () => parts.stores.freeze.current(),
    checkRequest: (command) => handlers.filing.check(command),
    ...(handlers.resolver ? { resolver: handlers.resolver } : {}),
    ...(handlers.picker ? { picker: handlers.picker } : {}),
    readinessChecks: [
      { name: 'redis', check: async () => ({ ok: (await options.redis.ping()) === 'PONG' }) },
      ...(options.readinessChecks ?? []),
    ],
  });
  registerWatchButtons(slack.app, {
    failover: handlers.handlers.failover,
    incidents: () => parts.stores.watch.incidents(),
    logger,
  });
  const approvalsChannel = options.policy.channels.approvals;
  parts.posts.workflowSteps.register(slack.app, {
    handlers: handlers.handlers,
    getRequest: (id) => workflow.service.get(id),
    rateLimit: parts.stores.commandRate.take,
    ...(approvalsChannel ? { approvalsChannel } : {}),
  });
  return slack;
}
