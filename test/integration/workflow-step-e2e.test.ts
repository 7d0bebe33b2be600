/**
 * Issue 22 over signed HTTP → Bolt → real Redis → real SDK → emulator: the Workflow Builder step
 * `request_disk_change` files as its requester with every `/disk` rule and completes when the
 * request ends, exactly once.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import {
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  VIEW_REJECT,
} from '../../src/slack/blocks/reject-modal.js';
import { ACTION_APPROVE, ACTION_REJECT } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  TEST_POLICY,
  USERS,
} from '../support/approval-bot.js';
import { TEST_SIGNING_SECRET, waitUntil } from '../support/bot.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { fakeStepExecutions, type StepExecutions, sendStepEvent } from '../support/fake-slack-functions.js';

let emu: EmulatorHarness;
let h: ApprovalHarness;
let steps: StepExecutions;
let endpoint: string;

beforeAll(async () => {
  emu = await startHarness();
  h = await startApprovalHarness({
    // Alice may ask; Dave may not (he is no requester).
    policy: `${TEST_POLICY}requesters: { users: [${USERS.alice}] }\n`,
    cloud: {
      gateway: emu.gateway(),
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      execution: { pollIntervalMs: 100, retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50 } },
    },
  });
  steps = fakeStepExecutions(h.fake);
  endpoint = `http://127.0.0.1:${h.bot.slack.port}/slack/events`;
});
afterAll(async () => {
  await h.close();
  await emu.close();
});
beforeEach(() => h.fake.reset());

const json = (call: RecordedCall) => JSON.stringify(call.body);
const isCard = (c: RecordedCall) =>
  c.method === 'chat.postMessage' && c.body.channel === APPROVALS_CHANNEL && !c.body.thread_ts;

let count = 0;
/** A workflow reaches the step: Slack starts an execution and sends `function_executed`. */
async function runStep(inputs: Record<string, unknown>) {
  const executionId = `Fx${Date.now().toString(36).toUpperCase()}${++count}`;
  steps.begin(executionId);
  const started = performance.now();
  const res = await sendStepEvent(endpoint, TEST_SIGNING_SECRET, { executionId, inputs });
  return { executionId, status: res.status, ackMs: performance.now() - started };
}

const createInputs = (name: string, extra: Record<string, unknown> = {}) => ({
  action: 'create',
  disk: name,
  size_gib: 100,
  zone: SEED.zones.multiAttachI,
  reason: 'new service from the onboarding workflow',
  requester: USERS.alice,
  ...extra,
});

/** The request the step opened, found through its card. */
async function openedRequest(executionId: string): Promise<string> {
  const card = await h.fake.waitFor((c) => isCard(c) && json(c).includes(`Wx${executionId}`), 15_000);
  const id = /R-[0-9A-Z]{10}/.exec(json(card))?.[0];
  if (!id) throw new Error(`no request id on the card: ${json(card)}`);
  return id;
}

async function click(requestId: string, user: string, actionId: string): Promise<void> {
  // The card's coordinates are stored right after Slack answers the post.
  await waitUntil(async () => (await h.bot.service.get(requestId))?.card !== undefined);
  const request = await h.bot.service.get(requestId);
  if (!request?.card) throw new Error(`${requestId} has no card`);
  await h.client.click({
    userId: user,
    actionId,
    value: JSON.stringify({ id: requestId, planHash: request.planHash }),
    channelId: APPROVALS_CHANNEL,
    messageTs: request.card.ts,
    responseUrl: h.fake.responseUrl(`click-${requestId}-${user}`),
  });
}

const outputs = (call: RecordedCall) => call.body.outputs as Record<string, string>;

describe('the Workflow Builder step request_disk_change', () => {
  it('acks at once, files as the requester with a card that says so, and completes with succeeded', async () => {
    const step = await runStep(createInputs('wf-orders-db'));
    expect(step.status).toBe(200);
    expect(step.ackMs).toBeLessThan(3_000);

    const requestId = await openedRequest(step.executionId);
    const card = h.fake.calls.find((c) => isCard(c) && json(c).includes(requestId)) as RecordedCall;
    expect(json(card)).toContain(`<@${USERS.alice}>`);
    expect(json(card)).toContain('via a workflow');
    const request = await h.bot.service.get(requestId);
    expect(request).toMatchObject({ requesterId: USERS.alice, state: 'pending', kind: 'create' });
    // The step stays open while the request waits for approval.
    expect(steps.calls(step.executionId)).toEqual([]);

    await click(requestId, USERS.bob, ACTION_APPROVE);
    const done = await steps.completion(step.executionId, 30_000);
    expect(done.method).toBe('functions.completeSuccess');
    expect(outputs(done)).toMatchObject({ request_id: requestId, outcome: 'succeeded' });
    expect(outputs(done).summary).toContain(requestId);
    expect((await emu.state()).disks.some((d) => d.name === 'wf-orders-db')).toBe(true);
  });

  it('refuses a size the grammar refuses with the words /disk would use, and posts no card', async () => {
    const step = await runStep(createInputs('wf-tiny', { size_gib: 5 }));
    expect(step.status).toBe(200);
    const done = await steps.completion(step.executionId);
    expect(done.method).toBe('functions.completeError');
    expect(String(done.body.error)).toMatch(/size/i);
    expect(h.fake.calls.filter(isCard)).toEqual([]);
  });

  it('refuses a requester outside the policy: completeError, no card, no request', async () => {
    const step = await runStep(createInputs('wf-outsider', { requester: USERS.dave }));
    const done = await steps.completion(step.executionId);
    expect(done.method).toBe('functions.completeError');
    expect(String(done.body.error)).toContain('You are not allowed to request disk changes.');
    expect(h.fake.calls.filter(isCard)).toEqual([]);
    const mine = await h.bot.service.list({ filter: 'mine', userId: USERS.dave, limit: 10 });
    expect(mine.ok && mine.value.items).toEqual([]);
  });

  it('files a resize as `/disk resize` would: an unknown disk ends in its refusal, no card', async () => {
    const step = await runStep({ ...createInputs('d-unknown0000001'), action: 'resize' });
    const done = await steps.completion(step.executionId);
    expect(done.method).toBe('functions.completeError');
    expect(String(done.body.error)).toContain('/disk resize');
    expect(h.fake.calls.filter(isCard)).toEqual([]);
  });

  it('opens one request when Slack delivers the same execution twice', async () => {
    const inputs = createInputs('wf-twice');
    const first = await runStep(inputs);
    const again = await sendStepEvent(
      endpoint,
      TEST_SIGNING_SECRET,
      { executionId: first.executionId, inputs },
      1,
    );
    expect(again.status).toBe(200);
    const requestId = await openedRequest(first.executionId);
    await waitUntil(() => h.logs.text.includes('workflow_step.redelivered'));
    // Cancelling ends it; the one completion says so, and nothing else was filed or posted.
    const cancelled = await h.bot.service.cancel(requestId, USERS.alice);
    expect(cancelled.ok).toBe(true);
    const done = await steps.completion(first.executionId);
    expect(outputs(done)).toMatchObject({ request_id: requestId, outcome: 'cancelled' });
    expect(h.fake.calls.filter((c) => isCard(c) && json(c).includes('wf-twice'))).toHaveLength(1);
    expect(steps.calls(first.executionId)).toHaveLength(1);
  });

  it('completes with rejected when an approver rejects the request', async () => {
    const step = await runStep(createInputs('wf-rejected'));
    const requestId = await openedRequest(step.executionId);
    await click(requestId, USERS.carol, ACTION_REJECT);
    const modal = await h.fake.waitFor((c) => c.method === 'views.open');
    await h.client.submitView({
      userId: USERS.carol,
      callbackId: VIEW_REJECT,
      privateMetadata: (modal.body.view as { private_metadata: string }).private_metadata,
      values: {
        [REJECT_REASON_BLOCK]: {
          [REJECT_REASON_INPUT]: { type: 'plain_text_input', value: 'use the shared pool' },
        },
      },
    });
    const done = await steps.completion(step.executionId);
    expect(outputs(done)).toMatchObject({ request_id: requestId, outcome: 'rejected' });
    expect(outputs(done).summary).toContain('use the shared pool');
  });

  it('completes with failed when the cloud refuses the change', async () => {
    const step = await runStep(createInputs('wf-failing'));
    const requestId = await openedRequest(step.executionId);
    await emu.setFaults({ CreateDisk: { internalErrorRate: 1 } });
    try {
      await click(requestId, USERS.bob, ACTION_APPROVE);
      const done = await steps.completion(step.executionId, 30_000);
      expect(outputs(done)).toMatchObject({ request_id: requestId, outcome: 'failed' });
    } finally {
      await emu.setFaults({});
    }
  });
});
