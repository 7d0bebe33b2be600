export { registerAttachForm } from './attach-form.js';
export { registerCreateForm } from './create-form.js';

import type { App } from '@slack/bolt';
import type { ApprovalService } from '../../../workflow/approval-service.js';
import {
  parseRejectMetadata,
  REJECT_REASON_BLOCK,
  REJECT_REASON_INPUT,
  VIEW_REJECT,
} from '../../blocks/reject-modal.js';

/**
 * The reject modal's submit. The modal closes in the ack; the outcome reaches the user as an
 * ephemeral message in the card's channel (a refusal) or as the updated card (success).
 */
export function register(app: App, service: ApprovalService): void {
  app.view(VIEW_REJECT, async ({ ack, body, view, client }) => {
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
    if (!result.ok) {
      await client.chat.postEphemeral({
        channel: metadata.channelId,
        user: body.user.id,
        text: result.message,
      });
    }
  });
}
