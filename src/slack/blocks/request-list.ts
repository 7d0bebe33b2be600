import type { KnownBlock, View } from '@slack/types';
import type { RequestFilter } from '../../commands/index.js';
import type { DiskRequest } from '../../workflow/request.js';
import type { ReviewItem } from '../../workflow/reviews.js';
import { escapeMrkdwn } from './escape.js';
import { requestCard, summarize } from './request-card.js';

export const ACTION_REQUESTS_PAGE = 'requests_next_page';
export const ACTION_ACK_REVIEW = 'review_acknowledge';

const STATE_EMOJI: Record<DiskRequest['state'], string> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  running: ':gear:',
  succeeded: ':large_green_circle:',
  partial: ':large_orange_circle:',
  failed: ':red_circle:',
  rejected: ':no_entry_sign:',
  expired: ':alarm_clock:',
  cancelled: ':heavy_multiplication_x:',
};

/** One line per request: state, id, what, who; linked to its card when one exists. */
export function requestLine(request: DiskRequest): string {
  const id = `\`${request.id}\``;
  return `${STATE_EMOJI[request.state]} ${id} ${escapeMrkdwn(summarize(request))} · ${request.state} · <@${request.requesterId}>`;
}

/** `/disk requests`: a page of lines (a section holds ≤ 3000 chars, so lines are grouped). */
export function requestListBlocks(
  filter: RequestFilter,
  items: readonly DiskRequest[],
  nextCursor: string | undefined,
): KnownBlock[] {
  const title = { mine: 'Your requests', pending: 'Pending requests', all: 'All requests' }[filter];
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: title } }];
  if (items.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: '_Nothing here._' } });
  }
  let chunk = '';
  for (const line of items.map(requestLine)) {
    if (chunk.length + line.length + 1 > 2900) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
      chunk = '';
    }
    chunk += `${chunk ? '\n' : ''}${line}`;
  }
  if (chunk) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  if (nextCursor) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION_REQUESTS_PAGE,
          text: { type: 'plain_text', text: 'Next page' },
          value: JSON.stringify({ filter, cursor: nextCursor }),
        },
      ],
    });
  }
  return blocks;
}

export interface HomeContent {
  readonly notice?: string;
  readonly mine: readonly DiskRequest[];
  readonly awaiting: readonly DiskRequest[];
  readonly recent: readonly DiskRequest[];
  /** Open post-incident reviews of emergency failovers; they stay until an approver acknowledges them. */
  readonly reviews?: readonly ReviewItem[];
}

/** One open review: what happened, why, and the Acknowledge button (the value is only the request id). */
function reviewBlocks(item: ReviewItem): KnownBlock[] {
  const when = `<!date^${Math.floor(item.openedAt / 1000)}^{date_short_pretty} {time}|${new Date(item.openedAt).toISOString()}>`;
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:rotating_light: \`${item.requestId}\` emergency ${escapeMrkdwn(item.summary)} by <@${item.requesterId}> ${when}\n*Reason:* ${escapeMrkdwn(item.reason)}`.slice(
          0,
          3000,
        ),
      },
      accessory: {
        type: 'button',
        action_id: ACTION_ACK_REVIEW,
        style: 'primary',
        text: { type: 'plain_text', text: 'Acknowledge review' },
        value: item.requestId,
        confirm: {
          title: { type: 'plain_text', text: 'Acknowledge this review?' },
          text: {
            type: 'mrkdwn',
            text: 'Confirm the post-incident review of this emergency failover is done.',
          },
          confirm: { type: 'plain_text', text: 'Acknowledge' },
          deny: { type: 'plain_text', text: 'Back' },
        },
      },
    },
  ];
}

/** App Home: my open requests, requests awaiting my approval (with their buttons), recent results. */
export function homeView(content: HomeContent): View {
  const blocks: KnownBlock[] = [];
  if (content.notice) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `:information_source: ${content.notice}`.slice(0, 3000) },
    });
  }
  const reviews = content.reviews ?? [];
  if (reviews.length > 0) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: 'Post-incident reviews (emergency failovers)' },
    });
    // Each review is one block; 10 keep room for everything else within the Home tab's 100.
    for (const item of reviews.slice(0, 10)) blocks.push(...reviewBlocks(item));
    if (reviews.length > 10) {
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `${reviews.length - 10} more open.` }],
      });
    }
  }
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Awaiting your approval' } });
  if (content.awaiting.length === 0)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Nothing to review.' }] });
  // Each awaiting card is ~8 blocks; the Home tab holds 100, so show at most 6 in full.
  for (const request of content.awaiting.slice(0, 6)) {
    blocks.push(...requestCard(request).blocks, { type: 'divider' });
  }
  if (content.awaiting.length > 6) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: content.awaiting.slice(6).map(requestLine).join('\n').slice(0, 3000) },
    });
  }
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Your open requests' } });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: (content.mine.map(requestLine).join('\n') || '_None._').slice(0, 3000) },
  });
  blocks.push({ type: 'header', text: { type: 'plain_text', text: 'Recently finished' } });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: (content.recent.map(requestLine).join('\n') || '_None yet._').slice(0, 3000),
    },
  });
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
