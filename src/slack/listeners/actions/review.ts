import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '../../../commands/index.js';
import type { Logger } from '../../../logger.js';
import type { ReviewService } from '../../../workflow/reviews.js';
import { ACTION_ACK_REVIEW } from '../../blocks/request-list.js';
import type { HomePublisher } from '../../home.js';
import type { SlackOutbox } from '../../outbox/outbox.js';
import { idPart } from '../../outbox/writes.js';
import { tellClicker } from './click-reply.js';

export interface ReviewButtonDeps {
  readonly reviews: ReviewService;
  readonly home: HomePublisher;
  /** The note in the card's thread goes through it. */
  readonly outbox: SlackOutbox;
  readonly logger: Logger;
}

const valueSchema = z.string().regex(REQUEST_ID_PATTERN);

/** "Acknowledge review" on App Home: ack, one service call, then refresh the clicker's Home and note it in the card's thread. */
export function registerReviewButton(app: App, deps: ReviewButtonDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_ACK_REVIEW, async ({ ack, body, action, respond }) => {
    await ack();
    const id = valueSchema.safeParse(action.value);
    if (!id.success)
      return tellClicker(
        body,
        respond,
        deps.home,
        'That button cannot be read any more; open App Home again.',
      );
    const result = await deps.reviews.acknowledge(id.data, body.user.id);
    if (!result.ok) return tellClicker(body, respond, deps.home, result.message);
    deps.logger.info(
      { event: 'review.acknowledged', requestId: id.data, by: body.user.id },
      'review acknowledged',
    );
    await deps.home.publish(body.user.id, `Review of ${id.data} acknowledged.`);
    await noteInThread(deps, id.data, body.user.id);
  });
}

/** A line in the card's thread, through the outbox (background: nobody waits for it; once per review). */
async function noteInThread(deps: ReviewButtonDeps, requestId: string, userId: string) {
  await deps.outbox.put(
    `review-ack:${idPart(requestId)}`,
    { kind: 'thread', requestId, message: { text: `<@${userId}> acknowledged the post-incident review.` } },
    'background',
    'once',
  );
}
