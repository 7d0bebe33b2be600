import type { ApprovalService } from './approval-service.js';
import type { Clock, Executor } from './ports.js';
import { DEFAULT_RECONCILE, type ReconcileOptions, resubmitStuckApproved } from './reconciler.js';

export interface Reconciler {
  /** Runs one pass now (also what the timer calls); a call during a pass joins it instead of starting another. */
  tick(): Promise<string[]>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Resubmits stuck approved requests every `olderThanMs`. A pass can outlast the interval (a slow
 * Redis, hundreds of requests to page through): the next tick then joins the running pass, so two
 * passes never submit the same request side by side.
 */
export function startReconciler(options: {
  service: Pick<ApprovalService, 'list'>;
  executor: Executor;
  clock: Clock;
  settings?: ReconcileOptions;
  onResubmitted?: (ids: readonly string[]) => void;
  onError?: (error: unknown) => void;
}): Reconciler {
  const settings = options.settings ?? DEFAULT_RECONCILE;
  let running: Promise<string[]> | undefined;
  const tick = (): Promise<string[]> => {
    if (running) return running;
    running = (async () => {
      try {
        const ids = await resubmitStuckApproved(
          options.service,
          options.executor,
          options.clock.now(),
          settings,
        );
        if (ids.length > 0) options.onResubmitted?.(ids);
        return ids;
      } catch (error) {
        options.onError?.(error);
        return [];
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), settings.olderThanMs);
  timer.unref();
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
