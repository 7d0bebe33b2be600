import type { KnownBlock } from '@slack/types';
import { CLUSTER_FS_ADVICE, type MountAlert, type MountTable } from '../../cloud/mounts.js';
import { escapeMrkdwn } from './escape.js';
import { textTable } from './table.js';

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});

/**
 * The mount table: instance · state · device · file system · mounted at · access, in a code block;
 * the reason behind every `fenced`/`unknown`/odd row follows as one line per instance.
 */
export function mountTableBlocks(table: MountTable): KnownBlock[] {
  if (table.rows.length === 0) return [section('_Not attached to any instance: nothing is mounted._')];
  const names = table.names ?? {};
  const named = table.rows.some((r) => names[r.instanceId]);
  const rows = table.rows.map((r) => [
    r.instanceId,
    r.attachment === 'detached' ? 'detached' : r.instanceState,
    r.device ?? '-',
    r.fstype ?? '-',
    r.mountpoints.length > 0 ? r.mountpoints.join(', ') : '-',
    r.access === 'none' ? '-' : r.access,
    ...(named ? [names[r.instanceId] ?? '-'] : []),
  ]);
  const headers = ['instance', 'state', 'device', 'file system', 'mounted at', 'access'];
  const grid = textTable(named ? [...headers, 'name'] : headers, rows);
  const notes = table.rows
    .filter((r) => r.why && r.why !== 'detached')
    .map((r) => `• \`${r.instanceId}\` ${r.access}: ${escapeMrkdwn(r.why ?? '')}`);
  const holder = table.reservation?.holder;
  const reservation = table.reservation
    ? `NVMe reservation: ${holder ? `held by key ${holder} (${escapeMrkdwn(table.reservation.type ?? '')})` : 'none held'}, ${table.reservation.registrants.length} registered key(s).`
    : undefined;
  return [
    section(`*Mount status* (Cloud Assistant)\n\`\`\`${escapeMrkdwn(grid)}\`\`\``),
    ...(notes.length > 0 ? [section(notes.join('\n'))] : []),
    ...(reservation
      ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: reservation }] }]
      : []),
  ];
}

/** The red alert: a single-node file system mounted on several instances at once. */
export function mountAlertMessage(diskId: string, alert: MountAlert): { text: string; blocks: KnownBlock[] } {
  const fs = escapeMrkdwn(alert.fstype);
  const who = alert.instanceIds.map((id) => `\`${id}\``).join(', ');
  const text =
    `:rotating_light: *DANGER: ${fs} is mounted on ${alert.instanceIds.length} instances of ${diskId} at once* (${who}). ` +
    `${fs} is a single-node file system: two writers corrupt it. Unmount it on all but one instance now. ${CLUSTER_FS_ADVICE}`;
  return {
    text: `DANGER: ${fs} mounted on ${alert.instanceIds.length} instances of ${diskId}`,
    blocks: [section(text)],
  };
}
