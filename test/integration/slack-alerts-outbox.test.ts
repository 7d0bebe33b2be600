/**
 * The watch's alerts and the emergency notices ride out Slack's bad moments through the outbox:
 * an alert Slack answers 429 goes out once, after its Retry-After; a resolution owed through an
 * outage still ends the alert and is posted once; an emergency failover opened under 429 is
 * announced once in each channel. Signed HTTP → real Redis → real SDK → emulator → fake Slack.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { APPROVALS_CHANNEL, AUDIT_CHANNEL } from '../support/approval-bot.js';
import type { EmulatorHarness } from '../support/execution-emulator.js';
import { type FakeHandler, type RecordedCall, retryAfterViolations } from '../support/fake-slack.js';
import {
  type Replica,
  startReplica,
  startWatchEmulator,
  text,
  WATCH_CHANNEL,
  waitForPost,
} from '../support/watch-harness.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const standby = SEED.instances.nvmeI[0]?.id ?? '';
const RETRY_AFTER_SEC = 2;
let emu: EmulatorHarness;
let r: Replica;

beforeAll(async () => {
  emu = await startWatchEmulator();
  r = await startReplica(emu, `sdb-alerts-outbox:${randomUUID()}:`, 'replica-a', 1_000);
});
afterAll(async () => {
  r?.h.fake.faults(undefined);
  r?.h.fake.on('chat.postMessage', undefined);
  await r?.h.close();
  await emu?.close();
});

let tsCount = 0;
/** Slack's answer to an accepted post: the message's coordinates. */
const accept = (body: Record<string, unknown>) => ({
  json: { ok: true, channel: body.channel, ts: `1800000000.${String(++tsCount).padStart(6, '0')}` },
});
const throttled = {
  status: 429,
  headers: { 'retry-after': String(RETRY_AFTER_SEC) },
  json: { ok: false, error: 'ratelimited' },
};

/** Answers the first post to each channel that matches `pattern` 429; every other post is accepted. */
function throttleFirst(pattern: RegExp): FakeHandler {
  const seen = new Set<unknown>();
  return (body) => {
    if (!pattern.test(JSON.stringify(body)) || seen.has(body.channel)) return accept(body);
    seen.add(body.channel);
    return throttled;
  };
}

const accepted = (method: string, channel: string, pattern: RegExp) => (c: RecordedCall) =>
  c.method === method && c.body.channel === channel && c.answer?.status === 200 && pattern.test(text(c));

describe('alerts and emergency notices through the outbox', { timeout: 120_000 }, () => {
  it('an alert answered 429 is posted once after Retry-After; a resolution owed through an outage still ends it', async () => {
    await r.command(`watch ${disk}`);
    await waitForPost(r, (t) => t.includes('Now watching'));
    r.h.fake.on('chat.postMessage', throttleFirst(/Primary down/));
    await emu.admin(`instances/${primary}/crash`, {});
    const refused = await r.h.fake.waitFor(
      (c) => c.body.channel === WATCH_CHANNEL && c.answer?.status === 429,
      30_000,
    );
    const alert = await r.h.fake.waitFor(accepted('chat.postMessage', WATCH_CHANNEL, /Primary down/), 15_000);
    expect(alert.at - refused.at).toBeGreaterThanOrEqual(RETRY_AFTER_SEC * 1000 - 50);
    expect(retryAfterViolations(r.h.fake.calls)).toEqual([]);

    // Slack goes down as the primary comes back: the resolution is owed, not lost.
    r.h.fake.faults({ outage: true, failStatus: 503 });
    await emu.admin(`instances/${primary}/recover`, {});
    await r.h.fake.waitFor((c) => c.body.channel === WATCH_CHANNEL && c.answer?.status === 503, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    r.h.fake.faults(undefined);
    await r.h.fake.waitFor(accepted('chat.postMessage', WATCH_CHANNEL, /Resolved/), 15_000);
    const ended = await r.h.fake.waitFor(accepted('chat.update', WATCH_CHANNEL, /Resolved/), 15_000);
    const answered = alert.answer?.json as { ts?: string } | undefined;
    expect(ended.body.ts).toBe(answered?.ts);
    const count = (method: string, pattern: RegExp) =>
      r.h.fake.calls.filter(accepted(method, WATCH_CHANNEL, pattern)).length;
    expect([count('chat.postMessage', /Primary down/), count('chat.postMessage', /Resolved/)]).toEqual([
      1, 1,
    ]);
    expect(count('chat.update', /Resolved/)).toBe(1);
  });

  it('an emergency failover opened under 429 is announced once in each channel, after Retry-After', async () => {
    r.h.fake.on('chat.postMessage', throttleFirst(/EMERGENCY FAILOVER/));
    const id = await r.open(
      `failover ${disk} --from ${primary} --to ${standby} --emergency "db primary down"`,
    );
    for (const channel of [WATCH_CHANNEL, APPROVALS_CHANNEL, AUDIT_CHANNEL]) {
      const refused = await r.h.fake.waitFor(
        (c) => c.body.channel === channel && c.answer?.status === 429,
        15_000,
      );
      const loud = await r.h.fake.waitFor(
        accepted('chat.postMessage', channel, /EMERGENCY FAILOVER/),
        15_000,
      );
      expect(text(loud)).toContain('db primary down');
      expect(loud.at - refused.at).toBeGreaterThanOrEqual(RETRY_AFTER_SEC * 1000 - 50);
    }
    await r.h.fake.waitFor((c) => text(c).includes(`${id} succeeded`), 40_000);
    for (const channel of [WATCH_CHANNEL, APPROVALS_CHANNEL, AUDIT_CHANNEL])
      expect(r.h.fake.calls.filter(accepted('chat.postMessage', channel, /EMERGENCY FAILOVER/))).toHaveLength(
        1,
      );
    expect(retryAfterViolations(r.h.fake.calls)).toEqual([]);
  });
});
