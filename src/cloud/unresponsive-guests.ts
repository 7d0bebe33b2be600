/**
 * Guests that just failed to answer Cloud Assistant (a crashed or hung node: DeliveryTimeout,
 * ExecutionTimeout, no result), remembered per instance for a short time so the reads after it —
 * every preflight, `/disk status` — report them unreadable at once instead of waiting the whole
 * script Timeout again (issue 21 point 3). Only read-only scripts skip a remembered guest; a
 * mutation always asks. The first read after the memory lapses pays the wait once and refreshes it.
 */
import type { GuestMemory, TargetOutcome } from './assistant.js';

/** How long a timed-out guest is not waited for again. */
export const UNRESPONSIVE_TTL_MS = 120_000;

/** The stable code of an outcome reported from memory, without a new invocation. */
export const GUEST_UNRESPONSIVE = 'guest_unresponsive';

interface Silence {
  readonly at: number;
  readonly why: string;
}

export class UnresponsiveGuests implements GuestMemory {
  private readonly silent = new Map<string, Silence>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = UNRESPONSIVE_TTL_MS,
  ) {}

  /** Remembers the guests that timed out; forgets the ones that answered. */
  remember(outcomes: readonly TargetOutcome<unknown>[]): void {
    for (const o of outcomes) {
      if (o.ok || o.state === 'failed' || o.state === 'bad_output') this.silent.delete(o.instanceId);
      else if (o.state === 'timeout' || o.state === 'no_answer') {
        this.silent.set(o.instanceId, { at: this.now(), why: `${o.code}: ${o.message}` });
      }
    }
  }

  /** Why the guest is not waited for, while its silence is recent. */
  recall(instanceId: string): Silence | undefined {
    const silence = this.silent.get(instanceId);
    if (silence && this.now() - silence.at < this.ttlMs) return silence;
    this.silent.delete(instanceId);
    return undefined;
  }

  /**
   * Runs a read-only script on the guests not known silent; the silent ones get an unreadable
   * outcome at once. One outcome per id, in input order.
   */
  async read<T>(
    instanceIds: readonly string[],
    run: (ids: readonly string[]) => Promise<TargetOutcome<T>[]>,
  ): Promise<TargetOutcome<T>[]> {
    const known = new Map<string, TargetOutcome<T>>();
    for (const id of instanceIds) {
      const silence = this.recall(id);
      if (!silence) continue;
      const ago = Math.round((this.now() - silence.at) / 1000);
      known.set(id, {
        ok: false,
        instanceId: id,
        state: 'timeout',
        code: GUEST_UNRESPONSIVE,
        message: `did not answer Cloud Assistant ${ago} s ago (${silence.why}); not waited for again for ${Math.round(this.ttlMs / 1000)} s`,
      });
    }
    const asked = instanceIds.filter((id) => !known.has(id));
    const answered = asked.length > 0 ? await run(asked) : [];
    this.remember(answered);
    const byId = new Map(answered.map((o) => [o.instanceId, o]));
    return instanceIds.flatMap((id) => known.get(id) ?? byId.get(id) ?? []);
  }
}
