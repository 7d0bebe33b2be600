/**
 * Issue 22 point 4: the sandbox's "Run workflow step" sends `function_executed` signed, as Slack
 * does, and the stand-in completes a run once, with Slack's errors for unknown and completed runs.
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Interactions } from '../../src/sandbox/interactions.js';
import { CHANNELS, USERS } from '../../src/sandbox/people.js';
import { type SlackApiStandIn, startSlackApi } from '../../src/sandbox/slack-api.js';
import { WorkflowStepRuns } from '../../src/sandbox/workflow-steps.js';
import { Workspace } from '../../src/sandbox/workspace.js';
import { WORKFLOW_STEP_CALLBACK_ID, WORKFLOW_TOKEN_LIFETIME_MS } from '../../src/workflow/workflow-step.js';
import { waitUntil } from '../support/bot.js';
import { startStubConsole } from '../support/console-stub.js';

const OPS = CHANNELS.ops.id;
let now = Date.now();
const workspace = new Workspace(new Set([OPS]));
const runs = new WorkflowStepRuns(workspace, () => now);
let api: SlackApiStandIn;

beforeAll(async () => {
  api = await startSlackApi({
    workspace,
    interactions: new Interactions(),
    steps: runs,
    botToken: 'xoxb-sandbox-test',
    permalinkBase: () => 'http://console',
  });
});
afterAll(() => api.close());

const client = (token: string) =>
  new webApi.WebClient(token, { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } });
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: { data?: { error?: string } }) => error.data?.error,
  );
const slackbotLines = () =>
  workspace
    .snapshot(USERS.engineer.id)
    .messages.filter((m) => m.user === 'USLACKBOT')
    .map((m) => m.text);

describe('the stand-in completes a workflow step run once', () => {
  it('takes the workflow token, completes once, then refuses as Slack does', async () => {
    const event = runs.start(USERS.engineer.id, OPS, { action: 'create' });
    const id = String(event.function_execution_id);
    const workflow = client(String(event.bot_access_token));
    const outputs = {
      request_id: 'R-0123456789',
      outcome: 'succeeded',
      summary: 'R-0123456789 succeeded: create db',
    };
    await workflow.functions.completeSuccess({ function_execution_id: id, outputs });
    expect(slackbotLines().at(-1)).toContain('completed: succeeded');
    expect(
      await errorOf(workflow.functions.completeError({ function_execution_id: id, error: 'late' })),
    ).toBe(
      // The token ended with the run.
      'invalid_auth',
    );
    const bot = client('xoxb-sandbox-test');
    expect(await errorOf(bot.functions.completeError({ function_execution_id: id, error: 'again' }))).toBe(
      'execution_not_in_running_state',
    );
    expect(await errorOf(bot.functions.completeSuccess({ function_execution_id: 'FxNOPE', outputs }))).toBe(
      'function_execution_not_found',
    );
  });

  it('stops taking the workflow token after 15 minutes; the bot token still completes', async () => {
    const event = runs.start(USERS.engineer.id, OPS, { action: 'attach' });
    const id = String(event.function_execution_id);
    now += WORKFLOW_TOKEN_LIFETIME_MS + 1;
    const workflow = client(String(event.bot_access_token));
    expect(await errorOf(workflow.functions.completeError({ function_execution_id: id, error: 'x' }))).toBe(
      'invalid_auth',
    );
    await client('xoxb-sandbox-test').functions.completeError({
      function_execution_id: id,
      error: 'Nothing was requested.',
    });
    expect(slackbotLines().at(-1)).toContain('failed: Nothing was requested.');
  });
});

describe('the console\'s "Run workflow step"', () => {
  it('sends function_executed, signed, with the inputs and a workflow token', async () => {
    const received: Record<string, unknown>[] = [];
    const stub = await startStubConsole({
      register: (app) =>
        app.function(WORKFLOW_STEP_CALLBACK_ID, async ({ event }) => {
          received.push(event as unknown as Record<string, unknown>);
        }),
    });
    try {
      const inputs = {
        action: 'create',
        disk: 'wf-db',
        size_gib: 100,
        reason: 'new service',
        requester: USERS.engineer.id,
      };
      const reply = await stub.post('/api/workflow-step', { user: USERS.engineer.id, channel: OPS, inputs });
      expect(reply).toEqual({ status: 200, body: { ok: true } });
      // Bolt acks before the listener runs.
      await waitUntil(() => received.length === 1);
      expect(received[0]).toMatchObject({
        type: 'function_executed',
        inputs,
        function_execution_id: expect.stringMatching(/^Fx/),
        bot_access_token: expect.stringMatching(/^xwfp-/),
      });
      const refused = await stub.post('/api/workflow-step', {
        user: USERS.engineer.id,
        channel: OPS,
        inputs: { action: 'create' },
      });
      expect(refused.status).toBe(400);
    } finally {
      await stub.stop();
    }
  });
});
