/**
 * Fault injection per action (or `*` for every action): throttling (random or over a per-second
 * quota), 500, 503, and added latency.
 * Draws come from the emulator's random source, so a rate of 0 or 1 is fully deterministic.
 */
import { z } from 'zod';
import { EcsError } from './errors.js';

/** Stays under the SDK's 3 s read timeout so a slow answer is slow, never a timeout. */
export const MAX_ADDED_LATENCY_MS = 2500;
export const DEFAULT_RETRY_AFTER_MS = 1000;

const rate = z.number().min(0).max(1);

export const faultRuleSchema = z.strictObject({
  throttleRate: rate.optional(),
  internalErrorRate: rate.optional(),
  unavailableRate: rate.optional(),
  addedLatencyMs: z.number().int().min(0).max(MAX_ADDED_LATENCY_MS).optional(),
  /**
   * The account's flow control: calls of the action beyond this many in one second (a fixed
   * window, counted per action even under `*`) are answered `Throttling.User`, as ECS does per API.
   */
  quotaPerSecond: z.number().int().min(1).optional(),
  /** Sent as `x-acs-retry-after` (ms) with Throttling.User; the SDK exposes it as `retryAfter`. */
  retryAfterMs: z.number().int().min(0).optional(),
});

/** Keyed by action name (`AttachDisk`) or `*`; an action's own rule overrides `*` field by field. */
export const faultConfigSchema = z.record(z.string(), faultRuleSchema);

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;

export interface FaultDraw {
  error: EcsError | null;
  delayMs: number;
}

/** Calls per action in the current one-second window, for `quotaPerSecond`. */
export class QuotaWindows {
  private readonly windows = new Map<string, { second: number; calls: number }>();

  /** Counts this call; true when it is over the quota. */
  over(action: string, quota: number, nowMs: number): boolean {
    const second = Math.floor(nowMs / 1000);
    const window = this.windows.get(action);
    if (!window || window.second !== second) {
      this.windows.set(action, { second, calls: 1 });
      return quota < 1;
    }
    window.calls += 1;
    return window.calls > quota;
  }
}

export function drawFault(
  config: FaultConfig,
  action: string,
  random: () => number,
  quota?: { windows: QuotaWindows; nowMs: number },
): FaultDraw {
  const rule: FaultRule = { ...config['*'], ...config[action] };
  const delayMs = Math.min(rule.addedLatencyMs ?? 0, MAX_ADDED_LATENCY_MS);
  const hit = (r: number | undefined): boolean => r !== undefined && r > 0 && random() < r;
  const overQuota =
    rule.quotaPerSecond !== undefined && quota !== undefined
      ? quota.windows.over(action, rule.quotaPerSecond, quota.nowMs)
      : false;
  if (overQuota || hit(rule.throttleRate)) {
    const retryAfter = String(rule.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS);
    return {
      delayMs,
      error: new EcsError('Throttling.User', undefined, { headers: { 'x-acs-retry-after': retryAfter } }),
    };
  }
  if (hit(rule.internalErrorRate)) return { delayMs, error: new EcsError('InternalError') };
  if (hit(rule.unavailableRate)) return { delayMs, error: new EcsError('ServiceUnavailable') };
  return { delayMs, error: null };
}
