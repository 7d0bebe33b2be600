import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueWindow } from '../../src/jobs/disk-watcher.js';

describe('when the watcher expects a change of one label', () => {
  it('knows nothing before the first wait of the label ends', () => {
    expect(dueWindow([])).toBeUndefined();
  });

  it('steady attaches: from a little before the quicker quarter, every 100 ms, until well past the slower', () => {
    const took = [1_950, 2_000, 2_010, 2_050, 2_080, 2_100, 2_120, 2_200];
    expect(dueWindow(took)).toEqual({ startMs: 0.9 * 2_010, endMs: 1.5 * 2_100, stepMs: 104 });
  });

  it('one quick outlier does not start the polling early, one slow one does not stretch it', () => {
    const steady = [2_000, 2_050, 2_100, 2_150, 2_200];
    expect(dueWindow([40, ...steady])?.startMs).toBe(0.9 * 2_000);
    expect(dueWindow([...steady, 60_000])?.endMs).toBe(1.5 * 2_200);
  });

  it('whatever the history (up to the 16 remembered), at most 20 polls, at least 100 ms apart, inside it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600_000 }), { minLength: 1, maxLength: 16 }), (took) => {
        const due = dueWindow(took);
        if (!due) throw new Error('a history gives a window');
        expect(due.stepMs).toBeGreaterThanOrEqual(100);
        expect(due.endMs - due.startMs).toBeLessThanOrEqual(20 * due.stepMs + 1e-9);
        expect(due.startMs).toBeGreaterThanOrEqual(0.9 * Math.min(...took));
        expect(due.startMs).toBeLessThanOrEqual(0.9 * Math.max(...took));
      }),
    );
  });
});
