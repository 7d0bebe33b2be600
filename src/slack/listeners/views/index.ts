export { registerAttachForm } from './attach-form.js';
export { registerCreateForm } from './create-form.js';

import type { App } from '@slack/bolt';
import type { ApprovalService } from '../../../workflow/approval-service.js';
import { withSlackDates } from '../../blocks/limits.js';
import {
  parseRejectMetadata,
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  VIEW_REJECT,
} from '../../blocks/reject-modal.js';
import type { HomePublisher } from '../../home.js';
import type { SendEphemeral } from '../../ports.js';

/**
 * The reject modal's submit. The modal closes in the ack; the outcome reaches the user as an
 * ephemeral message in the card's channel (a refusal) or as the updated card (success); a
 * Reject started from App Home refreshes that Home either way.
 */
export function register(
  app: App,
  service: ApprovalService,
  home: HomePublisher,
  sendEphemeral: SendEphemeral,
): void {
  app.view(VIEW_REJECT, async ({ ack, body, view }) => {
    const reason = view.state.values[REJECT_REASON_BLOCK]?.[REJECT_REASON_INPUT]?.value?.trim() ?? '';
    if (reason.length < 3) {
      await ack({
        response_action: 'errors',
        errors: { [REJECT_REASON_BLOCK]: 'Give a reason of at least 3 characters.' },
      });
      return;
    }
    await ack();
    const metadata = parseRejectMetadata(view.private_metadata);
    if (!metadata) return;
    const result = await service.reject(metadata.id, body.user.id, reason);
    // From App Home, the Home shows the outcome: the request leaves "Awaiting your approval".
    if (metadata.fromHome) {
      await home.publish(
        body.user.id,
        result.ok ? `Request ${metadata.id} rejected.` : withSlackDates(result.message),
      );
      return;
    }
    if (!result.ok) {
      await sendEphemeral(view.id, metadata.channelId, body.user.id, {
        text: withSlackDates(result.message),
      });
    }
  });
}
