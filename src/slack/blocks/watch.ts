/**
 * Block Kit of the watch (issue 13): the alert of each incident kind (opened, reminder, resolved),
 * the attachment notice, the "Fail over to <standby>" buttons, and one health line per disk for
 * `/disk watch --list` and App Home. What an on-call engineer woken at 3 a.m. needs first: which
 * disk, what is wrong in one sentence, who is primary and who can take over, and the button.
 */
import type { KnownBlock } from '@slack/types';
import type { WatchEntry } from '../../app/ports.js';
import { CLUSTER_FS_ADVICE } from '../../cloud/mounts.js';
import { namedId } from '../../workflow/names.js';
import type {
  AttachmentNotice,
  DiskWatchState,
  IncidentKind,
  IncidentRecord,
} from '../../workflow/watch-rules.js';
import { escapeMrkdwn } from './escape.js';

export const ACTION_WATCH_FAILOVER = 'watch_failover';
export const ACTION_WATCH_EMERGENCY = 'watch_failover_emergency';

export interface FailoverButtonValue {
  readonly diskId: string;
  readonly from: string;
  readonly to: string;
}

export function parseFailoverButtonValue(raw: string | undefined): FailoverButtonValue | undefined {
  try {
    const v = JSON.parse(raw ?? '') as Record<string, unknown>;
    const ok = (x: unknown): x is string => typeof x === 'string' && /^[a-z]-[a-z0-9]{1,64}$/.test(x);
    return ok(v.d) && ok(v.f) && ok(v.t) ? { diskId: v.d, from: v.f, to: v.t } : undefined;
  } catch {
    return undefined;
  }
}

const TITLE: Record<IncidentKind, string> = {
  double_mount: ':red_circle: *RED ALERT: single-node file system mounted on several instances*',
  primary_down: ':rotating_light: *Primary down*',
  reservation: ':warning: *NVMe reservation anomaly*',
  disk_missing: ':warning: *Watched disk not found*',
  size_behind: ':warning: *A node does not see the disk’s size*',
};

/** `name (id)` from the names the watch read with the incident, else the id. */
function plainName(i: IncidentRecord, id: string): string {
  const names = i.details.names;
  const known =
    names && typeof names === 'object' && !Array.isArray(names)
      ? Object.fromEntries(
          Object.entries(names).filter((e): e is [string, string] => typeof e[1] === 'string'),
        )
      : undefined;
  return namedId(known, id);
}
const nameOf = (i: IncidentRecord, id: string) => escapeMrkdwn(plainName(i, id));
const code = (i: IncidentRecord, id: string) => {
  const label = nameOf(i, id);
  return label === id ? `\`${id}\`` : label.replace(`(${id})`, `(\`${id}\`)`);
};

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: text.slice(0, 3000) },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: text.slice(0, 3000) }],
});
const when = (ms: number) =>
  `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

export interface AlertOptions {
  /** Show the emergency button (the policy has an emergency path for failover). */
  readonly emergency: boolean;
  readonly remindAfterMs: number;
}

function failoverActions(i: IncidentRecord, options: AlertOptions): KnownBlock[] {
  const to = i.failover?.to;
  if (i.kind !== 'primary_down' || !i.failover) return [];
  if (!to)
    return [
      section(
        '*No standby qualifies* (attached, Running, answering, registered): fix a standby, or `/disk failover` by hand.',
      ),
    ];
  const value = JSON.stringify({ d: i.diskId, f: i.failover.from, t: to });
  return [
    {
      type: 'actions',
      block_id: `watch_failover:${i.diskId}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION_WATCH_FAILOVER,
          style: 'primary',
          text: { type: 'plain_text', text: `Fail over to ${plainName(i, to)}`.slice(0, 75) },
          value,
        },
        ...(options.emergency
          ? [
              {
                type: 'button' as const,
                action_id: ACTION_WATCH_EMERGENCY,
                style: 'danger' as const,
                text: { type: 'plain_text' as const, text: 'Emergency: fail over now' },
                value,
                confirm: {
                  title: { type: 'plain_text' as const, text: 'Emergency failover' },
                  text: {
                    type: 'mrkdwn' as const,
                    text: `Fence ${nameOf(i, i.failover.from)} and start ${nameOf(i, to)} at once, without waiting for approvals? On-call only; a review follows.`,
                  },
                  confirm: { type: 'plain_text' as const, text: 'Fail over now' },
                  deny: { type: 'plain_text' as const, text: 'Cancel' },
                },
              },
            ]
          : []),
      ],
    },
  ];
}

function detailLines(i: IncidentRecord): string[] {
  if (i.kind === 'double_mount') {
    const mounts = Array.isArray(i.details.mounts) ? i.details.mounts : [];
    return [
      ...mounts.map((m) => {
        const row = m as { instanceId?: string; mountpoints?: string[] };
        return `• ${code(i, row.instanceId ?? '?')} at ${(row.mountpoints ?? []).map((p) => `\`${escapeMrkdwn(p)}\``).join(', ')}`;
      }),
      `Unmount it everywhere but one instance now. ${CLUSTER_FS_ADVICE}`,
    ];
  }
  if (i.kind === 'primary_down' && i.failover) {
    return [
      `Primary: ${code(i, i.failover.from)} · best standby: ${i.failover.to ? code(i, i.failover.to) : '_none_'}`,
    ];
  }
  return [];
}

/** A bot request that ran on the disk while an incident was open, as the resolution names it. */
export interface ResolvingRequest {
  readonly id: string;
  readonly kind: string;
  readonly requesterId: string;
  readonly state: string;
}

export interface ResolutionView {
  readonly resolvedAt: number;
  readonly requests: readonly ResolvingRequest[];
}

/** What the incident was, in a few words (the fault sentence is the alert's, not the resolution's). */
function incidentLabel(i: IncidentRecord): string {
  if (i.kind === 'primary_down' && i.failover) return `primary ${code(i, i.failover.from)} down`;
  if (i.kind === 'double_mount' && typeof i.details.fstype === 'string')
    return `${escapeMrkdwn(i.details.fstype)} mounted on several instances`;
  return TITLE_WORDS[i.kind];
}
const TITLE_WORDS: Record<IncidentKind, string> = {
  double_mount: 'single-node file system mounted on several instances',
  primary_down: 'primary down',
  reservation: 'NVMe reservation anomaly',
  disk_missing: 'disk not found',
  size_behind: 'a node does not see the disk’s size',
};

/** Who and what ended the incident: the bot requests that ran on the disk meanwhile, or none. */
export function resolutionSentence(r: ResolutionView): string {
  if (r.requests.length === 0)
    return 'No bot request ran on this disk meanwhile: it recovered, or someone fixed it outside the bot.';
  const named = r.requests.map(
    (q) => `\`${q.id}\` (${escapeMrkdwn(q.kind)} by <@${q.requesterId}>, ${escapeMrkdwn(q.state)})`,
  );
  return `Ended by ${named.join(', ')}.`;
}

/** The message of an opened incident or its reminder; `text` is the notification fallback. */
export function incidentMessage(
  phase: 'opened' | 'reminder',
  i: IncidentRecord,
  options: AlertOptions,
): { text: string; blocks: KnownBlock[] } {
  const disk = code(i, i.diskId);
  const prefix = phase === 'reminder' ? '*Still open* · ' : '';
  const title = `${prefix}${TITLE[i.kind]} on ${disk}`;
  return {
    text: `${phase === 'reminder' ? 'Still open: ' : ''}${i.kind.replace('_', ' ')} on ${plainName(i, i.diskId)}: ${i.summary}`.slice(
      0,
      3000,
    ),
    blocks: [
      section(`${title}\n${escapeMrkdwn(i.summary)}`),
      ...(detailLines(i).length > 0 ? [section(detailLines(i).join('\n'))] : []),
      ...failoverActions(i, options),
      context(
        `Since ${when(i.openedAt)} · reminder every ${Math.round(options.remindAfterMs / 60_000)} min while open · \`/disk status ${i.diskId}\``,
      ),
    ],
  };
}

/** The resolution posted in the channel: what ended, and who and what ended it. */
export function resolvedMessage(
  i: IncidentRecord,
  r: ResolutionView,
): { text: string; blocks: KnownBlock[] } {
  const what = incidentLabel(i);
  return {
    text: `Resolved on ${plainName(i, i.diskId)}: ${what.replaceAll('`', '')}`,
    blocks: [
      section(`:white_check_mark: *Resolved* on ${code(i, i.diskId)}: ${what}\n${resolutionSentence(r)}`),
      context(`Opened ${when(i.openedAt)} · resolved ${when(r.resolvedAt)} · \`/disk status ${i.diskId}\``),
    ],
  };
}

/** An alert once its incident ended: the fault kept for the record, the buttons replaced by the outcome. */
export function endedAlertMessage(
  i: IncidentRecord,
  r: ResolutionView,
): { text: string; blocks: KnownBlock[] } {
  return {
    text: `Resolved: ${i.kind.replace('_', ' ')} on ${plainName(i, i.diskId)}`,
    blocks: [
      section(
        `~${TITLE[i.kind].replace(/^:[a-z_]+: /, '')} on ${code(i, i.diskId)}~ :white_check_mark: *Resolved*`,
      ),
      context(escapeMrkdwn(i.summary)),
      section(resolutionSentence(r)),
      context(
        `Opened ${when(i.openedAt)} · resolved ${when(r.resolvedAt)} · this alert's buttons ended with it · \`/disk status ${i.diskId}\``,
      ),
    ],
  };
}

/** `name (\`id\`)` in mrkdwn, or `\`id\`` when the name is not known. */
function codeNamed(names: Readonly<Record<string, string>> | undefined, id: string): string {
  const shown = escapeMrkdwn(namedId(names, id));
  return shown === id ? `\`${id}\`` : shown.replace(`(${id})`, `(\`${id}\`)`);
}

export function attachmentNoticeMessage(
  entry: WatchEntry,
  notice: AttachmentNotice,
): { text: string; blocks: KnownBlock[] } {
  const names = notice.names;
  const lines = [
    ...notice.added.map(
      (a) =>
        `• attached to ${codeNamed(names, a.instanceId)} at ${escapeMrkdwn(a.attachedTime || 'unknown time')}`,
    ),
    ...notice.removed.map((id) => `• detached from ${codeNamed(names, id)}`),
  ];
  return {
    text: `Attachments of ${namedId(names, entry.diskId)} changed outside the bot`,
    blocks: [
      section(
        `:eyes: *Attachments of ${codeNamed(names, entry.diskId)} changed outside the bot* (console, API or another tool)\n${lines.join('\n')}`,
      ),
      context('No bot request ran on this disk since the last check. `/disk status` shows the mounts now.'),
    ],
  };
}

const SEVERITY: IncidentKind[] = [
  'double_mount',
  'primary_down',
  'reservation',
  'size_behind',
  'disk_missing',
];

/** One line per watched disk: the worst open incident first, else the last cycle's view. */
export function healthLine(
  entry: WatchEntry,
  state: DiskWatchState | undefined,
  incidents: readonly IncidentRecord[],
): string {
  const where = `<#${entry.channelId}>`;
  const label = (id: string) => codeNamed(state?.names, id);
  const open = SEVERITY.filter((k) => incidents.some((i) => i.kind === k));
  if (open.length > 0) {
    const icon =
      open[0] === 'double_mount' || open[0] === 'primary_down' ? ':red_circle:' : ':large_orange_circle:';
    return `${icon} ${label(entry.diskId)} · ${open.map((k) => k.replace('_', ' ')).join(', ')} · ${where}`;
  }
  if (!state) return `:white_circle: \`${entry.diskId}\` · not checked yet · ${where}`;
  const primary = state.primary ? ` · primary ${label(state.primary)}` : '';
  return `:large_green_circle: ${label(entry.diskId)} · ${state.attachments.length} attached${primary} · checked ${when(state.at)} · ${where}`;
}

export function watchListBlocks(lines: readonly string[], title: string): KnownBlock[] {
  if (lines.length === 0)
    return [section(`*${title}*\n_No disk is watched. \`/disk watch <disk-id>\` adopts one._`)];
  const shown = lines.slice(0, 40);
  const more = lines.length - shown.length;
  return [
    section(`*${title}* (${lines.length})`),
    ...Array.from({ length: Math.ceil(shown.length / 15) }, (_, k) =>
      section(shown.slice(k * 15, k * 15 + 15).join('\n')),
    ),
    ...(more > 0 ? [context(`…and ${more} more: \`/disk watch --list\` in a channel shows them all.`)] : []),
  ];
}
