import type { ChangeFreeze } from '../workflow/freeze.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { freezeBanner } from './blocks/freeze.js';
import { clip } from './blocks/limits.js';
import { actorMention, plainRequestCard, requestCard, summarize } from './blocks/request-card.js';
import type { SlackOutbox } from './outbox/outbox.js';
import { cardEntryId, idPart, type OutboxWrite } from './outbox/writes.js';

type TransitionEvent = Parameters<TransitionListener['onTransition']>[0];

const id = (e: TransitionEvent) => `\`${e.request.id}\``;
const requester = (e: TransitionEvent) => `<@${e.request.requesterId}>`;
const tally = (e: TransitionEvent) => `${e.request.approvals.length}/${e.request.quorum}`;

/**
 * The card's thread: who did what, with the request id; the requester is mentioned on every
 * outcome (approved, rejected, expired) so they hear about it without watching the card. The
 * final result is posted by the execution reporter, which mentions them too.
 */
const THREAD_LINES: Partial<Record<TransitionEvent['event'], (e: TransitionEvent) => string>> = {
  approval: (e) => `<@${e.actor}> approved ${id(e)} (${tally(e)}).`,
  approved: (e) =>
    e.request.quorum === 0
      ? `:rotating_light: ${requester(e)} ${id(e)} runs now: an emergency needs no approval before it runs. Progress follows in this thread.`
      : `:white_check_mark: ${requester(e)} your request ${id(e)} is approved by <@${e.actor}> (${tally(e)}); it runs next. Progress follows in this thread.`,
  rejected: (e) =>
    `:no_entry_sign: ${requester(e)} your request ${id(e)} was rejected by <@${e.actor}>: ${escapeMrkdwn(e.request.rejection?.reason ?? '')}`,
  cancelled: (e) => `:heavy_multiplication_x: <@${e.actor}> cancelled ${id(e)}; nothing will run.`,
  expired: (e) =>
    `:alarm_clock: ${requester(e)} your request ${id(e)} expired with ${tally(e)} approvals; nothing ran. Open it again if it is still needed.`,
};

/** The outcome posts that the whole channel should see, not only the thread. */
const BROADCAST = new Set<TransitionEvent['event']>(['approved', 'rejected', 'expired', 'finished']);

/** Transitions the audit channel does not hear about: the card being posted, each running step. */
const NOT_AUDITED = new Set<TransitionEvent['event']>(['card', 'step']);

/** One audit-channel line: the request id, what changed, who did it, what the request is. */
export function auditLine(event: TransitionEvent): string | undefined {
  if (NOT_AUDITED.has(event.event)) return undefined;
  const { request } = event;
  const change =
    event.event === 'approval'
      ? `approval ${tally(event)}`
      : `${event.from ?? 'new'} → ${event.to}${event.event === 'finished' && request.outcome ? ` (${escapeMrkdwn(request.outcome.code)})` : ''}`;
  return clip(
    `\`${request.id}\` ${change} by ${actorMention(event.actor)}: ${escapeMrkdwn(summarize(request, { maxChars: 300 }))}`,
    3000,
  );
}

/** Thread lines the requester is waiting for go in the critical lane; the rest wait behind. */
const CRITICAL_LINES = new Set<TransitionEvent['event']>(['approved', 'rejected', 'expired']);

/**
 * Slack side of every recorded transition, through the outbox: the card's latest state (posted
 * once, then edited in place; a finished card has no buttons), a line in the card's thread, and
 * one audit-channel line when that channel is configured. Each is recorded in Redis before
 * anything is sent, so a transition returns without waiting for Slack, and audit lines are queued
 * behind the card and the outcome posts.
 */
export class SlackCardPublisher implements TransitionListener {
  constructor(
    private readonly outbox: SlackOutbox,
    private readonly channels: { readonly approvals?: string; readonly audit?: string },
    /** The change freeze, shown as a banner on every card drawn while it is in force. */
    private readonly freeze?: () => Promise<ChangeFreeze | undefined>,
  ) {}

  async onTransition(event: TransitionEvent): Promise<void> {
    const { request } = event;
    if (event.event !== 'card') {
      // A card that was given up (or never queued) is not brought back by a later transition.
      const mode = event.event === 'created' || request.card ? 'latest' : 'replace';
      const freeze = await this.freeze?.();
      await this.outbox.put(cardEntryId(request.id), this.cardWrite(request, freeze), 'critical', mode);
    }
    const line = THREAD_LINES[event.event]?.(event);
    if (line) {
      await this.outbox.put(
        `line:${idPart(request.id)}:${event.event}:${idPart(event.actor)}`,
        {
          kind: 'thread',
          requestId: request.id,
          message: { text: clip(line, 3000) },
          broadcast: BROADCAST.has(event.event),
        },
        CRITICAL_LINES.has(event.event) ? 'critical' : 'background',
        'once',
      );
    }
    const audit = this.channels.audit ? auditLine(event) : undefined;
    if (this.channels.audit && audit) {
      await this.outbox.put(
        `audit:${idPart(request.id)}:${event.event}:${event.to}:${idPart(event.actor)}:${event.at}`,
        { kind: 'post', channel: this.channels.audit, message: { text: audit } },
        'background',
        'once',
      );
    }
  }

  private cardWrite(request: DiskRequest, freeze: ChangeFreeze | undefined): OutboxWrite {
    const card = requestCard(request);
    return {
      kind: 'card',
      requestId: request.id,
      channel: this.channels.approvals ?? request.channelId,
      message: freeze ? { ...card, blocks: [freezeBanner(freeze), ...card.blocks] } : card,
      // Slack refused the full card (or will): the plain one keeps the buttons working.
      fallback: plainRequestCard(request),
    };
  }
}
