import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { ApprovalService } from '../../../workflow/approval-service.js';
import { rejectModal } from '../../blocks/reject-modal.js';
import {
  ACTION_APPROVE,
  ACTION_CANCEL,
  ACTION_REJECT,
  parseCardButtonValue,
  summarize,
} from '../../blocks/request-card.js';
import type { HomePublisher } from '../../home.js';
import { refreshHomeIfThere, tellClicker } from './click-reply.js';

export interface RequestButtonDeps {
  readonly service: ApprovalService;
  readonly home: HomePublisher;
  readonly logger: Logger;
}

const UNREADABLE =
  'That button is from a card the bot cannot read any more; open the request again with `/disk requests`.';

/** Approve, Reject and Cancel on approval cards (in channels and in App Home). Ack first, always. */
export function registerRequestButtons(app: App, deps: RequestButtonDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_APPROVE, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseCardButtonValue(action.value);
    if (!value) return tellClicker(body, respond, deps.home, UNREADABLE);
    const result = await deps.service.approve(value.id, body.user.id, { planHash: value.planHash });
    if (!result.ok) return tellClicker(body, respond, deps.home, result.message);
    deps.logger.info(
      {
        event: 'request.approval',
        requestId: value.id,
        by: body.user.id,
        transitioned: result.value.transitioned,
      },
      'approval recorded',
    );
    await refreshHomeIfThere(body, deps.home);
  });

  app.action<BlockAction<ButtonAction>>(ACTION_REJECT, async ({ ack, body, action, respond, client }) => {
    await ack();
    const value = parseCardButtonValue(action.value);
    if (!value) return tellClicker(body, respond, deps.home, UNREADABLE);
    const request = await deps.service.get(value.id);
    if (!request) return tellClicker(body, respond, deps.home, `No request ${value.id}.`);
    // The trigger expires 3 s after the click: open the modal before any membership lookup;
    // whether this user may reject is decided at submit time.
    await client.views.open({
      trigger_id: body.trigger_id,
      view: rejectModal(
        {
          id: value.id,
          planHash: value.planHash,
          channelId: body.channel?.id ?? request.channelId,
          ...(body.container?.type === 'view' ? { fromHome: true } : {}),
        },
        summarize(request),
      ),
    });
  });

  app.action<BlockAction<ButtonAction>>(ACTION_CANCEL, async ({ ack, body, action, respond }) => {
    await ack();
    const value = parseCardButtonValue(action.value);
    if (!value) return tellClicker(body, respond, deps.home, UNREADABLE);
    const result = await deps.service.cancel(value.id, body.user.id);
    if (!result.ok) return tellClicker(body, respond, deps.home, result.message);
    await refreshHomeIfThere(body, deps.home);
  });
}
