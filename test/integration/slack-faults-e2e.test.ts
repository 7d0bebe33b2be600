import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED } from '../../src/emulator/index.js';
import { ACTION_APPROVE } from '../../src/slack/blocks/request-card.js';
import { DEFAULT_PACING, type PacingRules } from '../../src/slack/outbox/pacing.js';
import {
  APPROVALS_CHANNEL,
  type ApprovalHarness,
  startApprovalHarness,
  USERS,
} from '../support/approval-bot.js';
import { type EmulatorHarness, startHarness } from '../support/execution-emulator.js';
import { type RecordedCall, retryAfterViolations } from '../support/fake-slack.js';

/**
 * The outbox's time scaled down five-fold: posts per channel five times faster, back-offs a fifth,
 * so the outage below lasts a fifth of the 20 s it stands for and is met by as many back-offs
 * (doubling up to the cap, then at the cap). Slack's own hints are not scaled: a 429 still says
 * Retry-After 1 and is honoured to the millisecond. `npm run bench:slack` runs the same faults
 * against the shipped pacing.
 */
const TIME_SCALE = 5;
const TEST_PACING: PacingRules = {
  ...DEFAULT_PACING,
  postsPerSecond: DEFAULT_PACING.postsPerSecond * TIME_SCALE,
  backoffBaseMs: DEFAULT_PACING.backoffBaseMs / TIME_SCALE,
  backoffCapMs: DEFAULT_PACING.backoffCapMs / TIME_SCALE,
};
const OUTAGE_MS = 20_000 / TIME_SCALE;

let emu: EmulatorHarness;
let h: ApprovalHarness;
const json = (call: RecordedCall) => JSON.stringify(call.body);

beforeAll(async () => {
  emu = await startHarness();
  h = await startApprovalHarness({
    cloud: {
      gateway: emu.gateway(),
      multiAttachZones: [SEED.zones.multiAttachI, SEED.zones.multiAttachJ],
      execution: { pollIntervalMs: 100 },
    },
    slackPacing: TEST_PACING,
  });
});
afterAll(async () => {
  h.fake.faults(undefined);
  await h.close();
  await emu.close();
});
beforeEach(() => {
  h.fake.faults(undefined);
  h.fake.reset();
});

/** A card post Slack accepted (not a thread reply), for one request. */
const acceptedCard = (id: string) => (c: RecordedCall) =>
  c.method === 'chat.postMessage' &&
  c.body.channel === APPROVALS_CHANNEL &&
  !c.body.thread_ts &&
  c.answer?.status === 200 &&
  json(c).includes(id);

let count = 0;
/** `/disk <text>` as Alice: how long the ack took, and the reply sent through response_url. */
async function file(text: string): Promise<{ ackMs: number; replyMs: number; reply: string; id: string }> {
  const path = `faults-${++count}`;
  const start = performance.now();
  const res = await h.client.command({ text, userId: USERS.alice, responseUrl: h.fake.responseUrl(path) });
  const ackMs = performance.now() - start;
  expect(res.status).toBe(200);
  const reply = json(await h.fake.waitFor((c) => c.method === `/response/${path}`, 15_000));
  return { ackMs, replyMs: performance.now() - start, reply, id: /R-[0-9A-Z]{10}/.exec(reply)?.[0] ?? '' };
}

/** The card's coordinates once Slack took it (attachCard follows the accepted post). */
async function cardOf(id: string, timeoutMs: number) {
  await h.fake.waitFor(acceptedCard(id), timeoutMs);
  for (;;) {
    const request = await h.bot.service.get(id);
    if (request?.card) return { request, card: request.card };
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('riding out Slack faults (issue 20)', () => {
  it('30 % 429 (Retry-After 1) and 5 % 500: eight creates are opened, carded once, approved and reported in time', async () => {
    h.fake.faults({ throttleRate: 0.3, retryAfterSec: 1, failRate: 0.05, failStatus: 500 }, 20);
    const filed = [];
    for (let i = 1; i <= 8; i++) {
      const one = await file(`create faults-${i} --size 20 --zone ${SEED.zones.multiAttachI}`);
      expect(one.ackMs).toBeLessThan(3_000);
      expect(one.replyMs).toBeLessThan(10_000);
      expect(one.reply).toContain('opened');
      filed.push(one.id);
    }
    const results = [];
    for (const id of filed) {
      const { request, card } = await cardOf(id, 20_000);
      const clickedAt = performance.now();
      const res = await h.client.click({
        userId: USERS.bob,
        actionId: ACTION_APPROVE,
        value: JSON.stringify({ id, planHash: request.planHash }),
        channelId: APPROVALS_CHANNEL,
        messageTs: card.ts,
        responseUrl: h.fake.responseUrl(`approve-${id}`),
      });
      expect(res.status).toBe(200);
      expect(performance.now() - clickedAt).toBeLessThan(3_000);
      results.push(
        h.fake
          .waitFor(
            (c) =>
              c.method === 'chat.postMessage' &&
              c.answer?.status === 200 &&
              c.body.reply_broadcast === 'true' &&
              json(c).includes(id) &&
              /succeeded/.test(json(c)),
            30_000,
          )
          .then((call) => ({ id, afterClickMs: call.at - clickedAt })),
      );
    }
    for (const { afterClickMs } of await Promise.all(results)) expect(afterClickMs).toBeLessThan(30_000);
    for (const id of filed) expect(h.fake.calls.filter(acceptedCard(id))).toHaveLength(1);
    expect(h.fake.calls.some((c) => c.answer?.status === 429)).toBe(true);
    expect(retryAfterViolations(h.fake.calls)).toEqual([]);
  }, 180_000);

  it('a 20 s outage (scaled): requests filed during it are acked, get their card once Slack is back, nothing twice', async () => {
    h.fake.faults({ outage: true, failStatus: 503 });
    const outageStart = performance.now();
    // Filed at once (three people during one outage): each reply waits its while for the card.
    const replies = await Promise.all(
      [1, 2, 3].map((i) => file(`create outage-${i} --size 20 --zone ${SEED.zones.multiAttachI}`)),
    );
    const filed = [];
    for (const one of replies) {
      expect(one.ackMs).toBeLessThan(3_000);
      expect(one.reply).toContain('as soon as');
      filed.push(one.id);
    }
    // The outage lasts its (scaled) 20 s whatever the bot does; then Slack answers again.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (performance.now() - outageStart))),
    );
    expect(h.fake.calls.some((c) => c.answer?.status === 503)).toBe(true);
    h.fake.faults(undefined);
    for (const id of filed) await cardOf(id, 15_000);
    for (const id of filed) {
      expect(h.fake.calls.filter(acceptedCard(id))).toHaveLength(1);
      expect((await h.bot.service.get(id))?.state).toBe('pending');
    }
    const accepted = h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.answer?.status === 200);
    const bodies = accepted.map(
      (c) => `${String(c.body.channel)}|${String(c.body.thread_ts)}|${String(c.body.text)}`,
    );
    expect(new Set(bodies).size).toBe(bodies.length);
  }, 90_000);
});
