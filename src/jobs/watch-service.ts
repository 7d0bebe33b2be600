/**
 * The watcher (issue 13): exactly one replica leads, through a Redis lease with a fencing token;
 * every `watch.interval` the leader observes every watched disk, compares with the last state,
 * commits the new state and incident changes in one token-guarded script, and only then posts.
 * A stale leader's commit is refused, so it writes and posts nothing.
 */
import { randomUUID } from 'node:crypto';
import type { AssistantTiming } from '../cloud/assistant.js';
import { DEFAULT_ASSISTANT_TIMING } from '../cloud/assistant.js';
import type { EcsGateway } from '../cloud/gateway.js';
import { meteredGateway } from '../cloud/metered-gateway.js';
import type { AlertMessageRef, CycleCommit, RedisWatchStore, WatchEntry } from '../store/watch-store.js';
import type { Clock } from '../workflow/ports.js';
import type { WatchPolicy } from '../workflow/watch-policy.js';
import {
  type AttachmentNotice,
  diffIncidents,
  evaluate,
  INCIDENT_KINDS,
  type IncidentRecord,
} from '../workflow/watch-rules.js';
import { type ExecutionLogger, silentLogger } from './ports.js';
import type { WatchMetrics } from './watch-metrics.js';
import { observeDisks } from './watch-observe.js';

export type AlertPhase = 'opened' | 'reminder' | 'resolved';

/** How an incident ended: what the resolution names, and the alerts whose buttons it takes away. */
export interface IncidentResolution {
  readonly resolvedAt: number;
  /** Bot requests that ran on the disk while the incident was open, oldest first. */
  readonly requestIds: readonly string[];
  readonly alerts: readonly AlertMessageRef[];
}

/** Posts what the watcher found; a failure is logged and an unposted opening is retried next cycle. */
export interface WatchNotifier {
  /** Returns the messages posted, so the resolution can end them. */
  incident(phase: 'opened' | 'reminder', incident: IncidentRecord): Promise<readonly AlertMessageRef[]>;
  resolved(incident: IncidentRecord, resolution: IncidentResolution): Promise<void>;
  attachmentsChanged(entry: WatchEntry, notice: AttachmentNotice): Promise<void>;
}

export interface WatchServiceOptions {
  readonly store: RedisWatchStore;
  readonly gateway: EcsGateway;
  readonly settings: WatchPolicy;
  readonly fencingMode: 'reservation' | 'detach';
  readonly notifier: WatchNotifier;
  readonly clock: Clock;
  /** Cloud Assistant Timeout ceiling (the watch uses at most half its interval). */
  readonly assistantTimeoutSec: number;
  readonly timing?: AssistantTiming;
  readonly logger?: ExecutionLogger;
  readonly metrics?: WatchMetrics;
  /** Replica id (default: random). */
  readonly owner?: string;
}

export interface CycleReport {
  readonly disks: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly ms: number;
  readonly committed: boolean;
  readonly opened: number;
  readonly resolved: number;
  readonly reminded: number;
  readonly notices: number;
}

export class WatchService {
  readonly owner: string;
  private token = 0;
  private timer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private cycleWaiters: ((report: CycleReport) => void)[] = [];
  private readonly logger: ExecutionLogger;

  constructor(private readonly options: WatchServiceOptions) {
    this.owner = options.owner ?? `watch-${randomUUID()}`;
    this.logger = options.logger ?? silentLogger;
  }

  get intervalMs(): number {
    return this.options.settings.interval;
  }

  /** The lease outlives one interval by half, so a dead leader is replaced within two intervals. */
  private get ttlMs(): number {
    return Math.floor(this.intervalMs * 1.5);
  }

  get isLeader(): boolean {
    return this.token > 0;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(500, Math.floor(this.ttlMs / 3)));
    this.renewTimer.unref();
  }

  /** Stops the loop, waits for a cycle in flight, and frees the lease for another replica. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.renewTimer);
    await this.running?.catch(() => undefined);
    if (this.token > 0) await this.options.store.release(this.owner, this.token).catch(() => false);
    this.token = 0;
  }

  /**
   * Simulates a crash (tests): the loop stops and the lease is left to expire; resolves once a cycle
   * in flight has ended, so nothing of this replica runs afterwards.
   */
  async abandon(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.renewTimer);
    await this.running?.catch(() => undefined);
  }

  /**
   * Resolves with the report of the next cycle this replica's loop completes (one already in flight
   * counts). Whoever must know that a cycle has run, e.g. to check that it posted nothing, waits for
   * this instead of guessing a duration.
   */
  nextCycle(): Promise<CycleReport> {
    return new Promise((resolve) => this.cycleWaiters.push(resolve));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.token === 0) return;
    try {
      const token = await this.options.store.lease(this.owner, this.token, this.ttlMs);
      if (token !== this.token) {
        this.logger.warn({ owner: this.owner, token: this.token }, 'watch_lease_lost');
        this.token = 0;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'watch_lease_renew_failed');
    }
  }

  private async tick(): Promise<void> {
    const started = this.options.clock.now();
    try {
      this.token = await this.options.store.lease(this.owner, this.token, this.ttlMs);
      if (this.token > 0) {
        const report = await this.runCycle(this.token);
        for (const resolve of this.cycleWaiters.splice(0)) resolve(report);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'watch_cycle_failed');
    }
    const elapsed = this.options.clock.now() - started;
    // A follower asks again every half interval; the leader keeps the cadence.
    this.schedule(this.token > 0 ? Math.max(0, this.intervalMs - elapsed) : Math.floor(this.intervalMs / 2));
  }

  /** One cycle under `token`; exported for the benchmark and tests. */
  async runCycle(token: number): Promise<CycleReport> {
    const { store, clock, settings } = this.options;
    const startedMs = performance.now();
    const calls: Record<string, number> = {};
    const gateway = meteredGateway(this.options.gateway, ({ action }) => {
      calls[action] = (calls[action] ?? 0) + 1;
    });
    const [entries, states, open, activity] = await Promise.all([
      store.list(),
      store.states(),
      store.incidents(),
      store.activity(clock.now()),
    ]);
    const timeoutSec = Math.max(
      1,
      Math.min(this.options.assistantTimeoutSec, Math.floor(this.intervalMs / 2000)),
    );
    // Not latency-critical: poll results rarely, so 30 invocations cost few calls of the budget.
    const timing = this.options.timing ?? {
      ...DEFAULT_ASSISTANT_TIMING,
      pollMinMs: 500,
      pollMaxMs: 5_000,
      backoff: 0.5,
      graceMs: Math.min(DEFAULT_ASSISTANT_TIMING.graceMs, Math.floor(this.intervalMs / 4)),
    };
    const observations = await observeDisks(gateway, entries, { timeoutSec, timing });
    const now = clock.now();
    const commit: {
      states: [string, ReturnType<typeof evaluate>['state']][];
      opened: IncidentRecord[];
      resolved: IncidentRecord[];
      reminded: IncidentRecord[];
      notices: [WatchEntry, AttachmentNotice][];
    } = { states: [], opened: [], resolved: [], reminded: [], notices: [] };
    for (const entry of entries) {
      const observation = observations.get(entry.diskId);
      if (!observation) continue;
      const previous = states.get(entry.diskId);
      const evaluation = evaluate({
        observation,
        ...(previous ? { previous } : {}),
        botActive: previous !== undefined && (activity.get(entry.diskId) ?? 0) >= previous.at,
        missedBeforeAlert: settings.missedBeforeAlert,
        fencingMode: this.options.fencingMode,
        ...(entry.primary ? { namedPrimary: entry.primary } : {}),
        now,
      });
      const diff = diffIncidents({
        diskId: entry.diskId,
        channelId: entry.channelId,
        open: open.filter((i) => i.diskId === entry.diskId),
        evaluation,
        now,
        remindAfterMs: settings.remindAfter,
        botRunning: activity.get(entry.diskId) === Number.POSITIVE_INFINITY,
      });
      commit.states.push([entry.diskId, evaluation.state]);
      commit.opened.push(...diff.opened);
      commit.resolved.push(...diff.resolved);
      commit.reminded.push(...diff.reminded);
      if (evaluation.notice) commit.notices.push([entry, evaluation.notice]);
    }
    const record: CycleCommit = {
      at: now,
      states: commit.states,
      opened: commit.opened,
      resolved: commit.resolved,
      reminded: commit.reminded,
      notices: commit.notices.map(([e, n]) => [
        e.diskId,
        { added: n.added.map((a) => a.instanceId), removed: [...n.removed] },
      ]),
    };
    const committed = await store.commit(token, record);
    if (!committed) {
      this.logger.warn({ owner: this.owner, token }, 'watch_commit_refused_stale_leader');
      if (this.token === token) this.token = 0;
    } else {
      const resolvedKeys = new Set(commit.resolved.map((i) => `${i.diskId}:${i.kind}`));
      // Openings a dead leader committed but never posted are posted now.
      const unposted = open.filter((i) => !i.notified && !resolvedKeys.has(`${i.diskId}:${i.kind}`));
      await this.notify(token, commit, unposted);
    }
    const ms = performance.now() - startedMs;
    this.record(entries.length, calls, ms, open, commit);
    return {
      disks: entries.length,
      calls,
      ms,
      committed,
      opened: commit.opened.length,
      resolved: commit.resolved.length,
      reminded: commit.reminded.length,
      notices: commit.notices.length,
    };
  }

  private async notify(
    token: number,
    c: {
      opened: IncidentRecord[];
      resolved: IncidentRecord[];
      reminded: IncidentRecord[];
      notices: [WatchEntry, AttachmentNotice][];
    },
    unposted: IncidentRecord[],
  ): Promise<void> {
    const { notifier, store, clock } = this.options;
    const post = async (phase: AlertPhase, incident: IncidentRecord) => {
      try {
        if (phase === 'resolved') {
          const [alerts, requestIds] = await Promise.all([
            store.takeAlertMessages(incident),
            store.requestsOn(incident.diskId, incident.openedAt),
          ]);
          await notifier.resolved(incident, { resolvedAt: clock.now(), requestIds, alerts });
        } else await store.addAlertMessages(incident, await notifier.incident(phase, incident));
        this.options.metrics?.alerts.inc({ kind: incident.kind, phase });
        if (phase === 'opened') await store.markNotified(token, incident);
      } catch (error) {
        this.logger.warn(
          { err: error, diskId: incident.diskId, kind: incident.kind, phase },
          'watch_alert_failed',
        );
      }
    };
    await Promise.all([
      ...[...c.opened, ...unposted].map((i) => post('opened', i)),
      ...c.reminded.map((i) => post('reminder', i)),
      ...c.resolved.filter((i) => i.notified).map((i) => post('resolved', i)),
      ...c.notices.map(async ([entry, notice]) => {
        try {
          await notifier.attachmentsChanged(entry, notice);
          this.options.metrics?.alerts.inc({ kind: 'attachments', phase: 'notice' });
        } catch (error) {
          this.logger.warn({ err: error, diskId: entry.diskId }, 'watch_notice_failed');
        }
      }),
    ]);
  }

  private record(
    disks: number,
    calls: Record<string, number>,
    ms: number,
    open: readonly IncidentRecord[],
    c: { opened: IncidentRecord[]; resolved: IncidentRecord[] },
  ): void {
    const m = this.options.metrics;
    if (!m) return;
    m.cycleSeconds.observe(ms / 1000);
    m.watchedDisks.set(disks);
    m.cycleCalls.reset();
    for (const [action, n] of Object.entries(calls)) {
      m.cycleCalls.set({ action }, n);
      m.calls.inc({ action }, n);
    }
    const resolved = new Set(c.resolved.map((i) => `${i.diskId}:${i.kind}`));
    const still = [...open.filter((i) => !resolved.has(`${i.diskId}:${i.kind}`)), ...c.opened];
    for (const kind of INCIDENT_KINDS)
      m.openIncidents.set({ kind }, still.filter((i) => i.kind === kind).length);
  }
}
