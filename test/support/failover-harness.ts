/** The bot over signed HTTP with the fake Slack, real Redis and the ECS emulator, for issue 6's tests. */
import { expect } from 'vitest';
import type { EcsGateway } from '../../src/cloud/gateway.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  TEST_POLICY,
  UNPACED,
  USERS,
} from './approval-bot.js';
import {
  EMULATOR_ASSISTANT_POLLING,
  type EmulatorHarness,
  QUICK_LATENCY,
  startHarness,
} from './execution-emulator.js';
import type { RecordedCall } from './fake-slack.js';

export { APPROVALS_CHANNEL, USERS } from './approval-bot.js';

/**
 * The approval-bot policy plus a fencing mode, an optional takeover hook (YAML block) and an
 * optional built-in takeover mount (`fencing.takeover`).
 */
export function failoverPolicy(
  mode: 'reservation' | 'detach',
  hook?: string,
  takeover?: { mount: string; options?: string },
): string {
  const hookYaml = hook
    ? `\n    takeoverHook:\n      timeoutSec: 30\n      script: |\n${hook
        .split('\n')
        .map((l) => `        ${l}`)
        .join('\n')}`
    : '';
  const policy = TEST_POLICY.replace(
    '    emergency: { requesters: { users: [U0ALICE] }, quorum: 0, review: required }',
    `    emergency: { requesters: { users: [U0ALICE] }, quorum: 0, review: required }${hookYaml}`,
  );
  const mount = takeover
    ? `, takeover: { mount: ${takeover.mount}${takeover.options ? `, options: ${takeover.options}` : ''} }`
    : '';
  return `${policy}fencing: { mode: ${mode}${mount} }\n`;
}

export interface FailoverHarness {
  readonly emu: EmulatorHarness;
  readonly h: ApprovalHarness;
  /** Runs `/disk <text>` as `userId` (default Alice) and returns the reply sent to response_url. */
  command(text: string, userId?: string): Promise<RecordedCall>;
  /** Opens a request from `text` and returns its id (throws with the reply when none was opened). */
  open(text: string, userId?: string): Promise<string>;
  approve(requestId: string, userId: string): Promise<void>;
  /** The result broadcast from the card's thread. */
  result(requestId: string, timeoutMs?: number): Promise<RecordedCall>;
  /** The first thread reply of the request's card (after `after`, performance.now()) matching `pattern`. */
  threadReply(requestId: string, pattern: RegExp, timeoutMs?: number, after?: number): Promise<RecordedCall>;
  close(): Promise<void>;
}

export const json = (call: RecordedCall): string => JSON.stringify(call.body);

/** Open a request with a command (its id from the reply) and approve it from its card, as a user. */
export function requestActions(
  h: ApprovalHarness,
  command: (text: string, userId?: string) => Promise<RecordedCall>,
): {
  open(text: string, userId?: string): Promise<string>;
  approve(requestId: string, userId: string): Promise<void>;
} {
  return {
    async open(text, userId) {
      const reply = await command(text, userId);
      const requestId = /R-[0-9A-Z]{10}/.exec(json(reply))?.[0];
      if (!requestId) throw new Error(`no request opened: ${json(reply)}`);
      return requestId;
    },
    async approve(requestId, userId) {
      const request = await h.bot.service.get(requestId);
      if (!request?.card) throw new Error(`${requestId} has no card`);
      await h.client.click({
        userId,
        actionId: ACTION_APPROVE,
        value: JSON.stringify({ id: requestId, planHash: request.planHash }),
        channelId: APPROVALS_CHANNEL,
        messageTs: request.card.ts,
        responseUrl: h.fake.responseUrl(`approve-${requestId}-${userId}`),
      });
    },
  };
}

export async function startFailoverHarness(
  policy: string,
  options: {
    assistantTimeoutSec?: number;
    lockWaitMs?: number;
    /** Wraps the bot's gateway (a tripwire that changes the emulator right after a chosen call). */
    wrapGateway?: (inner: EcsGateway) => EcsGateway;
  } = {},
): Promise<FailoverHarness> {
  const emu = await startHarness({ latency: QUICK_LATENCY });
  const h = await startApprovalHarness({
    policy,
    slackPacing: UNPACED,
    cloud: {
      gateway: options.wrapGateway ? options.wrapGateway(emu.gateway()) : emu.gateway(),
      // A live guest answers in 45 ms and the emulator applies its events in time order, so only a
      // crashed or hung guest reaches this Timeout, and the tests about those wait it out.
      assistantTimeoutSec: options.assistantTimeoutSec ?? 1,
      assistantPolling: EMULATOR_ASSISTANT_POLLING,
      execution: {
        pollIntervalMs: 50,
        run: {
          lockWaitMs: options.lockWaitMs ?? 10_000,
          lockRetryMs: 100,
          waitTimeoutMs: 10_000,
          changePollMs: 50,
        },
      },
    },
  });
  let count = 0;
  const command = async (text: string, userId: string = USERS.alice): Promise<RecordedCall> => {
    const id = `c${++count}-${Math.random().toString(36).slice(2, 8)}`;
    const sent = await h.client.command({ text, userId, responseUrl: h.fake.responseUrl(id) });
    expect(sent.status).toBe(200);
    return h.fake.waitFor((c) => c.method === `/response/${id}`, 20_000);
  };
  return {
    emu,
    h,
    command,
    ...requestActions(h, command),
    result: (requestId, timeoutMs = 30_000) =>
      h.fake.waitFor(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.body.reply_broadcast === 'true' &&
          /^\S+ (succeeded|partial|failed):/.test(String(c.body.text)) &&
          String(c.body.text).startsWith(`${requestId} `),
        timeoutMs,
      ),
    async threadReply(requestId, pattern, timeoutMs = 30_000, after = 0) {
      const ts = (await h.bot.service.get(requestId))?.card?.ts;
      if (!ts) throw new Error(`${requestId} has no card`);
      return h.fake.waitFor(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.at > after &&
          c.body.thread_ts === ts &&
          c.body.reply_broadcast !== 'true' &&
          pattern.test(String(c.body.text)),
        timeoutMs,
      );
    },
    async close() {
      await h.close();
      await emu.close();
    },
  };
}

/** The emulator's reservation of a disk, as its admin state shows it. */
export async function reservationOf(
  emu: EmulatorHarness,
  diskId: string,
): Promise<{ holder: string | null; registrants: { instanceId: string; key: string }[] } | undefined> {
  const state = (await emu.admin('state')) as {
    reservations: {
      diskId: string;
      holder: string | null;
      registrants: { instanceId: string; key: string }[];
    }[];
  };
  return state.reservations.find((r) => r.diskId === diskId);
}
