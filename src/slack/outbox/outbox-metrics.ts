import { Counter, Gauge, type Registry } from 'prom-client';

/** The outbox's instruments, registered on the process registry of `metrics.ts`. */
export interface OutboxMetrics {
  readonly rateLimited: Counter<'method'>;
  readonly failures: Counter<'method' | 'code'>;
  readonly reachable: Gauge;
  /** Depth and oldest age are read from the outbox at scrape time. */
  setDepthSource(source: () => Promise<OutboxDepth>): void;
}

export interface OutboxDepth {
  readonly lanes: Record<string, number>;
  readonly oldestAgeMs: number;
}

const OUTBOX_METRICS = new WeakMap<Registry, OutboxMetrics>();

/** Idempotent per registry: a second bot in the same process (tests) shares the instruments. */
export function createOutboxMetrics(registry: Registry): OutboxMetrics {
  const existing = OUTBOX_METRICS.get(registry);
  if (existing) return existing;
  const registers = [registry];
  let source: (() => Promise<OutboxDepth>) | undefined;
  // One read serves both gauges of a scrape.
  let reading: Promise<OutboxDepth | undefined> | undefined;
  const read = () => {
    reading ??= (source?.() ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => setTimeout(() => (reading = undefined), 0));
    return reading;
  };
  new Gauge({
    name: 'sdb_slack_outbox_depth',
    help: 'Slack writes owed (recorded, not yet accepted by Slack), by lane; read at scrape time',
    labelNames: ['lane'],
    registers,
    async collect() {
      for (const [lane, count] of Object.entries((await read())?.lanes ?? {})) this.set({ lane }, count);
    },
  });
  new Gauge({
    name: 'sdb_slack_outbox_oldest_age_seconds',
    help: 'Age of the oldest Slack write still owed (0 when none); read at scrape time',
    registers,
    async collect() {
      const depth = await read();
      if (depth) this.set(depth.oldestAgeMs / 1000);
    },
  });
  const metrics: OutboxMetrics = {
    rateLimited: new Counter({
      name: 'sdb_slack_rate_limited_total',
      help: 'Slack Web API answers 429 (rate limited), by method',
      labelNames: ['method'],
      registers,
    }),
    failures: new Counter({
      name: 'sdb_slack_write_failures_total',
      help: 'Slack writes not accepted (5xx, network, refusals), by method and code',
      labelNames: ['method', 'code'],
      registers,
    }),
    reachable: new Gauge({
      name: 'sdb_slack_reachable',
      help: '1 while Slack accepts writes, 0 while every write fails (an outage: the bot stays ready)',
      registers,
    }),
    setDepthSource(next) {
      source = next;
    },
  };
  metrics.reachable.set(1);
  OUTBOX_METRICS.set(registry, metrics);
  return metrics;
}
