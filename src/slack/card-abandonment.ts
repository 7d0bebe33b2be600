import { CodedError } from '../errors.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { summarize } from './blocks/request-card.js';
import type { SlackOutbox } from './outbox/outbox.js';
import { idPart } from './outbox/writes.js';

/**
 * A request whose card Slack would not take: a pending one is cancelled (it could never be
 * approved unseen) and its requester gets a direct message, a channel apart from the approvals
 * channel that failed; a request already running (an emergency) is left running and said so.
 */
export function cardAbandonment(service: ApprovalService, outbox: () => SlackOutbox) {
  return async (requestId: string, reason: string): Promise<void> => {
    const request = await service.get(requestId);
    if (!request) return;
    const what = `\`${request.id}\` (${escapeMrkdwn(summarize(request))})`;
    const channel = service.policy.channels.approvals ?? request.channelId;
    let text: string;
    if (request.state === 'pending') {
      const cancelled = await service.cancel(request.id, request.requesterId);
      if (!cancelled.ok) throw new CodedError(cancelled.code, cancelled.message);
      text =
        `:x: Nothing will run: the approval card for ${what} could not be posted to <#${channel}> (Slack said \`${escapeMrkdwn(reason)}\`), ` +
        'so the request was cancelled instead of waiting unseen. Run the command again once Slack works; if it says `not_in_channel`, ask an admin to invite the bot.';
    } else {
      text = `:warning: Request ${what} is ${request.state}, but its card could not be posted to <#${channel}> (Slack said \`${escapeMrkdwn(reason)}\`). Follow it with \`/disk requests\`.`;
    }
    await outbox().put(
      `notice:${idPart(request.id)}:card`,
      { kind: 'post', channel: request.requesterId, message: { text } },
      'critical',
      'once',
    );
  };
}
