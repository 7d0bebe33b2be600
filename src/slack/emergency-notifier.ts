import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { ReviewService } from '../workflow/reviews.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip, SLACK_LIMITS } from './blocks/limits.js';
import { summarize } from './blocks/request-card.js';

type TransitionEvent = Parameters<TransitionListener['onTransition']>[0];

/**
 * The loud side of an emergency failover (design.md §8): when one is opened it runs at once, so
 * the channel and the audit channel get a red post naming who, why and what, and a post-incident
 * review item opens (App Home) until an approver acknowledges it. The review item is stored
 * before anything is posted, so a Slack failure cannot lose it.
 */
export class EmergencyNotifier implements TransitionListener {
  constructor(
    private readonly client: webApi.WebClient,
    private readonly token: () => string,
    private readonly reviews: ReviewService,
    private readonly logger: Logger,
    private readonly channels: { approvals?: string; audit?: string },
  ) {}

  async onTransition(event: TransitionEvent): Promise<void> {
    const { request } = event;
    if (event.event !== 'created' || !request.emergency) return;
    const review = await this.reviews.openFor(request);
    if (review && !review.opened) return; // a redelivered event: already announced
    const reason = typeof request.params.emergencyReason === 'string' ? request.params.emergencyReason : '';
    const text =
      `:rotating_light: *EMERGENCY FAILOVER* by <@${request.requesterId}>: ${escapeMrkdwn(summarize(request))}. ` +
      `Reason: ${escapeMrkdwn(reason)}. It runs now, without waiting for approval; progress and the result follow in the request's thread` +
      (review ? '. A post-incident review is open on App Home until an approver acknowledges it.' : '.');
    const targets = [...new Set([request.channelId, this.channels.approvals, this.channels.audit])];
    // Not awaited: the emergency must start at once, and the review above is already stored.
    void Promise.all(targets.flatMap((channel) => (channel ? [this.post(request.id, channel, text)] : [])));
  }

  private async post(requestId: string, channel: string, text: string): Promise<void> {
    try {
      await this.client.chat.postMessage({
        token: this.token(),
        channel,
        text: clip(text, 3000),
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } }],
      });
    } catch (error) {
      this.logger.warn(
        { event: 'slack.emergency_post_failed', requestId, channel, err: error },
        'emergency post failed',
      );
    }
  }
}
