import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { CheckLevel, DiskRequest, PlanStep, RequestState } from '../../workflow/request.js';
import { escapeMrkdwn } from './escape.js';
import { named, namedList } from './names.js';

export const ACTION_APPROVE = 'request_approve';
export const ACTION_REJECT = 'request_reject';
export const ACTION_CANCEL = 'request_cancel';

/** What every card button carries: the request and the plan the clicker saw. */
export interface CardButtonValue {
  readonly id: string;
  readonly planHash: string;
}

const LEVEL_ICON: Record<CheckLevel, string> = {
  ok: ':white_check_mark:',
  warning: ':warning:',
  danger: ':rotating_light:',
  error: ':no_entry:',
};

const STATE_LINE: Record<RequestState, string> = {
  pending: ':hourglass_flowing_sand: Waiting for approval',
  approved: ':white_check_mark: Approved; waiting for the executor to pick it up',
  running: ':gear: Running',
  succeeded: ':white_check_mark: Succeeded',
  partial: ':warning: Partially succeeded',
  failed: ':x: Failed',
  rejected: ':no_entry_sign: Rejected',
  expired: ':alarm_clock: Expired without enough approvals',
  cancelled: ':heavy_multiplication_x: Cancelled by the requester',
};

const mention = (userId: string) => `<@${userId}>`;

/** A transition's actor: a Slack user, or the bot's own workers and sweepers (`system`, `bot`). */
export const actorMention = (actor: string): string =>
  /^[UW][A-Z0-9]+$/.test(actor) ? mention(actor) : 'the bot';
const slackDate = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

export function describePlanStep(step: PlanStep): string {
  const params = Object.entries(step.params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${step.action} ${params}`;
}

/** One line summary of what the request does, for the card header, threads and App Home. */
export function summarize(request: DiskRequest): string {
  const p = request.params;
  const list = (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value ?? ''));
  switch (request.kind) {
    case 'create':
      return `create ${String(p.name)} (${String(p.sizeGiB)} GiB ${String(p.category)})`;
    case 'attach':
      return `attach ${named(p, p.diskId)} to ${list(namedList(p, p.instanceIds))}`;
    case 'detach':
      return `detach ${named(p, p.diskId)} from ${list(namedList(p, p.instanceIds))}`;
    case 'failover':
      return `failover ${named(p, p.diskId)} from ${named(p, p.fromInstanceId)} to ${named(p, p.toInstanceId)}`;
  }
}

function statusLine(request: DiskRequest): string {
  const base = STATE_LINE[request.state];
  if (request.state === 'rejected' && request.rejection) {
    return `${base} by ${mention(request.rejection.userId)}: ${escapeMrkdwn(request.rejection.reason)}`;
  }
  if (request.decision && request.state !== 'pending' && request.state !== 'expired') {
    return `${base} (by ${actorMention(request.decision.by)} ${slackDate(request.decision.at)})`;
  }
  if (request.outcome) return `${base}: ${escapeMrkdwn(request.outcome.message)}`;
  return base;
}

function buttons(request: DiskRequest): KnownBlock {
  const value = JSON.stringify({ id: request.id, planHash: request.planHash } satisfies CardButtonValue);
  return {
    type: 'actions',
    block_id: `request_actions:${request.id}`,
    elements: [
      {
        type: 'button',
        action_id: ACTION_APPROVE,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        value,
        confirm: {
          title: { type: 'plain_text', text: 'Approve this change?' },
          text: {
            type: 'mrkdwn',
            text: `The bot will run the plan shown on the card:\n${escapeMrkdwn(summarize(request))}`,
          },
          confirm: { type: 'plain_text', text: 'Approve' },
          deny: { type: 'plain_text', text: 'Back' },
        },
      },
      {
        type: 'button',
        action_id: ACTION_REJECT,
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject' },
        value,
      },
      {
        type: 'button',
        action_id: ACTION_CANCEL,
        text: { type: 'plain_text', text: 'Cancel (requester)' },
        value,
      },
    ],
  };
}

/** The approval card: who, what, the exact cloud calls, every check, approvals and expiry. */
export function requestCard(request: DiskRequest): { text: string; blocks: KnownBlock[] } {
  const summary = escapeMrkdwn(summarize(request));
  const reason = typeof request.params.reason === 'string' ? escapeMrkdwn(request.params.reason) : undefined;
  const plan = request.plan.map((step, i) => `${i + 1}. ${describePlanStep(step)}`).join('\n');
  const checks = request.checks.map((c) => `${LEVEL_ICON[c.level]} ${escapeMrkdwn(c.message)}`).join('\n');
  const approvers = request.approvals.map((a) => mention(a.userId)).join(', ');
  const danger = request.checks.some((c) => c.level === 'danger');

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${request.id} · ${request.kind}${request.emergency ? ' · EMERGENCY' : ''}`.slice(0, 150),
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Requested by*\n${mention(request.requesterId)}` },
        { type: 'mrkdwn', text: `*Change*\n${summary}`.slice(0, 2000) },
        ...(reason ? [{ type: 'mrkdwn' as const, text: `*Reason*\n${reason}`.slice(0, 2000) }] : []),
      ],
    },
  ];
  if (danger) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: ':rotating_light: *Danger: read the checks below before approving.*' },
    });
  }
  blocks.push(
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Plan (exact cloud calls)*\n\`\`\`${escapeMrkdwn(plan || '(none)')}\`\`\``.slice(0, 3000),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: `*Checks*\n${checks || 'none'}`.slice(0, 3000) } },
    { type: 'divider' },
    { type: 'section', text: { type: 'mrkdwn', text: statusLine(request).slice(0, 3000) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text:
            `Approvals ${request.approvals.length}/${request.quorum}${approvers ? ` (${approvers})` : ''}` +
            (request.state === 'pending' ? ` · expires ${slackDate(request.expiresAt)}` : ''),
        },
      ],
    },
  );
  if (request.state === 'pending') blocks.push(buttons(request));
  const text = `${request.id}: ${summarize(request)} (${request.state})`;
  return { text: escapeMrkdwn(text), blocks };
}

const cardButtonValueSchema = z.object({
  id: z.string().regex(/^R-[0-9A-Z]{6,26}$/),
  planHash: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Button values come back from Slack as untrusted text. */
export function parseCardButtonValue(raw: string | undefined): CardButtonValue | undefined {
  if (!raw) return undefined;
  try {
    const parsed = cardButtonValueSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
