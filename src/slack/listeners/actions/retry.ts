import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../../logger.js';
import type { ApprovalService } from '../../../workflow/approval-service.js';
import { isRequestId } from '../../../workflow/request.js';
import { ACTION_RETRY } from '../../blocks/request-card.js';
import type { HomePublisher } from '../../home.js';
import type { CommandHandler, CommandHandlers, CommandKind } from '../../ports.js';
import { retryCommand } from '../../retry-command.js';
import { tellClicker } from './click-reply.js';

export interface RetryButtonDeps {
  readonly service: ApprovalService;
  readonly handlers: CommandHandlers;
  readonly home: HomePublisher;
  readonly logger: Logger;
}

const RETRYABLE = new Set(['failed', 'partial']);

/**
 * Retry on a failed or partial result: ack, then open a new request with the same parameters
 * through the same handler as the typed command (today's policy, fresh preflight, a new card).
 * The clicker becomes the requester; the answer reaches them privately.
 */
export function registerRetryButton(app: App, deps: RetryButtonDeps): void {
  app.action<BlockAction<ButtonAction>>(ACTION_RETRY, async ({ ack, body, action, respond }) => {
    await ack();
    const id = action.value ?? '';
    const request = isRequestId(id) ? await deps.service.get(id) : undefined;
    if (!request) return tellClicker(body, respond, deps.home, `No request ${id || '(unreadable)'}.`);
    if (!RETRYABLE.has(request.state))
      return tellClicker(
        body,
        respond,
        deps.home,
        `Request \`${request.id}\` is ${request.state}; only a failed or partial request can be retried.`,
      );
    const command = retryCommand(request);
    const handler = command
      ? (deps.handlers[command.kind] as CommandHandler<CommandKind> | undefined)
      : undefined;
    if (!command || !handler)
      return tellClicker(body, respond, deps.home, `Request \`${request.id}\` cannot be retried from here.`);
    // The new request's preflight reads the cloud (seconds, more with a slow guest): say so at once.
    await tellClicker(
      body,
      respond,
      deps.home,
      'finishes' in command && command.finishes
        ? `:hourglass_flowing_sand: Opening a ${request.kind} request that finishes \`${request.id}\` (the steps that did not complete): checking the cloud now, the result follows here…`
        : `:hourglass_flowing_sand: Opening a new ${request.kind} request with the same parameters as \`${request.id}\`: checking the cloud now, the result follows here…`,
    );
    const reply = await handler(command, {
      userId: body.user.id,
      channelId: body.channel?.id ?? request.channelId,
      teamId: body.team?.id ?? body.user.team_id ?? '',
      triggerId: body.trigger_id,
    });
    deps.logger.info({ event: 'request.retry', requestId: request.id, by: body.user.id }, 'retry requested');
    if (body.container?.type === 'view' || !body.response_url) {
      await deps.home.publish(body.user.id, reply.text);
      return;
    }
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
    });
  });
}
