import { describe, expect, it, vi } from 'vitest';
import { startExpirySweeper } from '../../src/workflow/expiry-sweeper.js';
import type { DiskRequest } from '../../src/workflow/request.js';

const fake = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `R-X${i}` }) as DiskRequest);

describe('startExpirySweeper', () => {
  it('drains a backlog in batches within one tick', async () => {
    const batches = [fake(10), fake(10), fake(3)];
    const service = { expireDue: vi.fn(async () => batches.shift() ?? []) };
    const sweeper = startExpirySweeper({ service, intervalMs: 60_000, batch: 10 });
    expect(await sweeper.tick()).toBe(23);
    expect(service.expireDue).toHaveBeenCalledTimes(3);
    await sweeper.stop();
  });

  it('overlapping ticks share one run', async () => {
    let release: (v: DiskRequest[]) => void = () => undefined;
    const service = { expireDue: vi.fn(() => new Promise<DiskRequest[]>((r) => (release = r))) };
    const sweeper = startExpirySweeper({ service, intervalMs: 60_000 });
    const a = sweeper.tick();
    const b = sweeper.tick();
    release(fake(1));
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(service.expireDue).toHaveBeenCalledTimes(1);
    await sweeper.stop();
  });

  it('reports errors and keeps going on the next tick', async () => {
    const errors: unknown[] = [];
    const service = {
      expireDue: vi.fn().mockRejectedValueOnce(new Error('redis down')).mockResolvedValueOnce(fake(2)),
    };
    const sweeper = startExpirySweeper({ service, intervalMs: 60_000, onError: (e) => errors.push(e) });
    expect(await sweeper.tick()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(await sweeper.tick()).toBe(2);
    await sweeper.stop();
  });

  it('runs on its interval until stopped', async () => {
    vi.useFakeTimers();
    try {
      const service = { expireDue: vi.fn(async () => [] as DiskRequest[]) };
      const sweeper = startExpirySweeper({ service, intervalMs: 1000 });
      await vi.advanceTimersByTimeAsync(3500);
      expect(service.expireDue).toHaveBeenCalledTimes(3);
      await sweeper.stop();
      await vi.advanceTimersByTimeAsync(5000);
      expect(service.expireDue).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
