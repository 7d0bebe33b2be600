import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { z } from 'zod';
import type { ApprovalService } from '../../../workflow/approval-service.js';
import { ACTION_REQUESTS_PAGE, requestListBlocks, requestListText } from '../../blocks/request-list.js';

const pageValueSchema = z.object({ filter: z.enum(['mine', 'pending', 'all']), cursor: z.string().max(200) });

/** "Next page" under `/disk requests`: replaces the ephemeral list in place. */
export function registerRequestsPage(app: App, service: ApprovalService): void {
  app.action<BlockAction<ButtonAction>>(ACTION_REQUESTS_PAGE, async ({ ack, body, action, respond }) => {
    await ack();
    let value: z.infer<typeof pageValueSchema> | undefined;
    try {
      const parsed = pageValueSchema.safeParse(JSON.parse(action.value ?? ''));
      value = parsed.success ? parsed.data : undefined;
    } catch {
      value = undefined;
    }
    if (!value)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Run `/disk requests` again.',
      }));
    const page = await service.list({
      filter: value.filter,
      userId: body.user.id,
      cursor: value.cursor,
      limit: 20,
    });
    if (!page.ok)
      return void (await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: page.message,
      }));
    await respond({
      response_type: 'ephemeral',
      replace_original: true,
      text: requestListText(page.value.items.length),
      blocks: requestListBlocks(value.filter, page.value.items, page.value.nextCursor),
    });
  });
}
