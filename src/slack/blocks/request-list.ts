import type { KnownBlock, View } from '@slack/types';
import type { RequestFilter } from '../../commands/index.js';
import type { ChangeFreeze } from '../../workflow/freeze.js';
import type { DiskRequest } from '../../workflow/request.js';
import type { ReviewItem } from '../../workflow/reviews.js';
import { escapeMrkdwn } from './escape.js';
import { freezeBanner } from './freeze.js';
import { chunkLines, clip, plural, SLACK_LIMITS, slackDate } from './limits.js';
import { accountSuffix, requestCard, summarize } from './request-card.js';

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

/** One line per request: state, id, what, who (kept short: a Home tab lists dozens of them). */
export function requestLine(request: DiskRequest): string {
  const id = `\`${request.id}\`${escapeMrkdwn(accountSuffix(request))}`;
  return `${STATE_EMOJI[request.state]} ${id} ${escapeMrkdwn(summarize(request, { maxChars: 160 }))} · ${request.state} · <@${request.requesterId}>`;
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) },
});
const contextLine = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.contextText) }],
});
const header = (text: string): KnownBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: clip(text, SLACK_LIMITS.headerText) },
});

/** `/disk requests`: a page of lines (a section holds ≤ 3000 chars, so lines are grouped). */
export function requestListBlocks(
  filter: RequestFilter,
  items: readonly DiskRequest[],
  nextCursor: string | undefined,
): KnownBlock[] {
  const title = { mine: 'Your requests', pending: 'Pending requests', all: 'All requests' }[filter];
  const blocks: KnownBlock[] = [header(title)];
  if (items.length === 0) blocks.push(section('_Nothing here._'));
  // A page is ≤ 20 lines of ≤ ~250 characters: a few sections, far below 50 blocks.
  blocks.push(...chunkLines(items.map(requestLine)).slice(0, 40).map(section));
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

/** The reply text of a requests page. */
export const requestListText = (count: number): string => plural(count, 'request');

export interface HomeContent {
  readonly notice?: string;
  /** A change freeze in force: its banner goes first. */
  readonly freeze?: ChangeFreeze;
  readonly mine: readonly DiskRequest[];
  readonly awaiting: readonly DiskRequest[];
  readonly recent: readonly DiskRequest[];
  /** Open post-incident reviews of emergency failovers; they stay until an approver acknowledges them. */
  readonly reviews?: readonly ReviewItem[];
}

/** One open review: what happened, why, and the Acknowledge button (the value is only the request id). */
function reviewBlock(item: ReviewItem): KnownBlock {
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: clip(
        `:rotating_light: \`${item.requestId}\` emergency ${escapeMrkdwn(item.summary)} by <@${item.requesterId}> ${slackDate(item.openedAt)}\n*Reason:* ${escapeMrkdwn(item.reason)}`,
        SLACK_LIMITS.sectionText,
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
  };
}

/** Reviews shown in full; the rest are counted. */
const MAX_REVIEWS = 10;
/** Requests awaiting approval shown as full cards; the rest as lines. */
const MAX_HOME_CARDS = 6;

/** A list under a header: its lines in as few sections as fit, at most `maxSections`. */
function listSection(lines: readonly string[], empty: string, maxSections: number): KnownBlock[] {
  if (lines.length === 0) return [section(empty)];
  const chunks = chunkLines(lines);
  if (chunks.length <= maxSections) return chunks.map(section);
  const shown = chunks
    .slice(0, maxSections - 1)
    .join('\n')
    .split('\n').length;
  return [
    ...chunks.slice(0, maxSections - 1).map(section),
    contextLine(`… and ${plural(lines.length - shown, 'more request')}; see \`/disk requests --all\`.`),
  ];
}

/**
 * App Home: open reviews, requests awaiting my approval (as cards with their buttons while they
 * fit the Home tab's 100 blocks, then as lines), my open requests and recent results.
 */
export function homeView(content: HomeContent): View {
  const head: KnownBlock[] = content.freeze ? [freezeBanner(content.freeze)] : [];
  // Notices are the bot's own service messages (they may mention users), not user text.
  if (content.notice) head.push(section(`:information_source: ${content.notice}`));
  const reviews = content.reviews ?? [];
  if (reviews.length > 0) {
    head.push(header('Post-incident reviews (emergency failovers)'));
    head.push(...reviews.slice(0, MAX_REVIEWS).map(reviewBlock));
    if (reviews.length > MAX_REVIEWS)
      head.push(contextLine(`… and ${reviews.length - MAX_REVIEWS} more open.`));
  }
  const tail: KnownBlock[] = [
    header('Your open requests'),
    ...listSection(content.mine.map(requestLine), '_None._', 3),
    header('Recently finished'),
    ...listSection(content.recent.map(requestLine), '_None yet._', 3),
  ];

  const awaiting: KnownBlock[] = [header('Awaiting your approval')];
  if (content.awaiting.length === 0) awaiting.push(contextLine('Nothing to review.'));
  // Room for cards: 100 blocks minus everything else and 4 blocks for the overflow list.
  let room = SLACK_LIMITS.surfaceBlocks - head.length - tail.length - awaiting.length - 4;
  let cards = 0;
  for (const request of content.awaiting.slice(0, MAX_HOME_CARDS)) {
    const card = [...requestCard(request).blocks, { type: 'divider' } as KnownBlock];
    if (card.length > room) break;
    awaiting.push(...card);
    room -= card.length;
    cards++;
  }
  const rest = content.awaiting.slice(cards);
  if (rest.length > 0) {
    awaiting.push(
      contextLine(`${plural(rest.length, 'more request')} awaiting you; approve each from its card.`),
      ...listSection(rest.map(requestLine), '', 3),
    );
  }
  return { type: 'home', blocks: [...head, ...awaiting, ...tail] };
}
