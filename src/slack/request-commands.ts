import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { accountOfScope } from '../cloud/account-context.js';
import { guardAuditRecord } from '../cloud/preflight/guard-audit.js';
import type { GuardAuditLog } from '../jobs/ports.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { Clock } from '../workflow/ports.js';
import type { Check, DiskRequest, RequestKind, RequestParams } from '../workflow/request.js';
import { type BuiltRequest, buildRequest, type RequestCommand } from '../workflow/request-builder.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip, plural, SLACK_LIMITS, withSlackDates } from './blocks/limits.js';
import { plainRequestCard, requestCard, summarize } from './blocks/request-card.js';
import { requestListBlocks, requestListText } from './blocks/request-list.js';
import type { CommandContext, CommandHandlers, CommandReply } from './ports.js';
import { REFUSED_PAYLOAD, slackErrorCode } from './slack-error.js';

/** Cloud preflight (issue 5): extra checks fed by Describe calls; absent until the gateway is wired. */
export type Preflight = (kind: RequestKind, params: RequestParams) => Promise<Check[]>;

export interface RequestCommandDeps {
  readonly service: ApprovalService;
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly defaultRegion: string;
  readonly preflight?: Preflight;
  /** Where data-safety decisions at filing are written (refused, failed closed, overridden). */
  readonly audit?: GuardAuditLog;
  readonly clock?: Clock;
  readonly logger: Logger;
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
  const lines = failed.map((c) => `${LEVEL_ICON.error} *${c.code}*: ${escapeMrkdwn(c.message)}`).join('\n');
  return plain(`Nothing was requested; fix this first:\n${lines}`);
}

/** Preflight answers that mean the request would change nothing: answered, never filed. */
const NOTHING_TO_CHANGE = new Set(['nothing_to_attach', 'nothing_to_detach']);

/** Why a request is not opened: the checks that refuse it, or that it would change nothing. */
export type RequestVerdict =
  | { readonly ok: true; readonly built: BuiltRequest; readonly checks: Check[] }
  | { readonly ok: false; readonly checks: readonly Check[]; readonly reply: CommandReply };

/**
 * Every check a request gets before it is opened (static, then cloud preflight), shared by the
 * typed commands and the forms, which show refusals next to the field they are about.
 */
export function requestChecker(deps: Pick<RequestCommandDeps, 'service' | 'defaultRegion' | 'preflight'>) {
  return async (command: RequestCommand): Promise<RequestVerdict> => {
    const built = buildRequest(command, deps.service.policy, deps.defaultRegion);
    if (built.checks.some((c) => c.level === 'error')) {
      return { ok: false, checks: built.checks, reply: refusedChecks(built.checks) };
    }
    const cloudChecks = deps.preflight ? await deps.preflight(built.kind, built.params) : [];
    // A cloud check supersedes the static check of the same code (it saw the real world).
    const cloudCodes = new Set(cloudChecks.map((c) => c.code));
    const checks = [...built.checks.filter((c) => !cloudCodes.has(c.code)), ...cloudChecks];
    if (checks.some((c) => c.level === 'error')) return { ok: false, checks, reply: refusedChecks(checks) };
    const noop = checks.find((c) => NOTHING_TO_CHANGE.has(c.code));
    if (noop) {
      return {
        ok: false,
        checks: [noop],
        reply: plain(
          `:white_check_mark: Nothing to change: ${escapeMrkdwn(noop.message)} No request was opened.`,
        ),
      };
    }
    return { ok: true, built, checks };
  };
}

/**
 * The `/disk` subcommands that open, list and cancel requests. Order: build and check everything
 * that needs no cloud call, then cloud preflight, then open (atomic), then post the card and store
 * its coordinates at once, so a crash can't leave two cards for one request.
 */
export function requestCommandHandlers(deps: RequestCommandDeps): CommandHandlers {
  const check = requestChecker(deps);
  const open = async (command: RequestCommand, ctx: CommandContext): Promise<CommandReply> => {
    const verdict = await check(command);
    const diskId = 'diskId' in command ? command.diskId : '';
    if (!verdict.ok) {
      await auditGuard(diskId, verdict.checks, ctx.userId, 'error');
      return verdict.reply;
    }
    const { built, checks } = verdict;

    const opened = await deps.service.open({
      kind: built.kind,
      requesterId: ctx.userId,
      channelId: ctx.channelId,
      params: built.params,
      plan: built.plan,
      checks,
      allowSingleNodeFs: built.allowSingleNodeFs,
      force: built.force,
      emergency: built.emergency,
      ...accountOfScope(),
    });
    if (!opened.ok) return plain(`:no_entry: ${opened.message}`);
    if (checks.some((c) => c.rule && c.level === 'danger'))
      await auditGuard(diskId, checks, ctx.userId, 'danger', opened.value.id);
    const request = opened.value;
    const card = await postCard(request, ctx);
    if (!card.ok) return cardFailed(request, card.channel, card.error);
    return plain(openedReply(request, card.link));
  };

  /** Audits the data-safety checks of one level; `danger` (an override) only once the request exists. */
  const auditGuard = async (
    diskId: string,
    checks: readonly Check[],
    requesterId: string,
    level: 'error' | 'danger',
    requestId?: string,
  ): Promise<void> => {
    if (!deps.audit) return;
    for (const check of checks.filter((c) => c.rule && c.level === level)) {
      const record = guardAuditRecord({
        diskId,
        moment: 'filing',
        check,
        requesterId,
        ...(requestId ? { requestId } : {}),
      });
      try {
        await deps.audit.record({ ...record, actor: requesterId, at: deps.clock?.now() ?? Date.now() });
      } catch (error) {
        deps.logger.warn({ event: 'audit.guard_failed', err: error }, 'guard decision not audited');
      }
    }
  };

  /**
   * Posts the card and stores its coordinates. A transient failure is retried once; a card Slack
   * refuses (or that fails twice) falls back to the plain card. Never throws: the caller cancels
   * the request when no card could be posted, so no request waits for approval unseen.
   */
  const postCard = async (
    request: DiskRequest,
    ctx: CommandContext,
  ): Promise<{ ok: true; link?: string } | { ok: false; channel: string; error: string }> => {
    const channel = deps.service.policy.channels.approvals ?? ctx.channelId;
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

  /** No card: cancel the request (it could never be approved) and tell the requester why. */
  const cardFailed = async (request: DiskRequest, channel: string, error: string): Promise<CommandReply> => {
    const where = `<#${channel}>`;
    if (request.state !== 'pending') {
      return plain(
        `:warning: Request \`${request.id}\` (${escapeMrkdwn(summarize(request))}) is running, but its card could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`). Follow it with \`/disk requests\`.`,
      );
    }
    const cancelled = await deps.service.cancel(request.id, request.requesterId);
    if (!cancelled.ok)
      deps.logger.error(
        { event: 'request.orphan_cancel_failed', requestId: request.id, code: cancelled.code },
        cancelled.message,
      );
    return plain(
      `:x: Nothing will run: the approval card for \`${request.id}\` could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`), ` +
        'so the request was cancelled instead of waiting unseen. Ask an admin to check that the bot is in that channel, then run the command again.',
    );
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
