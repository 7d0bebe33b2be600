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

/**
 * The locks one request holds while it runs: renewed every third of the TTL, so a live worker
 * never loses them and a dead one frees them within one TTL. Renewal checks the fencing token, so
 * the worker a resumed request replaced learns it lost the lease and stops before its next call.
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
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(ttlMs / 3)));
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
