import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per bot; every instrument the bot exports is declared here. */
export interface Metrics {
  /** This bot's instruments (the watcher and the outbox add theirs). */
  readonly registry: Registry;
  /** What `/metrics` serves: the process's own figures, then this bot's instruments. */
  exposition(): Promise<string>;
  readonly slackRequests: Counter<'kind' | 'outcome'>;
  readonly ackLatency: Histogram<'kind'>;
  readonly requestTransitions: Counter<'kind' | 'event' | 'to'>;
  readonly ecsCalls: Counter<'action' | 'code'>;
  readonly ecsLatency: Histogram<'action'>;
  /** Reports queue depth at scrape time from whatever source is registered (the execution queue). */
  setQueueDepthSource(source: () => Promise<Record<string, number>>): void;
}

let processFigures: Registry | undefined;

/**
 * Node's figures (CPU, memory, event-loop lag, GC) describe the process, not a bot, so they are
 * collected once per process however many bots it assembles: each collection keeps an event-loop
 * monitor and a GC observer running for the rest of the process (tests assemble hundreds).
 */
function processRegistry(): Registry {
  if (!processFigures) {
    processFigures = new Registry();
    collectDefaultMetrics({ register: processFigures, prefix: 'sdb_' });
  }
  return processFigures;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const figures = processRegistry();
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
    exposition: () => Registry.merge([figures, registry]).metrics(),
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
