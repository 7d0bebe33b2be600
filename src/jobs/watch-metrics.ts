import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The watcher's instruments (issue 13), registered on the process registry of `metrics.ts`. */
export interface WatchMetrics {
  readonly cycleSeconds: Histogram;
  readonly cycleCalls: Gauge<'action'>;
  readonly calls: Counter<'action'>;
  readonly openIncidents: Gauge<'kind'>;
  readonly alerts: Counter<'kind' | 'phase'>;
  readonly watchedDisks: Gauge;
}

/** Idempotent per registry: a second bot in the same process (tests) shares the instruments. */
export function createWatchMetrics(registry: Registry): WatchMetrics {
  const existing = WATCH_METRICS.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: WatchMetrics = {
    cycleSeconds: new Histogram({
      name: 'sdb_watch_cycle_seconds',
      help: 'Duration of one watcher cycle (describe, inspect, compare, commit, alert)',
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
      registers,
    }),
    cycleCalls: new Gauge({
      name: 'sdb_watch_cycle_calls',
      help: 'ECS calls made by the last watcher cycle, by action',
      labelNames: ['action'],
      registers,
    }),
    calls: new Counter({
      name: 'sdb_watch_calls_total',
      help: 'ECS calls made by the watcher, by action',
      labelNames: ['action'],
      registers,
    }),
    openIncidents: new Gauge({
      name: 'sdb_watch_open_incidents',
      help: 'Open watch incidents after the last cycle, by kind',
      labelNames: ['kind'],
      registers,
    }),
    alerts: new Counter({
      name: 'sdb_watch_alerts_total',
      help: 'Watch messages posted, by incident kind and phase (opened, reminder, resolved, notice)',
      labelNames: ['kind', 'phase'],
      registers,
    }),
    watchedDisks: new Gauge({ name: 'sdb_watch_disks', help: 'Disks watched', registers }),
  };
  WATCH_METRICS.set(registry, metrics);
  return metrics;
}

const WATCH_METRICS = new WeakMap<Registry, WatchMetrics>();
