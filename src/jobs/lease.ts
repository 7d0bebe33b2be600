import { CodedError } from '../errors.js';
import type { LockResource, RedisLocks } from '../store/locks.js';
import type { ExecutionLogger } from './ports.js';

/** Thrown before a mutation when another worker has taken the request over (or the TTL ran out). */
export class LeaseLostError extends CodedError {
  constructor(requestId: string) {
    super('lease_lost', `The locks of ${requestId} were taken over or expired; this worker stops.`, {
      retryable: true,
    });
  }
}

/** The most a worker that lost its request to another one goes on before it learns so. */
export const MAX_RENEW_INTERVAL_MS = 2_000;

/** Every third of the TTL, and at least every MAX_RENEW_INTERVAL_MS. */
export function renewIntervalMs(ttlMs: number): number {
  return Math.max(100, Math.min(Math.floor(ttlMs / 3), MAX_RENEW_INTERVAL_MS));
}

/**
 * The locks one request holds while it runs: renewed every third of the TTL and at least every
 * 2 s, so a live worker never loses them (it may stall for TTL − interval) and a dead one frees
 * them within one TTL. Renewal checks the fencing token, so the worker a resumed request replaced
 * learns within one interval that it lost the lease, and stops before its next mutation.
 */
export class Lease {
  private lost = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly locks: RedisLocks,
    private readonly owner: string,
    readonly token: number,
    private readonly resources: readonly LockResource[],
    private readonly ttlMs: number,
    private readonly logger: ExecutionLogger,
  ) {
    this.timer = setInterval(() => void this.renew(), renewIntervalMs(ttlMs));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    try {
      if (!(await this.locks.renew(this.owner, this.token, this.resources, this.ttlMs))) {
        this.lost = true;
        this.logger.warn({ requestId: this.owner, token: this.token }, 'lease_lost');
      }
    } catch (error) {
      // Redis unreachable: keep the lease until it is known to be lost; the TTL bounds the risk.
      this.logger.warn({ err: error, requestId: this.owner }, 'lease_renew_failed');
    }
  }

  /** Call before every mutation. */
  assertHeld(): void {
    if (this.lost) throw new LeaseLostError(this.owner);
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.lost) await this.locks.release(this.owner, this.token, this.resources);
  }
}
