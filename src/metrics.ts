import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; every instrument the bot exports is declared here. */
export interface Metrics {
  readonly registry: Registry;
  readonly slackRequests: Counter<'kind' | 'outcome'>;
  readonly ackLatency: Histogram<'kind'>;
  readonly requestTransitions: Counter<'kind' | 'event' | 'to'>;
  readonly ecsCalls: Counter<'action' | 'code'>;
  readonly ecsLatency: Histogram<'action'>;
  /** Reports queue depth at scrape time from whatever source is registered (the execution queue). */
  setQueueDepthSource(source: () => Promise<Record<string, number>>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sdb_' });
  let queueDepthSource: (() => Promise<Record<string, number>>) | undefined;
  new Gauge({
    name: 'sdb_queue_jobs',
    help: 'Execution jobs in the queue by state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!queueDepthSource) return;
      const counts = await queueDepthSource().catch(() => undefined);
      for (const [state, count] of Object.entries(counts ?? {})) this.set({ state }, count);
    },
  });
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
    requestTransitions: new Counter({
      name: 'sdb_request_transitions_total',
      help: 'Recorded request transitions by request kind, event and resulting state',
      labelNames: ['kind', 'event', 'to'],
      registers: [registry],
    }),
    ecsCalls: new Counter({
      name: 'sdb_ecs_calls_total',
      help: 'ECS API calls by action and result code (OK or the cloud error code)',
      labelNames: ['action', 'code'],
      registers: [registry],
    }),
    ecsLatency: new Histogram({
      name: 'sdb_ecs_call_seconds',
      help: 'ECS API call latency by action',
      labelNames: ['action'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    setQueueDepthSource(source) {
      queueDepthSource = source;
    },
  };
}
