/**
 * The failover timeline: steps back to back from the decision, so their durations add up to the
 * total, including the time between cloud calls and the wait in the queue before the first step.
 */
import { describe, expect, it } from 'vitest';
import type { StepReport } from '../../src/jobs/ports.js';
import type { StepContext } from '../../src/jobs/steps/context.js';
import { Timeline } from '../../src/jobs/steps/failover-timeline.js';

function fakeCtx(now: { t: number }, decidedAt: number | undefined, reported: StepReport[]) {
  return {
    clock: { now: () => now.t },
    request: {
      createdAt: 500,
      ...(decidedAt === undefined ? {} : { decision: { by: 'U1', at: decidedAt } }),
    },
    report: async (s: StepReport) => void reported.push(s),
  } as unknown as StepContext<'failover'>;
}

describe('Timeline', () => {
  it('counts from the decision, and the steps add up to the total', async () => {
    const now = { t: 1_000 };
    const reported: StepReport[] = [];
    const t = new Timeline(fakeCtx(now, 700, reported));
    await t.since('Queue, locks and preflight re-check', 'ok', '');
    now.t = 1_050; // bookkeeping between steps belongs to the next step
    await t.step('Fence', async () => {
      now.t = 1_900;
      return { ok: true, detail: 'verified' };
    });
    await t.step('Mount status read', async () => {
      now.t = 2_250;
      return { ok: false, code: 'no_answer', message: 'x' };
    });
    expect(t.steps.map((s) => [s.label, s.status, s.durationMs])).toEqual([
      ['Queue, locks and preflight re-check', 'ok', 300],
      ['Fence', 'ok', 900],
      ['Mount status read', 'failed', 350],
    ]);
    expect(t.totalMs).toBe(1_550);
    expect(t.steps.reduce((sum, s) => sum + s.durationMs, 0)).toBe(t.totalMs);
    expect(reported).toEqual(t.steps);
  });

  it('falls back to the creation time, and never counts from the future', () => {
    expect(new Timeline(fakeCtx({ t: 900 }, undefined, [])).totalMs).toBe(0);
    const t = new Timeline(fakeCtx({ t: 900 }, 5_000, []));
    expect(t.totalMs).toBe(0);
  });
});
