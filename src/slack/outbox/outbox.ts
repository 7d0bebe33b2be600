import type { webApi } from '@slack/bolt';
import {
  type ClaimedEntry,
  OUTBOX_LANES,
  type OutboxLane,
  type OutboxStore,
  type PutMode,
} from '../../app/ports.js';
import type { Logger } from '../../logger.js';
import type { CardRef } from '../../workflow/request.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import { DEFAULT_PACING, type PacingRules, WriteGates } from './pacing.js';
import {
  type CardLookup,
  callFor,
  cardEntryId,
  classify,
  type OutboxWrite,
  type SlackCall,
} from './writes.js';

/** What became of one write: accepted (with the message's coordinates) or given up. */
export type Delivery =
  | { readonly ok: true; readonly channel?: string; readonly ts?: string }
  | { readonly ok: false; readonly error: string };

export interface OutboxOptions {
  readonly store: OutboxStore;
  /** A Web API client with its own retries off: the outbox decides when to try again. */
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly cardOf: CardLookup;
  /** Records a posted card's coordinates (the attachCard script). */
  readonly attachCard: (requestId: string, card: CardRef) => Promise<void>;
  /**
   * A request's card could not be posted: Slack refused it for good, or it was still owed after
   * `cardDeadlineMs`. The request must not wait for approval unseen.
   */
  readonly onCardAbandoned: (requestId: string, reason: string) => Promise<void>;
  readonly cardDeadlineMs: number;
  readonly logger: Logger;
  readonly metrics: OutboxMetrics;
  readonly pacing?: PacingRules;
  /** How often the outbox looks for writes other replicas (or a previous run) left (ms). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

const LEASE_MS = 30_000;
const PEEK = 200;

/**
 * Every Slack write the bot owes goes through here: recorded in Redis before it is attempted,
 * removed once Slack accepts it. The critical lane (cards, outcome posts) is always looked at
 * first; within a gate (a post method in one channel, or any other method) writes go in order,
 * one at a time, each gate paced and held back by its own Retry-After, so a 429 in one channel
 * never stalls another. Replicas share the entries; a claim's lease keeps two from sending one.
 */
export class SlackOutbox {
  private readonly gates: WriteGates;
  private readonly busyGates = new Set<string>();
  private readonly sending = new Set<string>();
  private readonly waiters = new Map<string, Set<(delivery: Delivery) => void>>();
  private readonly now: () => number;
  private pumping: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private outageSince: number | undefined;

  constructor(private readonly options: OutboxOptions) {
    this.gates = new WriteGates(options.pacing ?? DEFAULT_PACING);
    this.now = options.now ?? Date.now;
    options.metrics.setDepthSource(async () => {
      const depth = await options.store.depth();
      const oldest = depth.oldestCreatedAt;
      return { lanes: depth.lanes, oldestAgeMs: oldest === undefined ? 0 : Math.max(0, this.now() - oldest) };
    });
  }

  /** A card not posted and no longer owed (given up) is as good as none: its thread posts go. */
  private readonly cardOf: CardLookup = async (requestId) => {
    const card = await this.options.cardOf(requestId);
    if (card !== null) return card;
    return (await this.options.store.has(cardEntryId(requestId))) ? null : undefined;
  };

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.wake);
    await this.pumping;
  }

  /**
   * Records `write` under `id` and starts sending it. `once`: sent at most once per id; `latest`:
   * the newest state of a message, replacing one not sent yet; `replace`: only replaces.
   */
  async put(id: string, write: OutboxWrite, lane: OutboxLane, mode: PutMode): Promise<void> {
    await this.options.store.put({ id, payload: JSON.stringify(write), lane, mode, now: this.now() });
    this.kick();
  }

  /** Resolves when this process settles `id`, or with undefined after `timeoutMs`. */
  delivered(id: string, timeoutMs: number): Promise<Delivery | undefined> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = (delivery: Delivery | undefined) => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        resolve(delivery);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs).unref();
      set.add(done);
    });
  }

  /** Looks for due writes now (a write was queued, a send ended, a gate opened). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => (this.pumping = undefined));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.kick();
      this.schedule(this.options.pollMs ?? 500);
    }, ms);
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      try {
        const wakeIn = await this.pass();
        if (wakeIn !== undefined) this.wakeAt(wakeIn);
      } catch (error) {
        this.options.logger.warn({ event: 'slack.outbox_pass_failed', err: error }, 'outbox pass failed');
      }
    } while (this.again && !this.stopped);
  }

  private wake: NodeJS.Timeout | undefined;
  private wakeAt(ms: number): void {
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.kick(), Math.max(1, ms));
  }

  /** One look at both lanes; returns when the earliest held-back gate opens. */
  private async pass(): Promise<number | undefined> {
    const { store } = this.options;
    const held = new Set<string>();
    let wakeIn: number | undefined;
    this.gates.prune(this.now());
    for (const lane of OUTBOX_LANES) {
      const ids = (await store.waiting(lane, PEEK)).filter((id) => !this.sending.has(id));
      for (const entry of await store.peek(ids)) {
        if (this.stopped) return undefined;
        const call = await callFor(JSON.parse(entry.payload) as OutboxWrite, this.cardOf);
        if (call === 'wait') continue;
        const gate = call === 'drop' ? undefined : call.gate;
        // Background writes leave a burst slot free: the next card or result goes out at once.
        const spare = lane === 'background' ? 1 : 0;
        if (
          gate &&
          (held.has(gate) || this.busyGates.has(gate) || this.gates.waitMs(gate, this.now(), spare) > 0)
        ) {
          // A card past its deadline is given up even while its gate is held back.
          const overdue =
            call !== 'drop' && call.postsCard && this.now() - entry.createdAt > this.options.cardDeadlineMs;
          if (!overdue) {
            // Later writes through the same gate stay behind this one: order is kept per gate.
            held.add(gate);
            const wait = this.gates.waitMs(gate, this.now(), spare);
            if (wait > 0) wakeIn = Math.min(wakeIn ?? wait, wait);
            continue;
          }
        }
        const claimed = await store.claim(entry.id, this.now(), LEASE_MS);
        if (!claimed) continue;
        if (gate) held.add(gate);
        this.dispatch(claimed, gate);
      }
    }
    return wakeIn;
  }

  /** Sends one claimed entry; its current payload decides the call (a card may be up by now). */
  private dispatch(claimed: ClaimedEntry, peekedGate: string | undefined): void {
    this.sending.add(claimed.id);
    // Marked busy before anything is awaited, so the next pass cannot send through it too.
    if (peekedGate) this.busyGates.add(peekedGate);
    let gate: string | undefined;
    const run = async () => {
      const call = await callFor(JSON.parse(claimed.payload) as OutboxWrite, this.cardOf);
      if (call === 'drop') return this.settle(claimed, 'done', { ok: false, error: 'request_gone' });
      if (call === 'wait') return void (await this.options.store.settle(claimed, 'release'));
      if (call.postsCard && this.now() - claimed.createdAt > this.options.cardDeadlineMs)
        return this.abandon(claimed, call.postsCard, 'slack_unavailable');
      gate = call.gate;
      this.busyGates.add(gate);
      this.gates.sent(gate, this.now());
      await this.send(claimed, call);
    };
    void run()
      .catch((error: unknown) => {
        this.options.logger.warn(
          { event: 'slack.outbox_send_failed', id: claimed.id, err: error },
          'outbox send failed',
        );
        return this.options.store.settle(claimed, 'release').catch(() => undefined);
      })
      .finally(() => {
        if (peekedGate) this.busyGates.delete(peekedGate);
        if (gate) this.busyGates.delete(gate);
        this.sending.delete(claimed.id);
        this.kick();
      });
  }

  private async send(claimed: ClaimedEntry, call: SlackCall): Promise<void> {
    const { client, logger, metrics } = this.options;
    const attempt = (args: Record<string, unknown>) =>
      client.apiCall(call.method, { token: this.options.token(), ...args });
    try {
      let result: webApi.WebAPICallResult;
      try {
        result = await attempt(call.args);
      } catch (error) {
        const failure = classify(error);
        if (failure.kind !== 'refused_payload' || !call.fallbackArgs) throw error;
        logger.warn(
          { event: 'slack.outbox_fallback', id: claimed.id, method: call.method, error: failure.code },
          'Slack refused the message; sending its plain form',
        );
        result = await attempt(call.fallbackArgs);
      }
      this.gates.accepted(call.gate);
      this.reachable();
      const { channel, ts } = result as { channel?: unknown; ts?: unknown };
      const where = typeof channel === 'string' && typeof ts === 'string' ? { channel, ts } : undefined;
      if (call.postsCard && where)
        await this.options.attachCard(call.postsCard, { channelId: where.channel, ts: where.ts });
      await this.settle(claimed, 'done', { ok: true, ...where });
    } catch (error) {
      const failure = classify(error);
      const now = this.now();
      switch (failure.kind) {
        case 'rate_limited':
          metrics.rateLimited.inc({ method: call.method });
          this.gates.rateLimited(call.gate, failure.retryAfterSec, now);
          await this.options.store.settle(claimed, 'retry');
          return;
        case 'transient': {
          metrics.failures.inc({ method: call.method, code: failure.code });
          const backoffMs = this.gates.failed(call.gate, now);
          this.unreachable(failure.code, call.method);
          logger.debug(
            {
              event: 'slack.outbox_retry',
              id: claimed.id,
              method: call.method,
              error: failure.code,
              backoffMs,
            },
            'Slack write failed; retrying',
          );
          await this.options.store.settle(claimed, 'retry');
          return;
        }
        default: {
          metrics.failures.inc({ method: call.method, code: failure.code });
          logger.warn(
            { event: 'slack.outbox_refused', id: claimed.id, method: call.method, error: failure.code },
            'Slack refused the write; it will not be sent again',
          );
          if (call.postsCard) await this.abandon(claimed, call.postsCard, failure.code);
          else await this.settle(claimed, 'done', { ok: false, error: failure.code });
        }
      }
    }
  }

  /** Gives a card up: the entry goes first, so the cancellation's own card state is not queued. */
  private async abandon(claimed: ClaimedEntry, requestId: string, reason: string): Promise<void> {
    await this.options.store.settle(claimed, 'drop');
    this.options.logger.warn(
      { event: 'slack.card_abandoned', requestId, reason, ageMs: this.now() - claimed.createdAt },
      'approval card could not be posted; the request is cancelled',
    );
    await this.options
      .onCardAbandoned(requestId, reason)
      .catch((error: unknown) =>
        this.options.logger.error(
          { event: 'slack.card_abandon_failed', requestId, err: error },
          'cancel failed',
        ),
      );
    this.notify(claimed.id, { ok: false, error: reason });
  }

  private async settle(claimed: ClaimedEntry, outcome: 'done', delivery: Delivery): Promise<void> {
    await this.options.store.settle(claimed, outcome);
    this.notify(claimed.id, delivery);
  }

  private notify(id: string, delivery: Delivery): void {
    for (const waiter of [...(this.waiters.get(id) ?? [])]) waiter(delivery);
  }

  private unreachable(code: string, method: string): void {
    if (this.outageSince !== undefined) return;
    this.outageSince = this.now();
    this.options.metrics.reachable.set(0);
    this.options.logger.warn(
      { event: 'slack.unavailable', method, error: code },
      'Slack is failing writes; they stay in the outbox and go out when it answers (the bot stays ready)',
    );
  }

  private reachable(): void {
    if (this.outageSince === undefined) return;
    this.options.logger.info(
      { event: 'slack.recovered', outageMs: this.now() - this.outageSince },
      'Slack accepts writes again; the outbox drains',
    );
    this.outageSince = undefined;
    this.options.metrics.reachable.set(1);
  }
}
