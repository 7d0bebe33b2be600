import type { DiskRequest } from './request.js';

/** What the sweeper needs from the service (narrow, so tests can drive it). */
export interface ExpiringService {
  expireDue(now?: number, limit?: number): Promise<DiskRequest[]>;
}

export interface ExpirySweeper {
  /** Runs one sweep now (also what the timer calls); overlapping calls share one run. */
  tick(): Promise<number>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

/**
 * Periodically expires overdue pending requests. Run it on every replica: each expiry is one
 * atomic transition, so when two replicas race for the same request exactly one succeeds and the
 * other skips it. Errors (e.g. Redis down) are reported and the next tick tries again.
 */
export function startExpirySweeper(options: {
  service: ExpiringService;
  intervalMs: number;
  batch?: number;
  onError?: (error: unknown) => void;
}): ExpirySweeper {
  let running: Promise<number> | undefined;
  let stopped = false;
  const tick = (): Promise<number> => {
    if (running) return running;
    running = (async () => {
      let total = 0;
      try {
        // Drain in batches so a backlog (e.g. after downtime) clears in one tick.
        for (;;) {
          const expired = await options.service.expireDue(undefined, options.batch ?? 100);
          total += expired.length;
          if (expired.length < (options.batch ?? 100) || stopped) break;
        }
      } catch (error) {
        options.onError?.(error);
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), Math.max(100, options.intervalMs));
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
