import type { KnownBlock } from '@slack/types';
import type { AssistantTiming } from '../cloud/assistant.js';
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway } from '../cloud/gateway.js';
import { readMounts } from '../cloud/mounts.js';
import { MAX_ATTACHMENTS } from '../commands/index.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { textTable } from './blocks/execution.js';
import { mountAlertMessage, mountTableBlocks } from './blocks/mounts.js';
import type { MountAlerter } from './mount-alerts.js';
import type { CommandHandlers, CommandReply } from './ports.js';

export interface DiskQueryDeps {
  readonly gateway: EcsGateway;
  readonly defaultRegion: string;
  /** Cloud Assistant Timeout of the inspect script (a crashed guest costs this long). */
  readonly inspectTimeoutSec: number;
  readonly assistantTiming?: AssistantTiming;
  /** Posts the red alert to the channel and audit when a single-node file system is mounted twice. */
  readonly alerts?: MountAlerter;
}

const LIST_ROWS = 25;

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});

function failed(error: unknown): CommandReply {
  const { code, message } = describeFailure(error);
  return {
    text: `:x: ${code}: ${message}`,
    blocks: [section(`:x: *${escapeMrkdwn(code)}*: ${escapeMrkdwn(message)}`)],
  };
}

function diskHeadline(disk: DiskInfo): string {
  const pl = disk.performanceLevel ? ` ${disk.performanceLevel}` : '';
  return (
    `*${disk.diskId}* (${escapeMrkdwn(disk.diskName || 'unnamed')}) · ${disk.category}${pl} · ${disk.sizeGiB} GiB · ` +
    `${disk.zoneId || disk.regionId} · ${disk.status} · multi-attach ${disk.multiAttach ? 'on' : 'off'} · ` +
    `${disk.attachments.length}/${MAX_ATTACHMENTS} attached`
  );
}

/**
 * `/disk status` and `/disk list`: read-only, no approval; one batched DescribeDisks plus one
 * DescribeInstances for every attached instance.
 */
export function diskQueryHandlers(deps: DiskQueryDeps): CommandHandlers {
  return {
    status: async (command, context) => {
      try {
        const [disk] = await deps.gateway.describeDisks({
          regionId: deps.defaultRegion,
          diskIds: [command.diskId],
        });
        if (!disk)
          return {
            text: `No disk ${command.diskId} in ${deps.defaultRegion}.`,
            blocks: [section(`:grey_question: No disk \`${command.diskId}\` in ${deps.defaultRegion}.`)],
          };
        const table = await readMounts(deps.gateway, disk, {
          regionId: disk.regionId || deps.defaultRegion,
          timeoutSec: deps.inspectTimeoutSec,
          ...(deps.assistantTiming ? { timing: deps.assistantTiming } : {}),
        });
        const blocks: KnownBlock[] = [section(diskHeadline(disk))];
        if (table.alert) {
          blocks.push(...mountAlertMessage(disk.diskId, table.alert).blocks);
          await deps.alerts?.raise({ diskId: disk.diskId, alert: table.alert, channelId: context.channelId });
        }
        blocks.push(...mountTableBlocks(table));
        const rows = table.rows;
        return { text: `${disk.diskId}: ${disk.status}, ${rows.length} attachment(s)`, blocks };
      } catch (error) {
        return failed(error);
      }
    },
    list: async (command) => {
      const regionId = command.regionId ?? deps.defaultRegion;
      try {
        const disks = await deps.gateway.describeDisks({
          regionId,
          multiAttach: true,
          ...(command.zoneId ? { zoneId: command.zoneId } : {}),
        });
        const where = `${regionId}${command.zoneId ? ` / ${command.zoneId}` : ''}`;
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
      } catch (error) {
        return failed(error);
      }
    },
  };
}
