import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip } from './blocks/limits.js';
import { actorMention, plainRequestCard, requestCard, summarize } from './blocks/request-card.js';
import { REFUSED_PAYLOAD, slackErrorCode } from './slack-error.js';

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

/**
 * Slack side of every recorded transition: the card is updated in place (a finished card has no
 * buttons), a line goes to the card's thread, and the audit channel, when configured, gets one line.
 * Slack failures are logged; they never undo a transition that Redis already recorded.
 */
export class SlackCardPublisher implements TransitionListener {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly token: () => string,
    private readonly logger: Logger,
    private readonly auditChannel?: string,
  ) {}

  async onTransition(event: TransitionEvent): Promise<void> {
    const { request } = event;
    await Promise.all([this.updateCard(request, event), this.audit(event)]);
  }

  private async updateCard(request: DiskRequest, event: TransitionEvent): Promise<void> {
    if (!request.card) return;
    const token = this.token();
    const where = { token, channel: request.card.channelId, ts: request.card.ts };
    try {
      try {
        await this.client.chat.update({ ...where, ...requestCard(request) });
      } catch (error) {
        // Slack refused the full card (it fell back to the plain one when posted): keep it plain,
        // so its buttons still go away when the request leaves `pending`.
        if (!REFUSED_PAYLOAD.has(slackErrorCode(error))) throw error;
        await this.client.chat.update({ ...where, ...plainRequestCard(request) });
      }
      const line = THREAD_LINES[event.event]?.(event);
      if (line) {
        await this.client.chat.postMessage({
          token,
          channel: request.card.channelId,
          thread_ts: request.card.ts,
          text: clip(line, 3000),
          reply_broadcast: BROADCAST.has(event.event),
        });
      }
    } catch (error) {
      this.logger.warn(
        { event: 'slack.card_update_failed', requestId: request.id, transition: event.event, err: error },
        'could not update the approval card',
      );
    }
  }

  private async audit(event: TransitionEvent): Promise<void> {
    if (!this.auditChannel) return;
    const text = auditLine(event);
    if (!text) return;
    try {
      await this.client.chat.postMessage({ token: this.token(), channel: this.auditChannel, text });
    } catch (error) {
      this.logger.warn(
        { event: 'slack.audit_post_failed', requestId: event.request.id, err: error },
        'audit post failed',
      );
    }
  }
}
