import type { KnownBlock } from '@slack/types';
import { describeFailure } from '../cloud/explain.js';
import type { DiskInfo, EcsGateway } from '../cloud/gateway.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { textTable } from './blocks/execution.js';
import type { CommandHandlers, CommandReply } from './ports.js';

export interface DiskQueryDeps {
  readonly gateway: EcsGateway;
  readonly defaultRegion: string;
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
    `${disk.attachments.length}/16 attached`
  );
}

/**
 * `/disk status` and `/disk list`: read-only, no approval; one batched DescribeDisks plus one
 * DescribeInstances for every attached instance.
 */
export function diskQueryHandlers(deps: DiskQueryDeps): CommandHandlers {
  return {
    status: async (command) => {
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
        const ids = disk.attachments.map((a) => a.instanceId);
        const instances =
          ids.length > 0
            ? await deps.gateway.describeInstances({
                regionId: disk.regionId || deps.defaultRegion,
                instanceIds: ids,
              })
            : [];
        const byId = new Map(instances.map((i) => [i.instanceId, i]));
        const rows = disk.attachments.map((a) => {
          const instance = byId.get(a.instanceId);
          return [
            a.instanceId,
            instance?.instanceName ?? '?',
            instance?.status ?? 'unknown',
            a.device || '-',
          ];
        });
        const blocks: KnownBlock[] = [section(diskHeadline(disk))];
        blocks.push(
          rows.length > 0
            ? section(`\`\`\`${escapeMrkdwn(textTable(['instance', 'name', 'state', 'device'], rows))}\`\`\``)
            : section('_Not attached to any instance._'),
          {
            type: 'context',
            elements: [
              { type: 'mrkdwn', text: 'Mount status per instance (Cloud Assistant) is not available yet.' },
            ],
          },
        );
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
          `${d.attachments.length}/16`,
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
