import { z } from 'zod';

/**
 * `watch:` of the policy file (design.md §4): how often the watcher looks at every watched disk,
 * how many silent cycles make a guest "not answering", and when an open incident is repeated.
 */
const DURATION = /^(\d+)\s*(s|m|h)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export const MIN_WATCH_INTERVAL_MS = 5_000;

function duration(min: number, max: number, hint: string) {
  return z.string({ error: hint }).transform((text, ctx) => {
    const m = DURATION.exec(text.trim());
    const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : Number.NaN;
    if (!(ms >= min && ms <= max)) {
      ctx.addIssue({ code: 'custom', message: hint });
      return z.NEVER;
    }
    return ms;
  });
}

export const watchPolicySchema = z
  .strictObject({
    interval: duration(
      MIN_WATCH_INTERVAL_MS,
      3_600_000,
      'expected a duration from 5s to 1h, like 60s or 2m',
    ).prefault('60s'),
    missedBeforeAlert: z
      .int({ error: 'expected a whole number from 1 to 100' })
      .min(1, { error: 'expected a whole number from 1 to 100' })
      .max(100, { error: 'expected a whole number from 1 to 100' })
      .default(3),
    remindAfter: duration(60_000, 7 * 86_400_000, 'expected a duration from 1m to 168h, like 30m').prefault(
      '30m',
    ),
  })
  .prefault({});

export type WatchPolicy = z.output<typeof watchPolicySchema>;
