/**
 * The watch's Slack side (issue 13): posting alerts, `/disk watch`, `/disk watch --list`,
 * `/disk unwatch`, and the "Fail over to <standby>" buttons, which file the failover through the
 * same handler as `/disk failover` (approvals and fencing are the failover that exists today).
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { AlertMessageRef, IncidentResolution, WatchEntry } from '../app/ports.js';
import type { FirstLookPoster, WatchCommands } from '../app/watch-commands.js';
import { describeFailure } from '../cloud/explain.js';
import type { Logger } from '../logger.js';
import { namedId } from '../workflow/names.js';
import type { DiskRequest } from '../workflow/request.js';
import type { AttachmentNotice, Evaluation, IncidentRecord } from '../workflow/watch-rules.js';
import { escapeMrkdwn } from './blocks/escape.js';
import {
  ACTION_WATCH_EMERGENCY,
  ACTION_WATCH_FAILOVER,
  type AlertOptions,
  attachmentNoticeMessage,
  endedAlertMessage,
  healthLine,
  incidentMessage,
  parseFailoverButtonValue,
  type ResolvingRequest,
  resolvedMessage,
  watchListBlocks,
} from './blocks/watch.js';
import type { SlackOutbox } from './outbox/outbox.js';
import { idPart } from './outbox/writes.js';
import type { CommandHandler, CommandHandlers, CommandReply } from './ports.js';

/**
 * How long an alert's post waits for Slack to take the alert, so the resolution can end it later
 * (an alert still owed after that goes out anyway, but is not edited: its button is refused once
 * the incident has ended).
 */
const ALERT_DELIVERY_WAIT_MS = 5_000;

/** The outbox id part naming one incident: its disk, its kind and when it opened. */
const incidentKey = (incident: IncidentRecord) =>
  [incident.diskId, incident.kind, incident.openedAt].map(idPart).join(':');

/**
 * The watch's posts, through the outbox: incidents, attachment changes and a newly watched disk's
 * first look. Ids are stable, so a cycle that posts an opening again (its commit outlived the
 * post) or a second replica never posts it twice.
 */
export class SlackWatchNotifier implements FirstLookPoster {
  constructor(
    private readonly outbox: SlackOutbox,
    private readonly options: AlertOptions & {
      auditChannel?: string;
      /** Reads a request, so the resolution names who filed what. */
      request?: (id: string) => Promise<DiskRequest | undefined>;
      /** How long an alert waits for its delivery (default 5 s). */
      deliveryWaitMs?: number;
    },
  ) {}

  /** Critical: the alert carries the Fail over button. Returns the alerts Slack took in time. */
  async incident(phase: 'opened' | 'reminder', incident: IncidentRecord): Promise<AlertMessageRef[]> {
    const message = incidentMessage(phase, incident, this.options);
    const channels = [incident.channelId];
    if (incident.kind === 'double_mount' && phase === 'opened' && this.options.auditChannel)
      channels.push(this.options.auditChannel);
    const occasion = phase === 'opened' ? phase : `${phase}-${incident.lastAlertAt}`;
    const waitMs = this.options.deliveryWaitMs ?? ALERT_DELIVERY_WAIT_MS;
    const deliveries = await Promise.all(
      [...new Set(channels)].map(async (channel) => {
        const id = `alert:${incidentKey(incident)}:${occasion}:${idPart(channel)}`;
        // Listening before the put: a quick delivery is not missed.
        const delivered = this.outbox.delivered(id, waitMs);
        await this.outbox.put(id, { kind: 'post', channel, message }, 'critical', 'once');
        return delivered;
      }),
    );
    return deliveries.flatMap((d) => (d?.ok && d.channel && d.ts ? [{ channel: d.channel, ts: d.ts }] : []));
  }

  /** Ends every alert of the incident (buttons gone, outcome named), then posts the resolution. */
  async resolved(incident: IncidentRecord, resolution: IncidentResolution): Promise<void> {
    const requests: ResolvingRequest[] = [];
    for (const id of resolution.requestIds) {
      const request = await this.options.request?.(id);
      if (request)
        requests.push({ id, kind: request.kind, requesterId: request.requesterId, state: request.state });
    }
    const view = { resolvedAt: resolution.resolvedAt, requests };
    const ended = endedAlertMessage(incident, view);
    for (const alert of resolution.alerts)
      await this.outbox.put(
        `alert-end:${idPart(alert.channel)}:${idPart(alert.ts)}`,
        { kind: 'edit', channel: alert.channel, ts: alert.ts, message: ended },
        'critical',
        'once',
      );
    await this.outbox.put(
      `alert:${incidentKey(incident)}:resolved:${idPart(incident.channelId)}`,
      { kind: 'post', channel: incident.channelId, message: resolvedMessage(incident, view) },
      'critical',
      'once',
    );
  }

  /** Background: nobody waits for it, and it must not hold an alert or a card back. */
  async attachmentsChanged(entry: WatchEntry, notice: AttachmentNotice): Promise<void> {
    await this.outbox.put(
      `attachments:${idPart(entry.diskId)}:${notice.seenAt}:${idPart(entry.channelId)}`,
      { kind: 'post', channel: entry.channelId, message: attachmentNoticeMessage(entry, notice) },
      'background',
      'once',
    );
  }

  /** Critical: the person who typed `/disk watch` was told it follows, and waits for it. */
  async firstLook(
    entry: WatchEntry,
    { findings, state }: Pick<Evaluation, 'findings' | 'state'>,
  ): Promise<void> {
    const label = (id: string) => escapeMrkdwn(namedId(state.names, id));
    const seen = `${state.attachments.length} attached${state.primary ? ` · primary ${label(state.primary)}` : ''}`;
    const trouble = findings.map((f) => `• :warning: ${escapeMrkdwn(f.summary)}`).join('\n');
    const text = `:eyes: Now watching ${label(entry.diskId)} here (added by <@${entry.addedBy}>). First look: ${seen}.\n${trouble || 'No trouble seen.'}`;
    await this.outbox.put(
      `first-look:${idPart(entry.diskId)}:${entry.addedAt}:${idPart(entry.channelId)}`,
      {
        kind: 'post',
        channel: entry.channelId,
        message: {
          text: `Now watching ${entry.diskId}`,
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
        },
      },
      'critical',
      'once',
    );
  }
}

const reply = (text: string, blocks?: KnownBlock[]): CommandReply => ({
  text,
  blocks: blocks ?? [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
});

/** One line per watched disk, from the last cycle and the open incidents. */
export async function watchedDiskLines(commands: WatchCommands): Promise<string[]> {
  return (await commands.watched()).map((w) => healthLine(w.entry, w.state, w.incidents));
}

export function watchCommandHandlers(commands: WatchCommands): CommandHandlers {
  const watch: CommandHandler<'watch'> = async (command, ctx) => {
    if (command.list) {
      const lines = await watchedDiskLines(commands);
      return { text: `${lines.length} watched disk(s)`, blocks: watchListBlocks(lines, 'Watched disks') };
    }
    const outcome = await commands.watch(command.diskId, {
      userId: ctx.userId,
      channelId: command.channelId ?? ctx.channelId,
    });
    if (outcome.ok)
      return reply(
        `:eyes: ${outcome.added ? 'Watching' : 'Still watching'} \`${outcome.entry.diskId}\`; alerts go to <#${outcome.entry.channelId}>, where its first status follows.`,
      );
    switch (outcome.reason) {
      case 'cloud_failed':
        return reply(`:x: *${escapeMrkdwn(outcome.failure.code)}*: ${escapeMrkdwn(outcome.failure.message)}`);
      case 'no_disk':
        return reply(`:no_entry: No disk ${command.diskId} in ${outcome.regionId}.`);
      case 'not_shared':
        return reply(
          `:no_entry: ${command.diskId} is not a multi-attach disk; the watch is for shared disks.`,
        );
    }
  };
  return {
    watch,
    unwatch: async (command) =>
      (await commands.unwatch(command.diskId))
        ? reply(`:wave: No longer watching \`${command.diskId}\`.`)
        : reply(`\`${command.diskId}\` was not watched.`),
  };
}

/** Why an old alert's button filed nothing, and what to do instead. */
export function endedIncidentRefusal(diskId: string, from: string): string {
  return `:no_entry: Nothing was filed: this alert has ended. The watch no longer sees \`${from}\` down as the primary of \`${diskId}\` (the alert in the channel names what resolved it). \`/disk status ${diskId}\` shows the disk now; if it still needs a failover, file it with \`/disk failover\`.`;
}

/**
 * The alert's buttons. The click files a failover request exactly like `/disk failover`, as the
 * clicker, in the alert's channel; the emergency button adds the emergency reason, and the
 * approval service decides whether this user may take that path.
 */
export function registerWatchButtons(
  app: App,
  deps: {
    failover: CommandHandler<'failover'> | undefined;
    /** The open incidents: a button whose incident has ended files nothing. */
    incidents: () => Promise<readonly IncidentRecord[]>;
    logger: Logger;
  },
): void {
  for (const [actionId, emergency] of [
    [ACTION_WATCH_FAILOVER, false],
    [ACTION_WATCH_EMERGENCY, true],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const value = parseFailoverButtonValue(action.value);
      const say = (text: string, blocks?: KnownBlock[]) =>
        respond({ response_type: 'ephemeral', replace_original: false, text, ...(blocks ? { blocks } : {}) });
      if (!value || !deps.failover)
        return void (await say('That button cannot be read any more; use `/disk failover`.'));
      const open = (await deps.incidents()).some(
        (i) => i.kind === 'primary_down' && i.diskId === value.diskId && i.failover?.from === value.from,
      );
      if (!open) return void (await say(endedIncidentRefusal(value.diskId, value.from)));
      await say(
        `:hourglass_flowing_sand: Opening a failover of \`${value.diskId}\` from \`${value.from}\` to \`${value.to}\`: reading the disk and both instances, the request follows here…`,
      );
      const result = await deps
        .failover(
          {
            kind: 'failover',
            diskId: value.diskId,
            fromInstanceId: value.from,
            toInstanceId: value.to,
            ...(emergency ? { emergencyReason: `watch alert: ${value.from} is down` } : {}),
          },
          {
            userId: body.user.id,
            channelId: body.channel?.id ?? '',
            teamId: body.team?.id ?? '',
            triggerId: body.trigger_id,
          },
        )
        .catch((error: unknown) => {
          deps.logger.warn(
            { event: 'watch.failover_click_failed', err: error },
            'failover from alert failed',
          );
          return reply(
            `:x: The failover could not be filed: ${escapeMrkdwn(describeFailure(error).message)}`,
          );
        });
      await say(result.text, result.blocks);
    });
  }
}
