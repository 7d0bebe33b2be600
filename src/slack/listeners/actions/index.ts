import type { App } from '@slack/bolt';
import type { ReviewService } from '../../../workflow/reviews.js';
import { type RequestButtonDeps, registerRequestButtons } from './request-buttons.js';
import { registerRequestsPage } from './requests-page.js';
import { registerReviewButton } from './review.js';

export function register(app: App, deps: RequestButtonDeps & { reviews?: ReviewService }): void {
  registerRequestButtons(app, deps);
  registerRequestsPage(app, deps.service);
  if (deps.reviews) registerReviewButton(app, { ...deps, reviews: deps.reviews });
}
