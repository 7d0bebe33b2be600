import type { App } from '@slack/bolt';
import type { ReviewService } from '../../../workflow/reviews.js';
import type { SlackOutbox } from '../../outbox/outbox.js';
import type { CommandHandlers } from '../../ports.js';
import { type RequestButtonDeps, registerRequestButtons } from './request-buttons.js';
import { registerRequestsPage } from './requests-page.js';
import { registerRetryButton } from './retry.js';
import { registerReviewButton } from './review.js';

export function register(
  app: App,
  deps: RequestButtonDeps & { reviews?: ReviewService; outbox?: SlackOutbox; handlers: CommandHandlers },
): void {
  registerRequestButtons(app, deps);
  registerRetryButton(app, deps);
  registerRequestsPage(app, deps.service);
  if (deps.reviews && deps.outbox)
    registerReviewButton(app, { ...deps, reviews: deps.reviews, outbox: deps.outbox });
}
