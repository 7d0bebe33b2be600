/**
 * The field schemas every policy section shares: durations, quorums, principals and an action's
 * approvers/quorum/expiry. Both the policy file (policy.ts) and each request kind's policy section
 * (src/kinds: the kinds list) use them, so this module imports neither. Pure: zod only.
 */
import { z } from 'zod';

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_EXPIRY_MS = 30 * UNIT_MS.d;

/** `'15m' | '24h' | '7d' | '90s'` → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, amount = '', unit = 's'] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

const DURATION_HINT = 'expected a duration like 15m, 24h or 7d (at most 30d)';
export const durationSchema = z.string({ error: DURATION_HINT }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || ms > MAX_EXPIRY_MS) {
    ctx.addIssue({ code: 'custom', message: DURATION_HINT });
    return z.NEVER;
  }
  return ms;
});

export const WHOLE = 'expected a whole number ≥ 0';
export const quorumSchema = z.int({ error: WHOLE }).min(0, { error: WHOLE }).max(20, { error: 'at most 20' });

const slackId = (prefix: RegExp, what: string) =>
  z.string({ error: `expected a Slack ${what} id` }).regex(prefix, { error: `expected a Slack ${what} id` });
const usergroupId = slackId(/^S[A-Z0-9]{2,}$/, 'user group (S…)');
const userId = slackId(/^[UW][A-Z0-9]{2,}$/, 'user (U… or W…)');
export const channelId = slackId(/^[CGD][A-Z0-9]{2,}$/, 'channel (C… or G…)');

export const principalsObject = z.strictObject({
  usergroups: z.array(usergroupId, { error: 'expected a list of user group ids' }).default([]),
  users: z.array(userId, { error: 'expected a list of user ids' }).default([]),
});
export const principalsSchema = principalsObject.prefault({});

export const actionFields = {
  approvers: principalsSchema,
  quorum: quorumSchema.default(1),
  expiresIn: durationSchema.prefault('24h'),
};

/** An action's section as most kinds have it: the shared fields, each at its default. */
export const actionSchema = z.strictObject(actionFields).prefault({});

/** Per account, an action's fields fall back one by one to the top-level action's. */
export const actionOverrideSchema = z.strictObject({
  approvers: principalsObject.optional(),
  quorum: quorumSchema.optional(),
  expiresIn: durationSchema.optional(),
});

export type Principals = z.output<typeof principalsSchema>;
/** What every kind's policy section holds at least (approvals and expiry read it for any kind). */
export type ActionFields = z.output<typeof actionSchema>;
