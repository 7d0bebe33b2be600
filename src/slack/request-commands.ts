import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { FilingOutcome, FilingService } from '../app/filing.js';
import type { ApprovalCards, CardPublication } from '../app/ports.js';
import { byKind } from '../kinds/kinds.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { type IdNames, nameIds } from '../workflow/names.js';
import type { Check, DiskRequest } from '../workflow/request.js';
import type { RequestCommand } from '../workflow/request-builder.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { frozenRefusal } from './blocks/freeze.js';
import { clip, plural, SLACK_LIMITS, withSlackDates } from './blocks/limits.js';
import { summarize } from './blocks/request-card.js';
import { requestListBlocks, requestListText } from './blocks/request-list.js';
import type { Delivery } from './outbox/outbox.js';
import type { CommandContext, CommandHandlers, CommandReply } from './ports.js';

export interface RequestCommandDeps {
  readonly filing: FilingService;
  /** Lists and cancels requests. */
  readonly service: ApprovalService;
}

const LEVEL_ICON: Record<Check['level'], string> = { ok: '✅', warning: '⚠️', danger: '🚨', error: '⛔' };

function plain(message: string, blocks?: KnownBlock[]): CommandReply {
  const text = withSlackDates(message);
  return {
    text: clip(text, 3000),
    blocks: blocks ?? [
      { type: 'section', text: { type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText) } },
    ],
  };
}

/** What the requester is told once the card is up: what happens next, in plain words. */
function openedReply(request: DiskRequest, where: { link?: string; queuedIn?: string }): string {
  const card = where.link
    ? `<${where.link}|the card>`
    : where.queuedIn
      ? `the card in <#${where.queuedIn}> (Slack is slow right now; the card is posted as soon as it accepts it)`
      : 'the card';
  const what = `${escapeMrkdwn(summarize(request))}`;
  if (request.quorum === 0) {
    return (
      `:rotating_light: Emergency request \`${request.id}\` opened and running now, without waiting for approval: ${what}. ` +
      `Progress and the result go to the thread of ${card}; approvers get a post-incident review on App Home.`
    );
  }
  return (
    `:inbox_tray: Request \`${request.id}\` opened: ${what}. It needs ${plural(request.quorum, 'approval')}; ` +
    `you will be mentioned in the thread of ${card} when it is approved or rejected, and when it finishes. ` +
    `Cancel with \`/disk cancel ${request.id}\`.`
  );
}

function refusedChecks(checks: readonly Check[], names?: IdNames): CommandReply {
  const failed = checks.filter((c) => c.level === 'error');
  const lines = failed
    .map((c) => `${LEVEL_ICON.error} ${escapeMrkdwn(nameIds(c.message, names))}`)
    .join('\n');
  return plain(`Nothing was requested; fix this first:\n${lines}`);
}

/** What the requester is told when a request was not opened, or opened without its card. */
function refusal(outcome: Exclude<FilingOutcome, { ok: true }>, names?: IdNames): CommandReply {
  switch (outcome.reason) {
    case 'refused':
      return refusedChecks(outcome.checks, names);
    case 'nothing_to_change':
      return plain(
        `:white_check_mark: Nothing to change: ${escapeMrkdwn(nameIds(outcome.checks[0].message, names))} No request was opened.`,
      );
    case 'not_opened':
      return plain(`:no_entry: ${outcome.message}`);
    case 'no_card':
      return cardFailed(outcome.request, outcome.channel, outcome.error);
    case 'frozen':
      return plain(frozenRefusal(outcome.freeze));
    case 'not_frozen':
      return plain(
        ':white_check_mark: Not frozen: there is no change freeze to lift. No request was opened.',
      );
  }
}

/** No card: a running request is followed elsewhere; a pending one was cancelled (it could never be approved). */
function cardFailed(request: DiskRequest, channel: string, error: string): CommandReply {
  const where = `<#${channel}>`;
  if (request.state !== 'pending') {
    return plain(
      `:warning: Request \`${request.id}\` (${escapeMrkdwn(summarize(request))}) is running, but its card could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`). Follow it with \`/disk requests\`.`,
    );
  }
  return plain(
    `:x: Nothing will run: the approval card for \`${request.id}\` could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`), ` +
      'so the request was cancelled instead of waiting unseen. Ask an admin to check that the bot is in that channel, then run the command again.',
  );
}

/** The `/disk` subcommands that open, list and cancel requests: each calls one service and renders. */
export function requestCommandHandlers(deps: RequestCommandDeps): CommandHandlers {
  const open = async (command: RequestCommand, ctx: CommandContext): Promise<CommandReply> => {
    const outcome = await deps.filing.file(command, ctx);
    return outcome.ok
      ? { ...plain(openedReply(outcome.request, outcome)), requestId: outcome.request.id }
      : refusal(outcome, 'names' in command ? command.names : undefined);
  };
  return {
    // Every request kind files the same way: its module (src/kinds) says what it asks.
    ...byKind(() => open),
    requests: async (command, ctx) => {
      const page = await deps.service.list({ filter: command.filter, userId: ctx.userId, limit: 20 });
      if (!page.ok) return plain(`:no_entry: ${page.message}`);
      const blocks = requestListBlocks(command.filter, page.value.items, page.value.nextCursor);
      return { text: requestListText(page.value.items.length), blocks };
    },
    cancel: async (command, ctx) => {
      const result = await deps.service.cancel(command.requestId, ctx.userId);
      return result.ok
        ? plain(`:heavy_multiplication_x: Request \`${result.value.id}\` is cancelled; nothing will run.`)
        : plain(`:no_entry: ${result.message}`);
    },
  };
}

export interface ApprovalCardDeps {
  readonly client: webApi.WebClient;
  readonly token: () => string;
  /** Waits for the request's card (queued by the card publisher) to be posted, at most `timeoutMs`. */
  readonly cardPosted: (requestId: string, timeoutMs: number) => Promise<Delivery | undefined>;
  readonly service: Pick<ApprovalService, 'get' | 'policy'>;
}

/** How long filing waits for the card before answering that it is on its way (the reply has ~30 min). */
const CARD_WAIT_MS = 6_000;
/** The card's link is a nicety: one quick try, never a wait. */
const PERMALINK_WAIT_MS = 1_500;

/**
 * The approval card of a newly opened request. The card publisher queued it in the outbox when the
 * request was opened, ahead of audit lines and progress; this waits a few seconds for it, then
 * answers either way. A card Slack refused for good has already cancelled its pending request.
 */
export function slackApprovalCards(deps: ApprovalCardDeps): ApprovalCards {
  const permalink = async (channel: string, ts: string): Promise<string | undefined> => {
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), PERMALINK_WAIT_MS).unref(),
    );
    const ask = deps.client.chat.getPermalink({ token: deps.token(), channel, message_ts: ts }).then(
      (link) => link.permalink,
      () => undefined,
    );
    return Promise.race([ask, timeout]);
  };
  return {
    publish: async (request, requesterChannelId): Promise<CardPublication> => {
      const delivery = deps.cardPosted(request.id, CARD_WAIT_MS);
      const stored = (await deps.service.get(request.id))?.card;
      const posted = stored
        ? { ok: true as const, channel: stored.channelId, ts: stored.ts }
        : await delivery;
      if (posted?.ok && posted.channel && posted.ts) {
        const link = await permalink(posted.channel, posted.ts);
        return { ok: true, ...(link ? { link } : {}) };
      }
      const channel = deps.service.policy.channels.approvals ?? requesterChannelId;
      if (posted?.ok === false) return { ok: false, channel, error: posted.error };
      return { ok: true, queuedIn: channel };
    },
  };
}
