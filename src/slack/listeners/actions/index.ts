import type { App } from '@slack/bolt';
import type { ReviewService } from '../../../workflow/reviews.js';
import type { CommandHandlers } from '../../ports.js';
import { type RequestButtonDeps, registerRequestButtons } from './request-buttons.js';
import { registerRequestsPage } from './requests-page.js';
import { registerRetryButton } from './retry.js';
import { registerReviewButton } from './review.js';

export function register(
  app: App,
  deps: RequestButtonDeps & { reviews?: ReviewService; handlers: CommandHandlers },
): void {
  registerRequestButtons(app, deps);
  registerRetryButton(app, deps);
  registerRequestsPage(app, deps.service);
  if (deps.reviews) registerReviewButton(app, { ...deps, reviews: deps.reviews });
}
