import type { KnownBlock } from '@slack/types';
import type { SnapshotListing } from '../../app/disk-queries.js';
import { escapeMrkdwn } from './escape.js';
import { clip, codeBlock, SLACK_LIMITS } from './limits.js';
import { textTable } from './table.js';

const NAME_CHARS = 48;

/** `/disk status`: the disk's latest snapshots (id, time, status), newest first, or why they are unknown. */
export function snapshotBlocks(listing: SnapshotListing): KnownBlock[] {
  const section = (text: string): KnownBlock => ({
    type: 'section',
    text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) },
  });
  if (!listing.read) return [section(`*Snapshots*: could not be read (${escapeMrkdwn(listing.why)}).`)];
  if (listing.total === 0) return [section('_No snapshots of this disk._')];
  const rows = listing.latest.map((s) => [
    s.snapshotId,
    s.creationTime,
    s.status === 'progressing' ? `progressing ${s.progressPercent}%` : s.status,
    clip(s.snapshotName, NAME_CHARS),
  ]);
  const grid = textTable(['snapshot', 'created', 'status', 'name'], rows);
  const more = listing.total > listing.latest.length ? `, the latest ${listing.latest.length} shown` : '';
  return [
    section(
      codeBlock(escapeMrkdwn(grid), SLACK_LIMITS.sectionText, `*Snapshots* (${listing.total}${more})\n`),
    ),
  ];
}
