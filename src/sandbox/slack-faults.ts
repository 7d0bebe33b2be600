/**
 * Slack's bad days for the sandbox's stand-in, set from Cloud admin: a share of the bot's writes
 * answered `429` with `Retry-After`, a share `500`, or every write `503` (an outage), so a
 * newcomer can watch the bot ride them out (the outbox, issue 20). Reads are never faulted.
 */
import { z } from 'zod';

const rate = z.number().min(0).max(1);

export const slackFaultsSchema = z.strictObject({
  throttleRate: rate.optional(),
  retryAfterSec: z.int().min(1).max(60).optional(),
  failRate: rate.optional(),
  outage: z.boolean().optional(),
});
export type SlackFaultSettings = z.output<typeof slackFaultsSchema>;

/** What the stand-in answers instead of the method's own reply. */
export interface FaultAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { ok: false; error: string };
}

const isWrite = (method: string) =>
  (method.startsWith('chat.') && method !== 'chat.getPermalink') || method === 'views.publish';

export class SlackFaults {
  private settings: SlackFaultSettings = {};

  constructor(private readonly random: () => number = Math.random) {}

  get current(): SlackFaultSettings {
    return this.settings;
  }

  set(settings: SlackFaultSettings): void {
    this.settings = settings;
  }

  /** The fault for this call, if one is due. */
  answer(method: string): FaultAnswer | undefined {
    if (!isWrite(method)) return undefined;
    const { throttleRate = 0, failRate = 0, outage } = this.settings;
    if (outage) return { status: 503, headers: {}, body: { ok: false, error: 'service_unavailable' } };
    const roll = this.random();
    if (roll < throttleRate)
      return {
        status: 429,
        headers: { 'retry-after': String(this.settings.retryAfterSec ?? 1) },
        body: { ok: false, error: 'ratelimited' },
      };
    if (roll < throttleRate + failRate)
      return { status: 500, headers: {}, body: { ok: false, error: 'internal_error' } };
    return undefined;
  }
}
