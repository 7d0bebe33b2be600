import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { guardAuditRecord } from '../cloud/preflight/guard-audit.js';
import type { GuardAuditLog } from '../jobs/ports.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { Clock } from '../workflow/ports.js';
import type { Check, DiskRequest, RequestKind, RequestParams } from '../workflow/request.js';
import { type BuiltRequest, buildRequest, type RequestCommand } from '../workflow/request-builder.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { clip, plural, SLACK_LIMITS, withSlackDates } from './blocks/limits.js';
import { summarize } from './blocks/request-card.js';
import { requestListBlocks, requestListText } from './blocks/request-list.js';
import type { Delivery } from './outbox/outbox.js';
import type { CommandContext, CommandHandlers, CommandReply } from './ports.js';

/** Cloud preflight (issue 5): extra checks fed by Describe calls; absent until the gateway is wired. */
export type Preflight = (kind: RequestKind, params: RequestParams) => Promise<Check[]>;

export interface RequestCommandDeps {
  readonly service: ApprovalService;
  readonly client: webApi.WebClient;
  readonly token: () => string;
  /** Waits for the request's card (queued by the card publisher) to be posted, at most `timeoutMs`. */
  readonly cardPosted: (requestId: string, timeoutMs: number) => Promise<Delivery | undefined>;
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

/** How long filing waits for the card before answering that it is on its way (the reply has ~30 min). */
const CARD_WAIT_MS = 6_000;
/** The card's link is a nicety: one quick try, never a wait. */
const PERMALINK_WAIT_MS = 1_500;

/** What the requester is told once the card is up (or on its way): what happens next, in plain words. */
function openedReply(request: DiskRequest, card: string): string {
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
 * that needs no cloud call, then cloud preflight, then open (atomic; the card is queued in the
 * outbox by the transition), then answer once the card is up or a few seconds have passed.
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
    });
    if (!opened.ok) return plain(`:no_entry: ${opened.message}`);
    if (checks.some((c) => c.rule && c.level === 'danger'))
      await auditGuard(diskId, checks, ctx.userId, 'danger', opened.value.id);
    const request = opened.value;
    return plain(await cardReply(request));
  };

  /**
   * The card is queued by the card publisher when the request is opened and sent by the outbox
   * before audit lines and progress; this waits a few seconds for it, then answers either way.
   */
  const cardReply = async (request: DiskRequest): Promise<string> => {
    const delivery = deps.cardPosted(request.id, CARD_WAIT_MS);
    const stored = (await deps.service.get(request.id))?.card;
    const posted = stored ? { ok: true as const, channel: stored.channelId, ts: stored.ts } : await delivery;
    if (posted?.ok && posted.channel && posted.ts) {
      const link = await permalink(posted.channel, posted.ts);
      return openedReply(request, link ? `<${link}|the card>` : 'the card');
    }
    const channel = deps.service.policy.channels.approvals ?? request.channelId;
    if (posted?.ok === false) return cardFailed(request, channel, posted.error);
    return openedReply(
      request,
      `the card in <#${channel}> (Slack is slow right now; the card is posted as soon as it accepts it)`,
    );
  };

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

  /** No card: the outbox cancelled the request (it could never be approved); say why. */
  const cardFailed = (request: DiskRequest, channel: string, error: string): string => {
    const where = `<#${channel}>`;
    if (request.state !== 'pending') {
      return `:warning: Request \`${request.id}\` (${escapeMrkdwn(summarize(request))}) is running, but its card could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`). Follow it with \`/disk requests\`.`;
    }
    return (
      `:x: Nothing will run: the approval card for \`${request.id}\` could not be posted to ${where} (Slack said \`${escapeMrkdwn(error)}\`), ` +
      'so the request was cancelled instead of waiting unseen. Ask an admin to check that the bot is in that channel, then run the command again.'
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
