import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type CustomRoute, LogLevel, webApi } from '@slack/bolt';
import type { AttachPicker } from '../app/attach-picker.js';
import type { FilingVerdict } from '../app/filing.js';
import type { NameResolver } from '../app/name-resolver.js';
import type { SlackTransport } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { ChangeFreeze } from '../workflow/freeze.js';
import type { RequestCommand } from '../workflow/request-builder.js';
import type { ReviewService } from '../workflow/reviews.js';
import { boltLogger } from './bolt-logger.js';
import { BotIdentity } from './bot-identity.js';
import type { CanView, CommandRateLimit } from './command-gate.js';
import { HomePublisher, type PublishView } from './home.js';
import { routedListeners } from './listener-router.js';
import * as actions from './listeners/actions/index.js';
import * as commands from './listeners/commands/index.js';
import * as events from './listeners/events/index.js';
import * as selectOptions from './listeners/options/index.js';
import * as views from './listeners/views/index.js';
import { opsRoutes, type ReadinessCheck } from './ops-routes.js';
import type { SlackOutbox } from './outbox/outbox.js';
import type { CommandHandlers, SendEphemeral } from './ports.js';

export interface SlackAppOptions {
  readonly botToken: string;
  readonly transport: SlackTransport;
  readonly apiUrl?: string;
  readonly port: number;
  readonly host?: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly handlers: CommandHandlers;
  /** Dependencies that must answer before `/readyz` is green; the Slack identity is always one. */
  readonly readinessChecks: readonly ReadinessCheck[];
  /** Web API retries; the default suits production (5 retries within 5 minutes). */
  readonly retryConfig?: webApi.RetryOptions;
  /** The approval workflow behind the card buttons, the reject modal and App Home. */
  readonly service?: ApprovalService;
  /** How App Home views are sent; the bot queues them in its outbox (default: at once). */
  readonly publishHome?: PublishView;
  /** How a submitted form's answer reaches its user; the bot queues it in its outbox (default: at once). */
  readonly sendEphemeral?: SendEphemeral;
  /** Pre-filled zone of the `/disk create` form. */
  readonly defaultZone?: string;
  /** Post-incident reviews shown on App Home with their Acknowledge button. */
  readonly reviews?: ReviewService;
  /** The bot's Slack outbox: the Acknowledge button (with `reviews`) notes the review through it. */
  readonly outbox?: SlackOutbox;
  /** App Home's "Watched disks" section: one health line per watched disk. */
  readonly watchedDisks?: () => Promise<string[]>;
  /** Per-user `/disk` command rate (policy `rateLimit`). */
  readonly rateLimit?: CommandRateLimit;
  /** Policy `accounts` aliases in order: what `--account` may name. */
  readonly accounts?: readonly string[];
  /** Policy `viewers`: who sees the App Home details beyond their own requests. */
  readonly canView?: CanView;
  /** The change freeze, shown as a banner on App Home while it is in force. */
  readonly freeze?: () => Promise<ChangeFreeze | undefined>;
  /** Disk and instance names → ids (the attach form finds its disk with it). */
  readonly resolver?: NameResolver;
  /** The eligible instances behind the attach form's picker. */
  readonly picker?: AttachPicker;
  /** A request's checks, so forms show refusals inline instead of closing. */
  readonly checkRequest?: (command: RequestCommand) => Promise<FilingVerdict>;
}

/** One Web API client configuration for Bolt and for the bot's own out-of-request posts. */
export function webClientOptions(options: {
  apiUrl?: string;
  retryConfig?: webApi.RetryOptions;
}): webApi.WebClientOptions {
  return {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: options.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes,
    logLevel: LogLevel.WARN,
  };
}

export interface RunningSlackApp {
  readonly app: App;
  readonly identity: BotIdentity;
  /** Port of the HTTP server: Slack endpoints in HTTP mode, only the ops routes in Socket Mode. */
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Builds and starts the Bolt app. In HTTP mode Slack and the ops routes share one server; in
 * Socket Mode the ops routes get their own server on the same port setting.
 */
export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const logger = options.logger.child({ module: 'slack' });
  const clientOptions = webClientOptions(options);
  const identity = new BotIdentity(
    new webApi.WebClient(undefined, { ...clientOptions }),
    options.botToken,
    logger,
  );
  const checks: ReadinessCheck[] = [
    {
      name: 'slack',
      check: async () => {
        const status = identity.status;
        return status.ready ? { ok: true } : { ok: false, detail: status.lastError ?? 'auth.test pending' };
      },
    },
    ...options.readinessChecks,
  ];
  const routes = opsRoutes(checks, options.metrics);
  const customRoutes: CustomRoute[] = Object.entries(routes).map(([path, handler]) => ({
    path,
    method: ['GET'],
    handler,
  }));

  const common = {
    authorize: identity.authorize,
    logger: boltLogger(logger),
    clientOptions,
    // Conversation context is unused and costs ~5 % CPU per request (bolt-offline-testing.md §3).
    convoStore: false as const,
  };
  const app =
    options.transport.mode === 'http'
      ? new App({ ...common, signingSecret: options.transport.signingSecret, customRoutes })
      : new App({ ...common, socketMode: true, appToken: options.transport.appToken });

  app.error(async (error) => {
    logger.error(
      { event: 'slack.unhandled_error', code: error.code, err: error },
      'unhandled Slack listener error',
    );
  });
  // Slash commands, buttons and modals are dispatched by the router (see listener-router.ts).
  const routed = routedListeners(app);
  commands.register(routed.app, {
    handlers: options.handlers,
    logger,
    metrics: options.metrics,
    ...(options.defaultZone ? { defaultZone: options.defaultZone } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.accounts ? { accounts: options.accounts } : {}),
    ...(options.resolver && options.picker ? { resolver: options.resolver } : {}),
  });
  const sendEphemeral: SendEphemeral =
    options.sendEphemeral ??
    (async (_id, channel, user, message) => {
      await app.client.chat.postEphemeral({ token: options.botToken, channel, user, ...message });
    });
  views.registerCreateForm(routed.app, options.handlers.create, logger, sendEphemeral, options.checkRequest);
  views.registerAttachForm(routed.app, {
    attach: options.handlers.attach,
    sendEphemeral,
    ...(options.checkRequest ? { check: options.checkRequest } : {}),
    logger,
  });
  if (options.picker) selectOptions.register(app, options.picker, logger);
  if (options.service) {
    const home = new HomePublisher(
      options.service,
      options.publishHome ??
        (async (userId, view) => {
          await app.client.views.publish({ token: options.botToken, user_id: userId, view });
        }),
      options.reviews,
      options.canView,
      options.watchedDisks,
      options.freeze,
    );
    actions.register(routed.app, {
      service: options.service,
      handlers: options.handlers,
      home,
      logger,
      ...(options.reviews ? { reviews: options.reviews } : {}),
      ...(options.outbox ? { outbox: options.outbox } : {}),
    });
    views.register(routed.app, options.service, home, sendEphemeral);
    events.register(app, home, logger);
  }
  routed.install();

  void identity.start();

  if (options.transport.mode === 'http') {
    const server = (await app.start({ port: options.port, host: options.host ?? '0.0.0.0' })) as Server;
    return {
      app,
      identity,
      port: (server.address() as AddressInfo).port,
      async stop() {
        identity.stop();
        await app.stop();
      },
    };
  }

  const opsServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = req.method === 'GET' ? routes[path] : undefined;
    if (handler) handler(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    opsServer.once('error', reject);
    opsServer.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  startSocketModeWithRetry(app, logger);
  return {
    app,
    identity,
    port: (opsServer.address() as AddressInfo).port,
    async stop() {
      identity.stop();
      await app.stop().catch(() => undefined);
      await new Promise<void>((resolve) => opsServer.close(() => resolve()));
    },
  };
}

/** apps.connections.open can fail while Slack is unreachable; keep trying instead of crashing. */
function startSocketModeWithRetry(app: App, logger: Logger, attempt = 1): void {
  app.start().then(
    () => logger.info({ event: 'slack.socket.connected' }, 'Socket Mode connected'),
    (error: unknown) => {
      const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
      logger.warn(
        { event: 'slack.socket.retry', attempt, retryInMs: delay, error: String(error) },
        'Socket Mode connection failed; retrying',
      );
      setTimeout(() => startSocketModeWithRetry(app, logger, attempt + 1), delay);
    },
  );
}
