import type { TransitionListener } from '../workflow/ports.js';
import type { ReviewService } from '../workflow/reviews.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip, SLACK_LIMITS } from './blocks/limits.js';
import { summarize } from './blocks/request-card.js';
import type { SlackOutbox } from './outbox/outbox.js';
import { idPart, type MessageBody } from './outbox/writes.js';

type TransitionEvent = Parameters<TransitionListener['onTransition']>[0];

/**
 * The loud side of an emergency failover (design.md §8): when one is opened it runs at once, so
 * the channel and the audit channel get a red post naming who, why and what, and a post-incident
 * review item opens (App Home) until an approver acknowledges it. The review item is stored
 * before the posts are recorded in the outbox, so a Slack failure can lose neither.
 */
export class EmergencyNotifier implements TransitionListener {
  constructor(
    private readonly outbox: SlackOutbox,
    private readonly reviews: ReviewService,
    private readonly channels: { approvals?: string; audit?: string },
  ) {}

  async onTransition(event: TransitionEvent): Promise<void> {
    const { request } = event;
    if (event.event !== 'created' || !request.emergency) return;
    // A redelivered event posts nothing twice: the posts' ids are the request's and channel's.
    const review = await this.reviews.openFor(request);
    const reason = typeof request.params.emergencyReason === 'string' ? request.params.emergencyReason : '';
    const text =
      `:rotating_light: *EMERGENCY FAILOVER* by <@${request.requesterId}>: ${escapeMrkdwn(summarize(request))}. ` +
      `Reason: ${escapeMrkdwn(reason)}. It runs now, without waiting for approval; progress and the result follow in the request's thread` +
      (review ? '. A post-incident review is open on App Home until an approver acknowledges it.' : '.');
    const message: MessageBody = {
      text: clip(text, 3000),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } }],
    };
    const targets = [request.channelId, this.channels.approvals, this.channels.audit];
    // Only recorded here: the emergency starts at once, and the outbox posts when Slack takes it.
    for (const channel of new Set(targets.filter((c) => c !== undefined)))
      await this.outbox.put(
        `emergency:${idPart(request.id)}:${idPart(channel)}`,
        { kind: 'post', channel, message },
        'critical',
        'once',
      );
  }
}
