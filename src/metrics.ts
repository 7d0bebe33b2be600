import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One registry per process; every instrument the bot exports is declared here. */
export interface Metrics {
  readonly registry: Registry;
  readonly slackRequests: Counter<'kind' | 'outcome'>;
  readonly ackLatency: Histogram<'kind'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sdb_' });
  return {
    registry,
    slackRequests: new Counter({
      name: 'sdb_slack_requests_total',
      help: 'Slack requests handled, by kind (command subcommand or action) and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    ackLatency: new Histogram({
      name: 'sdb_slack_ack_seconds',
      help: 'Time from the listener starting to ack() returning',
      labelNames: ['kind'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
      registers: [registry],
    }),
  };
}
