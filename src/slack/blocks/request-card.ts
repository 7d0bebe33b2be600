import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '../../commands/index.js';
import { retryFinishes, summaryOf } from '../../kinds/domain-registry.js';
import type { CheckLevel, DiskRequest, PlanStep, RequestState } from '../../workflow/request.js';
import { escapeMrkdwn } from './escape.js';
import { chunkLines, clip, codeBlock, joinWithin, plural, SLACK_LIMITS, slackDate } from './limits.js';
import { named, namedText, namesOf } from './names.js';

export const ACTION_APPROVE = 'request_approve';
export const ACTION_REJECT = 'request_reject';
export const ACTION_CANCEL = 'request_cancel';
export const ACTION_RETRY = 'request_retry';

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
/** Approvers should know nobody typed this: a Workflow Builder run filed it for the requester. */
const viaWorkflow = (request: DiskRequest) =>
  request.origin ? `\nvia a workflow (run \`${escapeMrkdwn(request.origin.workflowExecutionId)}\`)` : '';

/** A transition's actor: a Slack user, or the bot's own workers and sweepers (`system`, `bot`). */
export const actorMention = (actor: string): string =>
  /^[UW][A-Z0-9]+$/.test(actor) ? mention(actor) : 'the bot';

export function describePlanStep(step: PlanStep): string {
  const params = Object.entries(step.params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return `${step.action} ${params}`;
}

/**
 * A plan step as the exact call, followed by the names of the ids it passes (the call itself
 * stays exactly what is sent): `AttachDisk DiskId=d-1 InstanceId=i-2 · shared-db, web-1`.
 */
function planLine(step: PlanStep, request: DiskRequest): string {
  const names = namesOf(request.params);
  const shown = Object.values(step.params).flatMap((v) => {
    const name = typeof v === 'string' ? names[v] : undefined;
    return name ? [name] : [];
  });
  const call = describePlanStep(step);
  return shown.length > 0 ? `${call} · ${shown.join(', ')}` : call;
}

export interface SummaryOptions {
  /** The summary is at most this long; long instance lists end in "… and 6 more". Default 600. */
  readonly maxChars?: number;
}

/**
 * One line summary of what the request does, for the card, threads, audit lines and App Home.
 * Plain text (escape it before putting it into mrkdwn).
 */
export function summarize(request: DiskRequest, options: SummaryOptions = {}): string {
  const max = options.maxChars ?? 600;
  const summary = summaryOf(request.kind, request.params, (id) => named(request.params, id));
  // Stored parameters that fit no kind (a corrupt or foreign record): the kind alone.
  if (!summary) return request.kind;
  if ('text' in summary) return clip(summary.text, max);
  const room = Math.max(max - summary.head.length, 20);
  return clip(`${summary.head}${joinWithin([...summary.list], room)}`, max);
}

const FINISHED: readonly RequestState[] = ['succeeded', 'partial', 'failed'];

/**
 * What happened, attributed to who did it: a rejection to its approver, a cancel to the
 * requester, a result to the step and the cloud error that caused it (never to an approver).
 */
function statusLine(request: DiskRequest): string {
  const base = STATE_LINE[request.state];
  if (request.state === 'rejected' && request.rejection) {
    return `${base} by ${mention(request.rejection.userId)} ${slackDate(request.rejection.at)}: ${escapeMrkdwn(request.rejection.reason)}`;
  }
  if (FINISHED.includes(request.state) && request.outcome) {
    const { code, message } = request.outcome;
    const cause = request.state === 'succeeded' ? '' : ` (\`${escapeMrkdwn(code)}\`)`;
    return `${base}${cause}: ${escapeMrkdwn(namedText(request.params, message))}`;
  }
  if (request.decision && (request.state === 'approved' || request.state === 'running')) {
    return `${base} (approved by ${actorMention(request.decision.by)} ${slackDate(request.decision.at)})`;
  }
  if (request.decision && request.state === 'cancelled') {
    return `${base} ${slackDate(request.decision.at)}`;
  }
  return base;
}

const confirmOf = (title: string, text: string, confirm: string) => ({
  title: { type: 'plain_text' as const, text: clip(title, SLACK_LIMITS.confirmTitle) },
  text: { type: 'mrkdwn' as const, text: clip(text, SLACK_LIMITS.confirmText) },
  confirm: { type: 'plain_text' as const, text: clip(confirm, SLACK_LIMITS.confirmButton) },
  deny: { type: 'plain_text' as const, text: 'Back' },
});

function buttons(request: DiskRequest): KnownBlock {
  const value = JSON.stringify({ id: request.id, planHash: request.planHash } satisfies CardButtonValue);
  const prefix = 'The bot will run the plan shown on the card:\n';
  const summary = escapeMrkdwn(summarize(request, { maxChars: SLACK_LIMITS.confirmText - prefix.length }));
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
        confirm: confirmOf('Approve this change?', `${prefix}${summary}`, 'Approve'),
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

/** Retry on a failed or partial result: a new request with the same parameters (value: the old id). */
export function retryButtonBlock(request: DiskRequest): KnownBlock {
  return {
    type: 'actions',
    block_id: `request_retry:${request.id}`,
    elements: [
      {
        type: 'button',
        action_id: ACTION_RETRY,
        text: { type: 'plain_text', text: 'Retry' },
        value: request.id,
        confirm: retryFinishes(request)
          ? confirmOf(
              'Finish this request?',
              `A new request finishes \`${request.id}\`: the steps that did not complete run again and what was done is skipped, after approval and fresh cloud checks.`,
              'Open request',
            )
          : confirmOf(
              'Open a new request?',
              `A new request with the same parameters as \`${request.id}\` goes through approval again, with fresh cloud checks.`,
              'Open request',
            ),
      },
    ],
  };
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) },
});

/** The fallback for a message with blocks: short, escaped, mentions nobody. */
function cardText(request: DiskRequest): string {
  return clip(
    escapeMrkdwn(`${request.id}${accountSuffix(request)}: ${summarize(request)} (${request.state})`),
    3000,
  );
}

/** ` · account staging` on every card of a bot that manages several accounts; empty otherwise. */
export const accountSuffix = (request: DiskRequest): string =>
  request.account === undefined ? '' : ` · account ${request.account}`;

/** The approval card: who, what, the exact cloud calls, every check, approvals and expiry. */

export function requestCard(request: DiskRequest): { text: string; blocks: KnownBlock[] } {
  const summary = escapeMrkdwn(summarize(request, { maxChars: 1500 }));
  const reason = typeof request.params.reason === 'string' ? escapeMrkdwn(request.params.reason) : undefined;
  const plan = joinWithin(
    request.plan.map((step, i) => escapeMrkdwn(`${i + 1}. ${planLine(step, request)}`)),
    SLACK_LIMITS.sectionText - 40,
    { separator: '\n', more: (n) => `… and ${plural(n, 'more call')}` },
  );
  const checks = chunkLines(
    request.checks.map((c) => `${LEVEL_ICON[c.level]} ${escapeMrkdwn(namedText(request.params, c.message))}`),
  );
  const approvers = request.approvals.map((a) => mention(a.userId)).join(', ');
  const danger = request.checks.some((c) => c.level === 'danger');

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: clip(
          `${request.id} · ${request.kind}${accountSuffix(request)}${request.emergency ? ' · EMERGENCY' : ''}`,
          150,
        ),
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Requested by*\n${mention(request.requesterId)}${viaWorkflow(request)}` },
        { type: 'mrkdwn', text: clip(`*Change*\n${summary}`, SLACK_LIMITS.fieldText) },
        ...(reason
          ? [{ type: 'mrkdwn' as const, text: clip(`*Reason*\n${reason}`, SLACK_LIMITS.fieldText) }]
          : []),
      ],
    },
  ];
  if (danger) blocks.push(section(':rotating_light: *Danger: read the checks below before approving.*'));
  blocks.push(
    section(codeBlock(plan || '(none)', SLACK_LIMITS.sectionText, '*Plan (exact cloud calls)*\n')),
    // At most 3 sections of checks keep a card inside the message's 50 blocks.
    ...(checks.length === 0 ? ['*Checks*\nnone'] : [`*Checks*\n${checks[0]}`, ...checks.slice(1, 3)]).map(
      section,
    ),
    { type: 'divider' },
    section(statusLine(request)),
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `Approvals ${request.approvals.length}/${request.quorum}${approvers ? ` (${approvers})` : ''}` +
              (request.state === 'pending' ? ` · expires ${slackDate(request.expiresAt)}` : ''),
            SLACK_LIMITS.contextText,
          ),
        },
      ],
    },
  );
  if (request.state === 'pending') blocks.push(buttons(request));
  if (request.state === 'failed' || request.state === 'partial') blocks.push(retryButtonBlock(request));
  return { text: cardText(request), blocks };
}

/**
 * The card when the full one could not be posted: the change in one short section and the same
 * buttons, well inside every limit, so approvers can still act.
 */
export function plainRequestCard(request: DiskRequest): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [
    section(
      `*${request.id}* · ${request.kind}${escapeMrkdwn(accountSuffix(request))} requested by ${mention(request.requesterId)}${viaWorkflow(request)}\n` +
        `${escapeMrkdwn(summarize(request, { maxChars: 1000 }))}\n` +
        `${statusLine(request)}\n_Approvals ${request.approvals.length}/${request.quorum}; the full plan is in \`/disk requests\`._`,
    ),
  ];
  if (request.state === 'pending') blocks.push(buttons(request));
  return { text: cardText(request), blocks };
}

const cardButtonValueSchema = z.object({
  id: z.string().regex(REQUEST_ID_PATTERN),
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
