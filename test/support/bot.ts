import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { type RunningSlackApp, startSlackApp } from '../../src/slack/app.js';
import type { ReadinessCheck } from '../../src/slack/ops-routes.js';
import type { CommandHandlers } from '../../src/slack/ports.js';

export const TEST_SIGNING_SECRET = 'test-signing-secret-5f2d';
export const TEST_BOT_TOKEN = 'xoxb-test-token-91ac';

/** Captures every log line so tests can assert on events and on what never appears (secrets). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestBot {
  readonly slack: RunningSlackApp;
  readonly endpoint: string;
  readonly baseUrl: string;
  readonly logs: LogCapture;
  stop(): Promise<void>;
}

export async function startTestBot(options: {
  apiUrl: string;
  handlers?: CommandHandlers;
  readinessChecks?: ReadinessCheck[];
  socketAppToken?: string;
}): Promise<TestBot> {
  const logs = new LogCapture();
  const slack = await startSlackApp({
    botToken: TEST_BOT_TOKEN,
    transport: options.socketAppToken
      ? { mode: 'socket', appToken: options.socketAppToken }
      : { mode: 'http', signingSecret: TEST_SIGNING_SECRET },
    apiUrl: options.apiUrl,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('debug', logs),
    metrics: createMetrics(),
    handlers: options.handlers ?? {},
    readinessChecks: options.readinessChecks ?? [],
    retryConfig: { retries: 0 },
  });
  const baseUrl = `http://127.0.0.1:${slack.port}`;
  return { slack, endpoint: `${baseUrl}/slack/events`, baseUrl, logs, stop: () => slack.stop() };
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
