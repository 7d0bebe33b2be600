/**
 * Issue 22 point 3: a completion is owed once and sent once, whichever replica (or a restart)
 * gets to it; a failed send is retried; past the workflow token's 15 minutes the bot token is used.
 */
import { randomUUID } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { WorkflowSteps } from '../../src/slack/workflow-step.js';
import { FILING_DEADLINE_MS, RedisWorkflowStepStore } from '../../src/store/workflow-step-store.js';
import { WORKFLOW_TOKEN_LIFETIME_MS } from '../../src/workflow/workflow-step.js';
import { LogCapture, TEST_BOT_TOKEN } from '../support/bot.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { fakeStepExecutions, type StepExecutions } from '../support/fake-slack-functions.js';
import { sampleRequest, T0 } from '../support/store-fixture.js';

let fake: FakeSlack;
let slack: StepExecutions;
const clients: Redis[] = [];
const prefix = `sdb-wfstep:${randomUUID()}:`;
let now = T0;
const clock = { now: () => now };

/** One replica: its own Redis connection and Slack client, the shared key prefix. */
function replica(): { steps: WorkflowSteps; store: RedisWorkflowStepStore } {
  const redis = new Redis(inject('redisUrl'));
  clients.push(redis);
  const store = new RedisWorkflowStepStore(redis, { prefix });
  const client = new webApi.WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const logger = createLogger('debug', new LogCapture());
  return {
    store,
    steps: new WorkflowSteps({ store, client, botToken: () => TEST_BOT_TOKEN, clock, logger }),
  };
}

beforeAll(async () => {
  fake = await startFakeSlack();
  slack = fakeStepExecutions(fake);
});
afterAll(async () => {
  for (const redis of clients) redis.disconnect();
  await fake.close();
});

/** A step whose request `requestId` was filed at `issuedAt`, as the listener leaves it. */
async function filedStep(store: RedisWorkflowStepStore, issuedAt: number) {
  const executionId = `Fx${randomUUID().slice(0, 8)}`;
  const request = sampleRequest();
  expect(
    await store.claim(
      {
        executionId,
        workflowExecutionId: `Wx${executionId}`,
        token: `xwfp-${executionId}`,
        issuedAt,
      },
      issuedAt,
    ),
  ).toBe(true);
  expect(
    await store.claim(
      {
        executionId,
        workflowExecutionId: `Wx${executionId}`,
        token: 'xwfp-again',
        issuedAt,
      },
      issuedAt,
    ),
  ).toBe(false);
  await store.link(executionId, request.id);
  slack.begin(executionId);
  return { executionId, request };
}

describe('completing a workflow step', () => {
  it('sends one completion when two replicas hear the end of the request and both sweep', async () => {
    const a = replica();
    const b = replica();
    now = T0;
    const { executionId, request } = await filedStep(a.store, now);
    const ended = {
      event: 'finished' as const,
      from: 'running' as const,
      to: 'succeeded' as const,
      actor: 'system',
      at: now,
    };
    await Promise.all([
      a.steps.onTransition({ ...ended, request: { ...request, state: 'succeeded' } }),
      b.steps.onTransition({ ...ended, request: { ...request, state: 'succeeded' } }),
      a.steps.flush(),
      b.steps.flush(),
    ]);
    const done = await slack.completion(executionId);
    expect(done.body.outputs).toMatchObject({ request_id: request.id, outcome: 'succeeded' });
    expect(done.auth).toBe(`Bearer xwfp-${executionId}`);
    // A later sweep (a restart) finds nothing owed.
    now += 10 * 60_000;
    await Promise.all([a.steps.flush(), b.steps.flush()]);
    expect(slack.calls(executionId)).toHaveLength(1);
  });

  it('retries a failed completion from another replica, with the bot token once the workflow token expired', async () => {
    const a = replica();
    const b = replica();
    now = T0;
    const { executionId, request } = await filedStep(a.store, now);
    now = T0 + WORKFLOW_TOKEN_LIFETIME_MS + 60_000;
    slack.failNext('internal_error');
    await a.steps.onTransition({
      event: 'rejected',
      from: 'pending',
      to: 'rejected',
      actor: 'U0BOB',
      at: now,
      request: { ...request, state: 'rejected', rejection: { userId: 'U0BOB', at: now, reason: 'not now' } },
    });
    expect(slack.calls(executionId)).toHaveLength(1);
    // Not due yet: the backoff holds it back.
    await b.steps.flush();
    expect(slack.calls(executionId)).toHaveLength(1);
    now += 5 * 60_000;
    await b.steps.flush();
    const done = await slack.completion(executionId);
    expect(done.body.outputs).toMatchObject({ outcome: 'rejected' });
    expect(String((done.body.outputs as { summary: string }).summary)).toContain('not now');
    expect(done.auth).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    expect(slack.calls(executionId)).toHaveLength(2);
  });

  it('completes with an error a step whose replica died while filing, once the filing deadline passed', async () => {
    const a = replica();
    const b = replica();
    now = T0;
    const executionId = `Fx${randomUUID().slice(0, 8)}`;
    const execution = {
      executionId,
      workflowExecutionId: `Wx${executionId}`,
      token: `xwfp-${executionId}`,
      issuedAt: now,
    };
    expect(await a.store.claim(execution, now)).toBe(true);
    slack.begin(executionId);
    // Replica a stops here. Before the deadline nothing is sent; after it, b completes the step.
    now += FILING_DEADLINE_MS - 1_000;
    await b.steps.flush();
    expect(slack.calls(executionId)).toEqual([]);
    now += 2_000;
    await b.steps.flush();
    const done = await slack.completion(executionId);
    expect(done.method).toBe('functions.completeError');
    expect(String(done.body.error)).toContain('/disk requests --mine');
  });

  it('does not send the filing fallback once the request is linked', async () => {
    const a = replica();
    now = T0;
    const { executionId } = await filedStep(a.store, now);
    now += FILING_DEADLINE_MS + 60_000;
    await a.steps.flush();
    expect(slack.calls(executionId)).toEqual([]);
  });
});
