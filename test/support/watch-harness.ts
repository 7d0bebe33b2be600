/**
 * The bot (one or two replicas sharing Redis) with the watch on a 2 s interval (below the policy's
 * 5 s floor, so the tests' cycles come faster; the lease and timeouts follow the interval), for
 * issue 13's tests. Tests wait for completed cycles (`cycles`), never for a guessed duration.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { CycleReport } from '../../src/jobs/watch-service.js';
import { type ApprovalHarness, startApprovalHarness } from './approval-bot.js';
import { type EmulatorHarness, startHarness } from './execution-emulator.js';
import { failoverPolicy, requestActions } from './failover-harness.js';
import type { RecordedCall } from './fake-slack.js';

export const WATCH_CHANNEL = 'C0WATCH';
export const INTERVAL_MS = 2_000;
/** A generous bound on waiting for an event: a wait ends as soon as the event happens. */
const EVENT_TIMEOUT_MS = 30_000;

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

export async function startReplica(
  emu: EmulatorHarness,
  keyPrefix: string,
  owner: string,
  intervalMs = INTERVAL_MS,
): Promise<Replica> {
  const h = await startApprovalHarness({
    policy: watchPolicy(),
    keyPrefix,
    watch: { owner },
    watchIntervalMs: intervalMs,
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
  timeoutMs = EVENT_TIMEOUT_MS,
): Promise<RecordedCall> {
  return r.h.fake.waitFor(
    (c) => c.method === 'chat.postMessage' && c.body.channel === WATCH_CHANNEL && predicate(text(c)),
    timeoutMs,
  );
}

/**
 * Waits until the replica's watch loop has completed `n` more cycles (the first may have begun
 * before the call, so `n = 2` guarantees one whole cycle after it) and returns the last report.
 */
export async function cycles(r: Replica, n: number): Promise<CycleReport> {
  const watch = r.h.bot.watch;
  if (!watch) throw new Error('this replica runs no watch');
  let report: CycleReport | undefined;
  for (let i = 0; i < n; i++) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${watch.owner}: no watch cycle completed in ${EVENT_TIMEOUT_MS} ms`)),
        EVENT_TIMEOUT_MS,
      );
    });
    report = await Promise.race([watch.nextCycle(), timeout]).finally(() => clearTimeout(timer));
  }
  if (!report) throw new Error('cycles(n) needs n ≥ 1');
  return report;
}
