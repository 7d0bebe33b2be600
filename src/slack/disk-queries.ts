import type { KnownBlock } from '@slack/types';
import type { DiskQueries } from '../app/disk-queries.js';
import type { CloudFailure } from '../app/ports.js';
import type { DiskInfo } from '../cloud/gateway.js';
import { rescanLines } from '../cloud/preflight/rescan-verify.js';
import { MAX_ATTACHMENTS } from '../commands/index.js';
import { namedId } from '../workflow/names.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { textTable } from './blocks/execution.js';
import { mountAlertMessage, mountTableBlocks } from './blocks/mounts.js';
import { snapshotBlocks } from './blocks/snapshots.js';
import type { CommandHandlers, CommandReply } from './ports.js';

const LIST_ROWS = 25;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});

function failed({ code, message }: CloudFailure): CommandReply {
  return {
    text: `:x: ${code}: ${message}`,
    blocks: [section(`:x: *${escapeMrkdwn(code)}*: ${escapeMrkdwn(message)}`)],
  };
}

function diskHeadline(disk: DiskInfo): string {
  const pl = disk.performanceLevel ? ` ${disk.performanceLevel}` : '';
  return (
    `*${escapeMrkdwn(namedId({ [disk.diskId]: disk.diskName }, disk.diskId))}*${disk.diskName ? '' : ' (unnamed)'} · ${disk.category}${pl} · ${disk.sizeGiB} GiB · ` +
    `${disk.zoneId || disk.regionId} · ${disk.status} · multi-attach ${disk.multiAttach ? 'on' : 'off'} · ` +
    `${disk.attachments.length}/${MAX_ATTACHMENTS} attached`
  );
}

/** `/disk status` and `/disk list`: each asks the queries once and renders the answer. */
export function diskQueryHandlers(queries: DiskQueries): CommandHandlers {
  return {
    status: async (command, context) => {
      const status = await queries.status(command.diskId, context.channelId);
      if (!status.ok && status.reason === 'no_disk')
        return {
          text: `No disk ${command.diskId} in ${status.regionId}.`,
          blocks: [section(`:grey_question: No disk \`${command.diskId}\` in ${status.regionId}.`)],
        };
      if (!status.ok) return failed(status.failure);
      const { disk, mounts } = status;
      const blocks: KnownBlock[] = [section(diskHeadline(disk))];
      const names = { ...mounts.names, ...(disk.diskName ? { [disk.diskId]: disk.diskName } : {}) };
      if (mounts.alert) blocks.push(...mountAlertMessage(disk.diskId, mounts.alert, names).blocks);
      blocks.push(...mountTableBlocks(mounts));
      if (status.sizes) {
        const behind = status.sizes.behind.length;
        blocks.push(
          section(
            `*Size each guest sees* (the disk: ${disk.sizeGiB} GiB${behind > 0 ? `; ${behind} behind: reboot, or detach and re-attach through the bot` : ''})\n${escapeMrkdwn(rescanLines(status.sizes).join('\n'))}`,
          ),
        );
      }
      blocks.push(...snapshotBlocks(status.snapshots));
      return { text: `${disk.diskId}: ${disk.status}, ${mounts.rows.length} attachment(s)`, blocks };
    },
    list: async (command) => {
      const listing = await queries.list({
        ...(command.regionId ? { regionId: command.regionId } : {}),
        ...(command.zoneId ? { zoneId: command.zoneId } : {}),
      });
      if (!listing.ok) return failed(listing.failure);
      const { disks } = listing;
      const where = `${listing.regionId}${listing.zoneId ? ` / ${listing.zoneId}` : ''}`;
      if (disks.length === 0)
        return {
          text: `No multi-attach disks in ${where}.`,
          blocks: [section(`No multi-attach disks in ${where}.`)],
        };
      // A section holds 3000 characters; past ~25 rows the table would be cut mid-line.
      const shown = disks.slice(0, LIST_ROWS);
      const rows = shown.map((d) => [
        d.diskId,
        d.diskName,
        d.zoneId,
        `${d.category} ${d.performanceLevel}`.trim(),
        `${d.sizeGiB} GiB`,
        d.status,
        `${d.attachments.length}/${MAX_ATTACHMENTS}`,
      ]);
      const table = textTable(['disk', 'name', 'zone', 'category', 'size', 'status', 'attached'], rows);
      return {
        text: `${disks.length} multi-attach disk(s) in ${where}`,
        blocks: [
          section(
            `*Multi-attach disks in ${where}* (${disks.length}${disks.length > shown.length ? `, first ${shown.length} shown; narrow with --zone` : ''})`,
          ),
          section(`\`\`\`${escapeMrkdwn(table)}\`\`\``),
        ],
      };
    },
  };
}
