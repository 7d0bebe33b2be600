import { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { webClientOptions } from '../slack/app.js';
import { cardAbandonment } from '../slack/card-abandonment.js';
import { SlackOutbox } from '../slack/outbox/outbox.js';
import { createOutboxMetrics } from '../slack/outbox/outbox-metrics.js';
import type { PacingRules } from '../slack/outbox/pacing.js';
import type { RedisClient } from '../store/connection.js';
import { RedisOutboxStore } from '../store/outbox-store.js';
import type { ApprovalService } from '../workflow/approval-service.js';

/**
 * A Web API client for the outbox's writes: the client's own retries are off (they backed off 2 s,
 * 5 s, 16 s whatever Slack said) and a 429 is handed back at once, so the outbox honours exactly
 * `Retry-After` for that gate; a hung call gives up after 10 s and is retried by the outbox.
 */
export function writeClient(slack: { apiUrl?: string }): webApi.WebClient {
  return new webApi.WebClient(undefined, {
    ...webClientOptions(slack),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
}

/** The outbox of one bot process, over the shared Redis; `service` is bound once it exists. */
export function createSlackOutbox(options: {
  readonly redis: RedisClient;
  readonly keyPrefix?: string;
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly service: () => ApprovalService;
  readonly cardDeadlineMs: number;
  readonly pacing?: PacingRules;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): SlackOutbox {
  const outbox: SlackOutbox = new SlackOutbox({
    store: new RedisOutboxStore(options.redis, options.keyPrefix ? { prefix: options.keyPrefix } : {}),
    client: options.client,
    token: options.token,
    cardOf: async (requestId) => {
      const request = await options.service().get(requestId);
      return request ? (request.card ?? null) : undefined;
    },
    attachCard: async (requestId, card) => {
      const attached = await options.service().attachCard(requestId, card);
      if (!attached.ok)
        options.logger.warn(
          { event: 'request.card_not_attached', requestId, code: attached.code },
          attached.message,
        );
    },
    onCardAbandoned: (requestId, reason) =>
      cardAbandonment(options.service(), () => outbox)(requestId, reason),
    cardDeadlineMs: options.cardDeadlineMs,
    ...(options.pacing ? { pacing: options.pacing } : {}),
    logger: options.logger,
    metrics: createOutboxMetrics(options.metrics.registry),
  });
  return outbox;
}
