import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { actorMention, requestCard, summarize } from './blocks/request-card.js';

type TransitionEvent = Parameters<TransitionListener['onTransition']>[0];

const THREAD_LINES: Partial<Record<TransitionEvent['event'], (e: TransitionEvent) => string>> = {
  approval: (e) => `<@${e.actor}> approved (${e.request.approvals.length}/${e.request.quorum}).`,
  approved: (e) =>
    `<@${e.actor}> approved; quorum reached (${e.request.approvals.length}/${e.request.quorum}).`,
  rejected: (e) => `<@${e.actor}> rejected: ${escapeMrkdwn(e.request.rejection?.reason ?? '')}`,
  cancelled: (e) => `<@${e.actor}> cancelled the request.`,
  expired: () => 'The request expired without enough approvals.',
};

/** The outcome posts that the whole channel should see, not only the thread. */
const BROADCAST = new Set<TransitionEvent['event']>(['approved', 'rejected', 'expired', 'finished']);

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
    const card = requestCard(request);
    try {
      await this.client.chat.update({ token, channel: request.card.channelId, ts: request.card.ts, ...card });
      const line = THREAD_LINES[event.event]?.(event);
      if (line) {
        await this.client.chat.postMessage({
          token,
          channel: request.card.channelId,
          thread_ts: request.card.ts,
          text: line,
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
    const from = event.from ?? '∅';
    const text = `\`${event.request.id}\` ${from} → ${event.to} by ${actorMention(event.actor)}: ${escapeMrkdwn(summarize(event.request))}`;
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
