import type { Executor } from './ports.js';
import type { DiskRequest } from './request.js';

/** What the card says while no real executor is wired in. */
export const PENDING_EXECUTOR_NOTE = 'Approved; waiting for the executor (execution is not available yet).';

/**
 * Stand-in `Executor` until the execution issue lands: it runs nothing and says so. It remembers
 * which requests were handed over so the UI (and tests) can state honestly that they are approved
 * and waiting.
 */
export class PendingExecutor implements Executor {
  private readonly waiting = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async submit(request: DiskRequest): Promise<void> {
    if (!this.waiting.has(request.id)) this.waiting.set(request.id, this.now());
  }

  /** Ids handed over, in submission order. */
  get submitted(): readonly string[] {
    return [...this.waiting.keys()];
  }

  isWaiting(requestId: string): boolean {
    return this.waiting.has(requestId);
  }

  readonly note = PENDING_EXECUTOR_NOTE;
}
