import type { DiskInfo, EcsGateway } from '../cloud/gateway.js';
import type { Clock } from '../workflow/ports.js';
import { type ExecutionLogger, silentLogger } from './ports.js';

export interface DiskWatchOptions {
  /** Resolved as soon as this holds for the disk as last described (undefined: the disk is gone). */
  readonly until: (disk: DiskInfo | undefined) => boolean;
  /** Every fresh description, for per-instance progress. */
  readonly onUpdate?: (disk: DiskInfo | undefined) => void;
  readonly timeoutMs: number;
}

export interface DiskWatchResult {
  readonly done: boolean;
  /** The last description seen (undefined if none arrived or the disk is gone). */
  readonly disk: DiskInfo | undefined;
}

export interface DiskWatcherOptions {
  readonly clock: Clock;
  /** Shortest gap between two polls. */
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /**
   * Backoff: the next poll comes after this fraction of the youngest wait's age (clamped to the
   * interval bounds), so a wait learns of completion within ~20 % of the time it took, and a long
   * wait polls rarely.
   */
  readonly backoff: number;
  readonly logger?: ExecutionLogger;
}

export const DEFAULT_WATCHER = { minIntervalMs: 500, maxIntervalMs: 5_000, backoff: 0.2 } as const;

interface Waiter {
  readonly regionId: string;
  readonly diskId: string;
  readonly options: DiskWatchOptions;
  readonly since: number;
  readonly deadline: number;
  last: DiskInfo | undefined;
  resolve(result: DiskWatchResult): void;
}

/**
 * Waits for disk state changes for every request running in this process with ONE batched
 * DescribeDisks per tick (per region; the gateway splits more than 100 ids), instead of one poll
 * loop per request and instance. A failed poll is logged and retried at the next tick; each wait
 * ends at its own timeout.
 */
export class DiskWatcher {
  private readonly waiters = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private ticking = false;
  private closed = false;
  private readonly logger: ExecutionLogger;

  constructor(
    private readonly gateway: EcsGateway,
    private readonly options: DiskWatcherOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  watch(regionId: string, diskId: string, options: DiskWatchOptions): Promise<DiskWatchResult> {
    const now = this.options.clock.now();
    return new Promise((resolve) => {
      this.waiters.add({
        regionId,
        diskId,
        options,
        since: now,
        deadline: now + options.timeoutMs,
        last: undefined,
        resolve,
      });
      if (!this.ticking) this.schedule(this.options.minIntervalMs);
    });
  }

  /** Ends every wait as not done; used on shutdown. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.waiters) w.resolve({ done: false, disk: w.last });
    this.waiters.clear();
  }

  /** Keeps the earlier of the pending and the requested tick. */
  private schedule(delayMs: number): void {
    if (this.closed) return;
    const at = this.options.clock.now() + delayMs;
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private nextDelay(now: number): number {
    const { minIntervalMs, maxIntervalMs, backoff } = this.options;
    let youngest = Number.POSITIVE_INFINITY;
    let deadline = Number.POSITIVE_INFINITY;
    for (const w of this.waiters) {
      youngest = Math.min(youngest, now - w.since);
      deadline = Math.min(deadline, w.deadline - now);
    }
    const delay = Math.min(maxIntervalMs, Math.max(minIntervalMs, youngest * backoff));
    return Math.max(0, Math.min(delay, deadline));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.ticking = true;
    try {
      const regions = new Map<string, Set<string>>();
      for (const w of this.waiters) {
        const ids = regions.get(w.regionId) ?? new Set<string>();
        ids.add(w.diskId);
        regions.set(w.regionId, ids);
      }
      await Promise.all([...regions].map(([regionId, ids]) => this.poll(regionId, [...ids])));
      const now = this.options.clock.now();
      for (const w of this.waiters) {
        if (now < w.deadline) continue;
        this.waiters.delete(w);
        w.resolve({ done: false, disk: w.last });
      }
    } finally {
      this.ticking = false;
      if (this.waiters.size > 0) this.schedule(this.nextDelay(this.options.clock.now()));
    }
  }

  private async poll(regionId: string, diskIds: string[]): Promise<void> {
    const startedAt = this.options.clock.now();
    let disks: DiskInfo[];
    try {
      disks = await this.gateway.describeDisks({ regionId, diskIds });
    } catch (error) {
      this.logger.warn({ err: error, regionId, disks: diskIds.length }, 'disk_watch_poll_failed');
      return;
    }
    const byId = new Map(disks.map((d) => [d.diskId, d]));
    for (const w of this.waiters) {
      // A wait that began after this poll was sent could be answered by a view from before its call.
      if (w.regionId !== regionId || w.since > startedAt) continue;
      const disk = byId.get(w.diskId);
      w.last = disk;
      w.options.onUpdate?.(disk);
      if (!w.options.until(disk)) continue;
      this.waiters.delete(w);
      w.resolve({ done: true, disk });
    }
  }
}
