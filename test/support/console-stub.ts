/**
 * The sandbox console in front of a stub Bolt app of the test's own: the real console server, the
 * real platform (signed Slack requests) and the real workspace, but a bot that only answers what
 * the test registers. It tests the console (what Slack's client does), not the bot.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { type RunningConsole, startConsole } from '../../src/sandbox/console/server.js';
import { Interactions } from '../../src/sandbox/interactions.js';
import { BOT_ID, BOT_USER_ID, CHANNELS } from '../../src/sandbox/people.js';
import { SlackPlatform } from '../../src/sandbox/platform.js';
import { SlackFaults } from '../../src/sandbox/slack-faults.js';
import { WorkflowStepRuns } from '../../src/sandbox/workflow-steps.js';
import { Workspace } from '../../src/sandbox/workspace.js';

/** Nothing listens here: the stub app makes no Web API calls, and the admin panel is not used. */
const NOWHERE = 'http://127.0.0.1:9';

export interface StubConsole {
  readonly app: App;
  readonly workspace: Workspace;
  readonly console: RunningConsole;
  /** POSTs to the console's JSON API as the page does (same origin). */
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startStubConsole(options: {
  register: (app: App) => void;
  /** Signs the platform's requests with another secret than the app checks. */
  wrongSecret?: boolean;
}): Promise<StubConsole> {
  const signingSecret = randomBytes(16).toString('hex');
  // Bolt answers 404 itself after 3001 ms without an ack; the console's own 3 s limit must decide.
  const receiver = new HTTPReceiver({
    signingSecret,
    unhandledRequestTimeoutMillis: 30_000,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    receiver,
    token: 'xoxb-stub',
    botId: BOT_ID,
    botUserId: BOT_USER_ID,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: `${NOWHERE}/api/`, retryConfig: { retries: 0 } },
  });
  options.register(app);
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  const workspace = new Workspace(new Set(Object.values(CHANNELS).map((c) => c.id)));
  const platform = new SlackPlatform({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    signingSecret: options.wrongSecret ? randomBytes(16).toString('hex') : signingSecret,
    workspace,
    interactions: new Interactions(),
    responseUrl: (id) => `${NOWHERE}/response/${id}`,
  });
  const steps = new WorkflowStepRuns(workspace);
  const web = await startConsole({
    workspace,
    platform,
    steps,
    emulatorUrl: NOWHERE,
    port: 0,
    slackFaults: new SlackFaults(),
  });
  return {
    app,
    workspace,
    console: web,
    async post(path, body) {
      const response = await fetch(`${web.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: web.url },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async stop() {
      await web.close();
      await app.stop();
    },
  };
}

/** `count` options named like the sandbox's instances: nvme-i-001 … with ids i-001 …. */
export const instanceOptions = (count: number) =>
  Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { text: { type: 'plain_text' as const, text: `nvme-i-${n}` }, value: `i-${n}` };
  });
