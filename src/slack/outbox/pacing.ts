/**
 * When the next Slack write through one gate may go out. A gate is what Slack rate-limits as one:
 * a post method per channel (`chat.postMessage` allows about one message per second per channel,
 * short bursts allowed), every other method as a whole (Slack's tiers are per method). Pure: the
 * caller passes the time, so the rules are tested without waiting.
 */
export interface PacingRules {
  /** Posts per second per channel once the burst is spent. */
  readonly postsPerSecond: number;
  /**
   * Posts that may go back to back to a quiet channel. Writes nobody waits for (progress lines)
   * leave the last of them free, so a card or a result is not paced behind them.
   */
  readonly postBurst: number;
  /** First back-off after a 5xx or network error; doubled per consecutive failure. */
  readonly backoffBaseMs: number;
  /** The back-off never exceeds this (plus jitter): a recovered Slack is used again quickly. */
  readonly backoffCapMs: number;
}

export const DEFAULT_PACING: PacingRules = {
  postsPerSecond: 1,
  postBurst: 3,
  backoffBaseMs: 250,
  backoffCapMs: 4_000,
};

/** Methods Slack paces per channel; their gate is `method:channel`. */
const PER_CHANNEL = new Set(['chat.postMessage', 'chat.postEphemeral']);

export function gateOf(method: string, channel: string | undefined): string {
  return PER_CHANNEL.has(method) && channel ? `${method}:${channel}` : method;
}

interface GateState {
  /** Nothing is sent through the gate before this time (Retry-After or a back-off). */
  blockedUntil: number;
  /** Theoretical arrival time of the next paced post (GCRA): bursts up to `postBurst`. */
  tat: number;
  failures: number;
}

export class WriteGates {
  private readonly gates = new Map<string, GateState>();

  constructor(
    private readonly rules: PacingRules = DEFAULT_PACING,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Milliseconds before a write may go through `gate` (0: now). `spare`: burst slots this write
   * must leave free for more urgent ones (a paced gate always lets one write through).
   */
  waitMs(gate: string, now: number, spare = 0): number {
    const state = this.gates.get(gate);
    if (!state) return 0;
    const paced = this.isPaced(gate) ? state.tat - this.burstWindow(spare) - now : 0;
    return Math.max(0, state.blockedUntil - now, paced);
  }

  /** A write is going out now: it spends one paced slot. */
  sent(gate: string, now: number): void {
    const state = this.state(gate, now);
    if (this.isPaced(gate)) state.tat = Math.max(state.tat, now) + 1000 / this.rules.postsPerSecond;
  }

  /** Slack accepted a write: the gate's failure streak ends. */
  accepted(gate: string): void {
    const state = this.gates.get(gate);
    if (state) state.failures = 0;
  }

  /** 429: exactly `Retry-After`, nothing added; the failure streak is not a server failure. */
  rateLimited(gate: string, retryAfterSec: number, now: number): void {
    const state = this.state(gate, now);
    state.blockedUntil = Math.max(state.blockedUntil, now + retryAfterSec * 1000);
  }

  /** 5xx or network error: exponential back-off with a cap and full jitter on the top half. */
  failed(gate: string, now: number): number {
    const state = this.state(gate, now);
    const ceiling = Math.min(this.rules.backoffCapMs, this.rules.backoffBaseMs * 2 ** state.failures);
    state.failures += 1;
    const delay = Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
    state.blockedUntil = Math.max(state.blockedUntil, now + delay);
    return delay;
  }

  /** Forgets gates with nothing to remember, so the map does not grow with every channel seen. */
  prune(now: number): void {
    for (const [gate, state] of this.gates) {
      if (state.failures === 0 && state.blockedUntil <= now && state.tat <= now) this.gates.delete(gate);
    }
  }

  private burstWindow(spare: number): number {
    return (Math.max(0, this.rules.postBurst - 1 - spare) * 1000) / this.rules.postsPerSecond;
  }

  private isPaced(gate: string): boolean {
    return gate.includes(':');
  }

  private state(gate: string, now: number): GateState {
    let state = this.gates.get(gate);
    if (!state) {
      state = { blockedUntil: 0, tat: now, failures: 0 };
      this.gates.set(gate, state);
    }
    return state;
  }
}
