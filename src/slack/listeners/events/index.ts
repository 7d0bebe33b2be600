import type { App } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { HomePublisher } from '../../home.js';

/** App Home: re-published from fresh state every time the user opens it. */
export function register(app: App, home: HomePublisher, logger: Logger): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      await home.publish(event.user);
    } catch (error) {
      logger.warn(
        { event: 'slack.home_publish_failed', user: event.user, err: error },
        'App Home publish failed',
      );
    }
  });
}
