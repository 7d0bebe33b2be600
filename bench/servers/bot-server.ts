// The real bot's Slack app (all listeners, metrics, logging at warn) as a standalone process.
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { startSlackApp } from '../../src/slack/app.js';

const apiUrl = process.env.SLACK_API_URL ?? '';
const slack = await startSlackApp({
  botToken: 'xoxb-bench',
  transport: { mode: 'http', signingSecret: process.env.SLACK_SIGNING_SECRET ?? '' },
  apiUrl,
  port: 0,
  host: '127.0.0.1',
  logger: createLogger('warn'),
  metrics: createMetrics(),
  handlers: {},
  readinessChecks: [],
  retryConfig: { retries: 0 },
});
while (!slack.identity.ready) await new Promise((resolve) => setTimeout(resolve, 10));
process.stdout.write(`${JSON.stringify({ port: slack.port } satisfies Partial<AddressInfo>)}\n`);
process.on('SIGTERM', () => void slack.stop().then(() => process.exit(0)));
