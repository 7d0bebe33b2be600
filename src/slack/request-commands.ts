import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { FilingOutcome, FilingService } from '../app/filing.js';
import type { ApprovalCards, CardPublication } from '../app/ports.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { Check, DiskRequest } from '../workflow/request.js';
import type { RequestCommand } from '../workflow/request-builder.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip, plural, SLACK_LIMITS, withSlackDates } from './blocks/limits.js';
import { plainRequestCard, requestCard, summarize } from './blocks/request-card.js';
import { requestListBlocks, requestListText } from './blocks/request-list.js';
import type { CommandContext, CommandHandlers, CommandReply } from './ports.js';
import { REFUSED_PAYLOAD, slackErrorCode } from './slack-error.js';

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
function openedReply(request: DiskRequest, link: string | undefined): string {
  const card = link ? `<${link}|the card>` : 'the card';
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

function refusedChecks(checks: readonly Check[]): CommandReply {
  const failed = checks.filter((c) => c.level === 'error');
  const lines = failed.map((c) => `${LEVEL_ICON.error} ${escapeMrkdwn(c.message)}`).join('\n');
  return plain(`Nothing was requested; fix this first:\n${lines}`);
}

/** What the requester is told when a request was not opened, or opened without its card. */
function refusal(outcome: Exclude<FilingOutcome, { ok: true }>): CommandReply {
  switch (outcome.reason) {
    case 'refused':
      return refusedChecks(outcome.checks);
    case 'nothing_to_change':
      return plain(
        `:white_check_mark: Nothing to change: ${escapeMrkdwn(outcome.checks[0].message)} No request was opened.`,
      );
    case 'not_opened':
      return plain(`:no_entry: ${outcome.message}`);
    case 'no_card':
      return cardFailed(outcome.request, outcome.channel, outcome.error);
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
      ? { ...plain(openedReply(outcome.request, outcome.link)), requestId: outcome.request.id }
      : refusal(outcome);
  };
  return {
    create: open,
    attach: open,
    detach: open,
    failover: open,
    init: open,
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
  readonly service: ApprovalService;
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly logger: Logger;
}

/** The approval card of a newly opened request, in the approvals channel (or where it was asked). */
export function slackApprovalCards(deps: ApprovalCardDeps): ApprovalCards {
  /**
   * Posts the card and stores its coordinates. A transient failure is retried once; a card Slack
   * refuses (or that fails twice) falls back to the plain card. Never throws: filing cancels the
   * request when no card could be posted, so no request waits for approval unseen.
   */
  const postCard = async (request: DiskRequest, requesterChannelId: string): Promise<CardPublication> => {
    const channel = deps.service.policy.channels.approvals ?? requesterChannelId;
    const token = deps.token();
    let error = 'unknown_error';
    const attempts = [
      () => requestCard(request),
      () => requestCard(request),
      () => plainRequestCard(request),
    ];
    for (const [i, build] of attempts.entries()) {
      // Slack refused the payload itself: sending it again cannot help, go to the plain card.
      if (i === 1 && REFUSED_PAYLOAD.has(error)) continue;
      try {
        const posted = await deps.client.chat.postMessage({ token, channel, ...build() });
        if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no channel/ts');
        const attached = await deps.service.attachCard(request.id, {
          channelId: posted.channel,
          ts: posted.ts,
        });
        if (!attached.ok)
          deps.logger.warn(
            { event: 'request.card_not_attached', requestId: request.id, code: attached.code },
            attached.message,
          );
        if (i > 0)
          deps.logger.warn(
            { event: 'request.card_fallback', requestId: request.id, attempt: i + 1, previousError: error },
            i === 2 ? 'posted the plain card' : 'card posted on retry',
          );
        return { ok: true, ...(await permalink(posted.channel, posted.ts)) };
      } catch (thrown) {
        error = slackErrorCode(thrown);
        deps.logger.warn(
          { event: 'request.card_post_failed', requestId: request.id, attempt: i + 1, error },
          'could not post the approval card',
        );
      }
    }
    return { ok: false, channel, error };
  };

  const permalink = async (channel: string, ts: string): Promise<{ link?: string }> => {
    try {
      const link = await deps.client.chat.getPermalink({ token: deps.token(), channel, message_ts: ts });
      return link.permalink ? { link: link.permalink } : {};
    } catch {
      return {};
    }
  };

  return {
    publish: (request, requesterChannelId) => postCard(request, requesterChannelId),
  };
}
