/**
 * The short-lived handles Slack gives an app with each interaction: a `trigger_id` (opens one
 * modal within 3 s) and a `response_url` (up to 5 posts within 30 min). The platform mints them when
 * a person acts; the Web API stand-in redeems them with Slack's rules and error codes.
 */
import { randomBytes } from 'node:crypto';

/** What a response_url answers to: a slash command, or a click on a (possibly ephemeral) message. */
export type ResponseSource =
  | { readonly kind: 'command' }
  | { readonly kind: 'message'; readonly ts: string; readonly ephemeral: boolean };

export interface ResponseTarget {
  readonly user: string;
  readonly channel: string;
  readonly source: ResponseSource;
  /** The ephemeral message this URL last wrote, which `replace_original`/`delete_original` address. */
  lastEphemeralTs?: string;
  uses: number;
  readonly expiresAt: number;
}

interface Trigger {
  readonly user: string;
  readonly expiresAt: number;
  used: boolean;
}

export const TRIGGER_TTL_MS = 3_000;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;
export const RESPONSE_URL_MAX_USES = 5;

export type TriggerResult = { ok: true; user: string } | { ok: false; error: string };

export class Interactions {
  private readonly triggers = new Map<string, Trigger>();
  private readonly targets = new Map<string, ResponseTarget>();

  constructor(private readonly now: () => number = Date.now) {}

  mintTrigger(user: string): string {
    this.prune();
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.triggers.set(id, { user, expiresAt: this.now() + TRIGGER_TTL_MS, used: false });
    return id;
  }

  /** Slack's `views.open` errors: `invalid_trigger_id`, `expired_trigger_id`, `exchanged_trigger_id`. */
  redeemTrigger(id: string): TriggerResult {
    const trigger = this.triggers.get(id);
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.used) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.now() > trigger.expiresAt) return { ok: false, error: 'expired_trigger_id' };
    trigger.used = true;
    return { ok: true, user: trigger.user };
  }

  /** Registers a response_url target and returns its opaque id (the last path segment of the URL). */
  mintResponse(target: Omit<ResponseTarget, 'uses' | 'expiresAt'>): string {
    this.prune();
    const id = randomBytes(12).toString('hex');
    this.targets.set(id, { ...target, uses: 0, expiresAt: this.now() + RESPONSE_URL_TTL_MS });
    return id;
  }

  target(id: string): ResponseTarget | undefined {
    return this.targets.get(id);
  }

  /** Counts one post; Slack refuses the sixth and anything after 30 minutes. */
  use(id: string): { ok: true; target: ResponseTarget } | { ok: false; error: string } {
    const target = this.targets.get(id);
    if (!target || this.now() > target.expiresAt) return { ok: false, error: 'expired_url' };
    if (target.uses >= RESPONSE_URL_MAX_USES) return { ok: false, error: 'used_url' };
    target.uses += 1;
    return { ok: true, target };
  }

  /** Expired handles are dropped on the next mint, so a long session keeps a small map. */
  private prune(): void {
    const now = this.now();
    for (const [id, t] of this.triggers) if (now > t.expiresAt + 60_000) this.triggers.delete(id);
    for (const [id, t] of this.targets) if (now > t.expiresAt) this.targets.delete(id);
  }
}
