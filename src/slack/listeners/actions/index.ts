import type { App } from '@slack/bolt';
import { type RequestButtonDeps, registerRequestButtons } from './request-buttons.js';
import { registerRequestsPage } from './requests-page.js';

export function register(app: App, deps: RequestButtonDeps): void {
  registerRequestButtons(app, deps);
  registerRequestsPage(app, deps.service);
}
