import type { KnownBlock } from '@slack/types';
import { CLUSTER_FS_ADVICE, type MountAlert, type MountTable } from '../../cloud/mounts.js';
import { type IdNames, namedId, nameIds } from '../../workflow/names.js';
import { escapeMrkdwn } from './escape.js';
import { chunkLines, clip, codeBlock, joinWithin, plural, SLACK_LIMITS } from './limits.js';
import { textTable } from './table.js';

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) },
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
    ...(named ? [clip(names[r.instanceId] ?? '-', 32)] : []),
  ]);
  const headers = ['instance', 'state', 'device', 'file system', 'mounted at', 'access'];
  const grid = textTable(named ? [...headers, 'name'] : headers, rows);
  const notes = table.rows
    .filter((r) => r.why && r.why !== 'detached')
    .map(
      (r) =>
        `• \`${escapeMrkdwn(namedId(names, r.instanceId))}\` ${r.access}: ${escapeMrkdwn(clip(nameIds(r.why ?? '', names), 400))}`,
    );
  const holder = table.reservation?.holder;
  const reservation = table.reservation
    ? `NVMe reservation: ${holder ? `held by key ${holder} (${escapeMrkdwn(table.reservation.type ?? '')})` : 'none held'}, ${plural(table.reservation.registrants.length, 'registered key')}.`
    : undefined;
  return [
    section(codeBlock(escapeMrkdwn(grid), SLACK_LIMITS.sectionText, '*Mount status* (Cloud Assistant)\n')),
    ...chunkLines(notes).slice(0, 3).map(section),
    ...(reservation
      ? [{ type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: reservation }] }]
      : []),
  ];
}

/** The red alert: a single-node file system mounted on several instances at once. */
export function mountAlertMessage(
  diskId: string,
  alert: MountAlert,
  names?: IdNames,
): { text: string; blocks: KnownBlock[] } {
  const fs = escapeMrkdwn(alert.fstype);
  const who = joinWithin(
    alert.instanceIds.map((id) => `\`${escapeMrkdwn(namedId(names, id))}\``),
    600,
  );
  const text =
    `:rotating_light: *DANGER: ${fs} is mounted on ${alert.instanceIds.length} instances of ${escapeMrkdwn(namedId(names, diskId))} at once* (${who}). ` +
    `${fs} is a single-node file system: two writers corrupt it. Unmount it on all but one instance now. ${CLUSTER_FS_ADVICE}`;
  return {
    text: clip(
      `DANGER: ${fs} mounted on ${alert.instanceIds.length} instances of ${escapeMrkdwn(namedId(names, diskId))}`,
      3000,
    ),
    blocks: [section(text)],
  };
}
