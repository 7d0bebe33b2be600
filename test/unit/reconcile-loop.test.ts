import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApprovalService } from '../../src/workflow/approval-service.js';
import { startReconciler } from '../../src/workflow/reconcile-loop.js';
import type { DiskRequest } from '../../src/workflow/request.js';

type Page = Awaited<ReturnType<ApprovalService['list']>>;

const page = (items: DiskRequest[]): Page => ({ ok: true, value: { items } });
const stuck = (id: string) => ({ id, state: 'approved', updatedAt: 0 }) as DiskRequest;

/** A request listing that answers only when the test releases it. */
function heldListing() {
  const releases: Array<(page: Page) => void> = [];
  const list = vi.fn(() => new Promise<Page>((resolve) => releases.push(resolve)));
  return { list, release: (p: Page) => releases.shift()?.(p) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('startReconciler', () => {
  it('does not start a second pass while one is still running, even when the interval fires again', async () => {
    vi.useFakeTimers();
    const listing = heldListing();
    const submit = vi.fn(async () => undefined);
    const reconciler = startReconciler({
      service: { list: listing.list },
      executor: { submit },
      clock: { now: () => 120_000 },
      settings: { olderThanMs: 1_000, scan: 500 },
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(listing.list).toHaveBeenCalledTimes(1);
    // The pass is slow: three more intervals go by while it waits for Redis.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(listing.list).toHaveBeenCalledTimes(1);
    listing.release(page([stuck('R-ONE')]));
    await vi.advanceTimersByTimeAsync(0);
    expect(submit).toHaveBeenCalledTimes(1);
    // Finished: the next interval starts a new pass.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(listing.list).toHaveBeenCalledTimes(2);
    listing.release(page([]));
    await reconciler.stop();
  });

  it('joins a pass in progress when ticked, and reports what it resubmitted', async () => {
    const listing = heldListing();
    const resubmitted: (readonly string[])[] = [];
    const reconciler = startReconciler({
      service: { list: listing.list },
      executor: { submit: async () => undefined },
      clock: { now: () => 120_000 },
      onResubmitted: (ids) => resubmitted.push(ids),
    });
    const first = reconciler.tick();
    const second = reconciler.tick();
    listing.release(page([stuck('R-ONE'), stuck('R-TWO')]));
    expect(await first).toEqual(['R-ONE', 'R-TWO']);
    expect(await second).toEqual(['R-ONE', 'R-TWO']);
    expect(listing.list).toHaveBeenCalledTimes(1);
    expect(resubmitted).toEqual([['R-ONE', 'R-TWO']]);
    await reconciler.stop();
  });

  it('reports a failed pass and tries again on the next tick', async () => {
    const errors: unknown[] = [];
    const list = vi
      .fn<ApprovalService['list']>()
      .mockRejectedValueOnce(new Error('redis down'))
      .mockResolvedValueOnce(page([stuck('R-ONE')]));
    const reconciler = startReconciler({
      service: { list },
      executor: { submit: async () => undefined },
      clock: { now: () => 120_000 },
      onError: (error) => errors.push(error),
    });
    expect(await reconciler.tick()).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(await reconciler.tick()).toEqual(['R-ONE']);
    await reconciler.stop();
  });

  it('stop waits for the pass in progress', async () => {
    const listing = heldListing();
    const reconciler = startReconciler({
      service: { list: listing.list },
      executor: { submit: async () => undefined },
      clock: { now: () => 120_000 },
    });
    const pass = reconciler.tick();
    let stopped = false;
    const stopping = reconciler.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    listing.release(page([]));
    await stopping;
    expect(await pass).toEqual([]);
  });
});
