import type { BlockAction, RespondFn } from '@slack/bolt';
import { withSlackDates } from '../../blocks/limits.js';
import type { HomePublisher } from '../../home.js';

/**
 * Answers the person who clicked, privately: through response_url on a message, or by
 * re-publishing their App Home with a notice (a Home tab has no response_url).
 */
export async function tellClicker(
  body: BlockAction,
  respond: RespondFn,
  home: HomePublisher,
  message: string,
): Promise<void> {
  const text = withSlackDates(message);
  if (body.container?.type === 'view' || !body.response_url) {
    await home.publish(body.user.id, text);
    return;
  }
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

/** After a successful click in App Home, show the new state there too. */
export async function refreshHomeIfThere(body: BlockAction, home: HomePublisher): Promise<void> {
  if (body.container?.type === 'view') await home.publish(body.user.id);
}
