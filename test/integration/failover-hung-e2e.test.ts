/**
 * Issue 10 item 5 over signed HTTP → real Redis → real SDK → emulator: a failover away from a hung
 * old primary posts its result as soon as the fence is verified (the hung guest's row follows in
 * the thread), shows that primary fenced from the verified reservation report, says "none
 * configured" when no takeover is, and its step times add up to a total counted from the click.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationKeyFor } from '../../src/cloud/scripts/index.js';
import { SEED } from '../../src/emulator/index.js';
import {
  type FailoverHarness,
  failoverPolicy,
  json,
  reservationOf,
  startFailoverHarness,
  USERS,
} from '../support/failover-harness.js';

const disk = SEED.disks.sharedExt4.diskId;
const primary = SEED.disks.sharedExt4.attachedTo;
const [standby] = SEED.instances.nvmeI.map((i) => i.id);
let f: FailoverHarness;

// A Cloud Assistant Timeout far above the run: a hung guest cannot answer before the result.
const ASSISTANT_TIMEOUT_SEC = 4;

beforeAll(async () => {
  f = await startFailoverHarness(failoverPolicy('reservation'), {
    assistantTimeoutSec: ASSISTANT_TIMEOUT_SEC,
  });
  const id = await f.open(`attach ${disk} ${primary} ${standby} --allow-single-node-fs`);
  await f.approve(id, USERS.bob);
  await f.approve(id, USERS.carol);
  expect(json(await f.result(id))).toContain('succeeded');
});
afterAll(() => f.close());

/** "1.2 s" cells of the Timeline block: the steps, then the total. */
function timelineSeconds(result: string): { steps: number[]; total: number } {
  const block = /\*Timeline\*(.*?)```"/.exec(result)?.[1] ?? '';
  const cells = [...block.matchAll(/(\d+\.\d) s/g)].map((m) => Number(m[1]));
  return { steps: cells.slice(0, -1), total: cells.at(-1) ?? Number.NaN };
}

describe('failover away from a hung old primary', () => {
  it('posts the result right after the verified fence, not after the hung guest, shows the primary fenced, and its row follows', async () => {
    const id = await f.open(`failover ${disk} --from ${primary} --to ${standby}`);
    const card = f.h.fake.apiCalls('chat.postMessage').filter((c) => json(c).includes(id));
    expect(card.some((c) => json(c).includes('Takeover: none configured; nothing will be mounted'))).toBe(
      true,
    );
    await f.emu.admin(`instances/${primary}/crash`, {});
    try {
      const clicked = performance.now();
      await f.approve(id, USERS.carol);
      const call = await f.result(id);
      const result = json(call);
      const done = await f.h.bot.service.get(id);
      expect([done?.state, done?.outcome?.code]).toEqual(['succeeded', 'failed_over']);
      expect((await reservationOf(f.emu, disk))?.holder).toBe(reservationKeyFor(standby!));

      // Right after the moment the fence was verified (its cursor step in the audit stream), never
      // after the hung guest's inspection timeout: the bound is a quarter of it, loose enough for a
      // busy CI machine (bench:failover measures the real figure, ≤ 500 ms).
      const trail = await f.h.audit.forRequest(id);
      const fencedAt = trail.find((e) => e.event === 'step' && e.details.fence === 'reservation')?.at;
      expect(fencedAt).toBeDefined();
      const postedAt = performance.timeOrigin + call.at;
      expect(postedAt - fencedAt!).toBeLessThan((ASSISTANT_TIMEOUT_SEC * 1000) / 4);

      // Fenced by the verified report although its guest never answered; the row follows.
      expect(result).toMatch(new RegExp(`${primary}\\s+Running\\s+-\\s+-\\s+-\\s+fenced`));
      expect(result).toContain('shows its key gone');
      expect(result).toContain('has not answered yet');
      expect(result).not.toContain('DeliveryTimeout');

      // (f) no takeover configured: said so, never "ok".
      expect(result).toMatch(/Takeover: none configured\s+skipped/);
      expect(result).not.toMatch(/Takeover[^|\\]*?\s+ok\s/);

      // Step times add up to the total, counted from the click to the final message.
      const { steps, total } = timelineSeconds(result);
      expect(steps.length).toBeGreaterThanOrEqual(5);
      expect(Math.abs(steps.reduce((a, b) => a + b, 0) - total)).toBeLessThanOrEqual(
        0.05 * steps.length + 0.05,
      );
      const observed = (call.at - clicked) / 1000;
      expect(total).toBeLessThanOrEqual(observed + 0.05);
      expect(observed - total).toBeLessThan(1.5);

      // The guest times out after ASSISTANT_TIMEOUT_SEC: its row then follows in the thread.
      const late = await f.threadReply(
        id,
        new RegExp(`Mount status of \\S+ \\(${primary}\\) \\(follow-up\\)`),
        (ASSISTANT_TIMEOUT_SEC + 15) * 1000,
        call.at,
      );
      expect(json(late)).toContain('DeliveryTimeout');
      expect(json(late)).toContain('fenced: the verified reservation report shows its key gone');

      // Both guard decisions are in the audit stream with the facts they were made on.
      const guard = trail.find((e) => e.event === 'step' && e.details.guard !== undefined)?.details.guard;
      expect(guard).toMatchObject({
        decision: 'passed',
        moment: 'fencing',
        instances: { [primary]: 'Running', [standby!]: 'Running' },
        disk: { attachedTo: expect.arrayContaining([primary, standby]) },
      });
    } finally {
      await f.emu.admin(`instances/${primary}/recover`, {});
    }
  });
});
