/**
 * Guests that just failed to answer Cloud Assistant (a crashed or hung node: DeliveryTimeout,
 * ExecutionTimeout, no result), remembered per instance for a short time so the reads after it —
 * every preflight, `/disk status` — ask them again but wait only `patienceMs` instead of the whole
 * script Timeout (issue 21 point 3): a guest that came back is read, one still silent is reported
 * unreadable at once. Only read-only scripts use it; a mutation always waits. The first read after
 * the memory lapses pays the full wait once and refreshes it.
 */
import type { GuestMemory, TargetOutcome } from './assistant.js';

/** How long a timed-out guest is not waited for again. */
export const UNRESPONSIVE_TTL_MS = 120_000;

/** How long a guest known silent is waited for: one poll, enough for a guest that came back. */
export const SILENT_PATIENCE_MS = 500;

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
    private readonly patienceMs: number = SILENT_PATIENCE_MS,
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
   * Runs a read-only script on every guest; the ones known silent are asked too (a recovered guest
   * is read again at once) but given only `patienceMs`, and, still silent, reported unreadable with
   * when they last timed out. One outcome per id, in input order.
   */
  async read<T>(
    instanceIds: readonly string[],
    run: (ids: readonly string[], patienceMs?: number) => Promise<TargetOutcome<T>[]>,
  ): Promise<TargetOutcome<T>[]> {
    const silent = new Map(
      instanceIds.flatMap((id) => {
        const silence = this.recall(id);
        return silence ? [[id, silence] as const] : [];
      }),
    );
    const others = instanceIds.filter((id) => !silent.has(id));
    const [answered, retried] = await Promise.all([
      others.length > 0 ? run(others) : [],
      silent.size > 0 ? run([...silent.keys()], this.patienceMs) : [],
    ]);
    this.remember(answered);
    for (const o of retried)
      if (o.ok || o.state === 'failed' || o.state === 'bad_output') this.silent.delete(o.instanceId);
    const byId = new Map([...answered, ...retried].map((o) => [o.instanceId, o]));
    return instanceIds.flatMap((id) => {
      const outcome = byId.get(id);
      const silence = silent.get(id);
      if (!outcome || !silence || outcome.ok || outcome.state !== 'no_answer') return outcome ?? [];
      const ago = Math.round((this.now() - silence.at) / 1000);
      return {
        ok: false,
        instanceId: id,
        state: 'timeout',
        code: GUEST_UNRESPONSIVE,
        message: `did not answer Cloud Assistant ${ago} s ago (${silence.why}) nor within ${this.patienceMs} ms now; not waited for until ${Math.round(this.ttlMs / 1000)} s after it went silent`,
      } satisfies TargetOutcome<T>;
    });
  }
}
