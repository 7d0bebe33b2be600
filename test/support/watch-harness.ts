/** The bot (one or two replicas sharing Redis) with the watch on a 5 s interval, for issue 13's tests. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type ApprovalHarness, startApprovalHarness } from './approval-bot.js';
import { type EmulatorHarness, startHarness } from './execution-emulator.js';
import { failoverPolicy, requestActions } from './failover-harness.js';
import type { RecordedCall } from './fake-slack.js';

export const WATCH_CHANNEL = 'C0WATCH';
export const INTERVAL_MS = 5_000;

export function watchPolicy(mode: 'reservation' | 'detach' = 'reservation'): string {
  return `${failoverPolicy(mode)}watch: { interval: 5s, missedBeforeAlert: 2, remindAfter: 30m }\n`;
}

export interface Replica {
  readonly h: ApprovalHarness;
  command(text: string, userId?: string): Promise<RecordedCall>;
  open(text: string, userId?: string): Promise<string>;
  approve(requestId: string, userId: string): Promise<void>;
  /** Every chat.postMessage to the watch channel so far. */
  posts(): RecordedCall[];
}

export async function startReplica(emu: EmulatorHarness, keyPrefix: string, owner: string): Promise<Replica> {
  const h = await startApprovalHarness({
    policy: watchPolicy(),
    keyPrefix,
    watch: { owner },
    cloud: {
      gateway: emu.gateway(),
      assistantTimeoutSec: 2,
      execution: {
        pollIntervalMs: 100,
        run: { lockWaitMs: 10_000, lockRetryMs: 100, waitTimeoutMs: 10_000 },
      },
    },
  });
  let count = 0;
  const command = async (text: string, userId = 'U0ALICE'): Promise<RecordedCall> => {
    const id = `w${++count}-${randomUUID().slice(0, 6)}`;
    const sent = await h.client.command({
      text,
      userId,
      channelId: WATCH_CHANNEL,
      responseUrl: h.fake.responseUrl(id),
    });
    expect(sent.status).toBe(200);
    return h.fake.waitFor((c) => c.method === `/response/${id}`, 30_000);
  };
  return {
    h,
    command,
    ...requestActions(h, command),
    posts: () => h.fake.apiCalls('chat.postMessage').filter((c) => c.body.channel === WATCH_CHANNEL),
  };
}

export async function startWatchEmulator(): Promise<EmulatorHarness> {
  return startHarness({
    latency: {
      attach: { baseMs: 100, jitterMs: 50 },
      detach: { baseMs: 100, jitterMs: 50 },
      command: { baseMs: 60, jitterMs: 20 },
    },
  });
}

export const text = (call: RecordedCall): string => JSON.stringify(call.body);

/** Waits until `predicate` holds for some post to the watch channel. */
export async function waitForPost(
  r: Replica,
  predicate: (text: string) => boolean,
  timeoutMs = 6 * INTERVAL_MS,
): Promise<RecordedCall> {
  return r.h.fake.waitFor(
    (c) => c.method === 'chat.postMessage' && c.body.channel === WATCH_CHANNEL && predicate(text(c)),
    timeoutMs,
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
