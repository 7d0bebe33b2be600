import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/metrics.js';

const samples = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));

describe('metrics of several bots in one process (tests, the sandbox)', () => {
  it("each bot's /metrics has the process's figures once and only that bot's counts", async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.slackRequests.inc({ kind: 'disk status', outcome: 'ok' });
    second.slackRequests.inc({ kind: 'disk status', outcome: 'ok' }, 2);

    const [firstText, secondText] = await Promise.all([first.exposition(), second.exposition()]);

    for (const text of [firstText, secondText]) {
      expect(samples(text, 'sdb_process_cpu_user_seconds_total')).toHaveLength(1);
      expect(samples(text, 'sdb_nodejs_eventloop_lag_seconds')).toHaveLength(1);
    }
    expect(samples(firstText, 'sdb_slack_requests_total')).toEqual([
      'sdb_slack_requests_total{kind="disk status",outcome="ok"} 1',
    ]);
    expect(samples(secondText, 'sdb_slack_requests_total')).toEqual([
      'sdb_slack_requests_total{kind="disk status",outcome="ok"} 2',
    ]);
  });

  it("shares one collection of the process's figures between bots", () => {
    const figures = (metrics: ReturnType<typeof createMetrics>) =>
      metrics.registry.getSingleMetric('sdb_process_cpu_user_seconds_total');
    expect(figures(createMetrics())).toBeUndefined();
  });
});
