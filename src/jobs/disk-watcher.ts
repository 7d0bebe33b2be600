import type { DiskInfo, EcsGateway } from '../cloud/gateway.js';
import type { Clock } from '../workflow/ports.js';
import { type ExecutionLogger, silentLogger } from './ports.js';

export interface DiskWatchOptions {
  /** Resolved as soon as this holds for the disk as last described (undefined: the disk is gone). */
  readonly until: (disk: DiskInfo | undefined) => boolean;
  /** Every fresh description, for per-instance progress. */
  readonly onUpdate?: (disk: DiskInfo | undefined) => void;
  readonly timeoutMs: number;
  /**
   * What the wait is for (`AttachDisk`): waits with the same label learn from each other how long
   * the change takes, and are polled densely when it is due instead of at the backoff's pace.
   */
  readonly learn?: string;
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

/** How many finished waits of one label the schedule learns from. */
const REMEMBERED = 16;
/** Dense polling never comes closer together than this. */
const DENSE_FLOOR_MS = 100;

/** The most polls a due window asks for: an outlier in the history cannot make it a busy loop. */
const DENSE_POLLS = 20;

/**
 * When a change of this label is due, from how long the recent ones took: from a little before the
 * quicker quarter until well past the slower quarter (at most DENSE_POLLS polls), every 5 % of the
 * typical time. Between polls of the slow backoff a change is seen up to a fifth of its age late; an
 * attach seen 0.5 s late makes 16 attaches look slower than one only because one of them was lucky.
 */
export interface DueWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

export function dueWindow(tookMs: readonly number[]): DueWindow | undefined {
  if (tookMs.length === 0) return undefined;
  const sorted = [...tookMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))] ?? 0;
  const stepMs = Math.max(DENSE_FLOOR_MS, 0.05 * at(0.5));
  const startMs = 0.9 * at(0.25);
  return { startMs, endMs: Math.min(1.5 * at(0.75), startMs + DENSE_POLLS * stepMs), stepMs };
}

interface Waiter {
  readonly regionId: string;
  readonly diskId: string;
  readonly options: DiskWatchOptions;
  readonly since: number;
  readonly deadline: number;
  /** Learned when the wait began; undefined: the backoff alone. */
  readonly due: DueWindow | undefined;
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
  /** How long recent waits took, by label, newest last. */
  private readonly took = new Map<string, number[]>();

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
        due: options.learn === undefined ? undefined : dueWindow(this.took.get(options.learn) ?? []),
        last: undefined,
        resolve,
      });
      if (!this.ticking) this.schedule(this.nextDelay(now));
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

  /** The soonest poll any wait asks for: its deadline, its learned window, or the backoff. */
  private nextDelay(now: number): number {
    let delay = Number.POSITIVE_INFINITY;
    for (const w of this.waiters)
      delay = Math.min(delay, this.waiterDelay(w, now - w.since), w.deadline - now);
    return Math.max(0, delay);
  }

  private waiterDelay(w: Waiter, age: number): number {
    const { minIntervalMs, maxIntervalMs, backoff } = this.options;
    const paced = Math.min(maxIntervalMs, Math.max(minIntervalMs, age * backoff));
    const due = w.due;
    if (!due || age >= due.endMs) return paced;
    // Before the window nothing is expected: the next poll is its start (at most the longest gap).
    if (age < due.startMs) return Math.min(maxIntervalMs, due.startMs - age);
    return due.stepMs;
  }

  /** A wait with a label ended done: its age teaches the label's next waits when to look. */
  private learned(w: Waiter, now: number): void {
    const label = w.options.learn;
    if (label === undefined) return;
    const took = this.took.get(label) ?? [];
    took.push(now - w.since);
    if (took.length > REMEMBERED) took.shift();
    this.took.set(label, took);
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
      this.learned(w, startedAt);
      w.resolve({ done: true, disk });
    }
  }
}
