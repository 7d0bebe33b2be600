import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { Check, DiskRequest, RequestKind, RequestParams } from '../workflow/request.js';
import { type BuiltRequest, buildRequest, type RequestCommand } from '../workflow/request-builder.js';
import { escapeMrkdwn } from './blocks/escape.js';
import { requestCard, summarize } from './blocks/request-card.js';
import { requestListBlocks } from './blocks/request-list.js';
import type { CommandContext, CommandHandlers, CommandReply } from './ports.js';

/** Cloud preflight (issue 5): extra checks fed by Describe calls; absent until the gateway is wired. */
export type Preflight = (kind: RequestKind, params: RequestParams) => Promise<Check[]>;

export interface RequestCommandDeps {
  readonly service: ApprovalService;
  readonly client: webApi.WebClient;
  readonly token: () => string;
  readonly defaultRegion: string;
  readonly preflight?: Preflight;
  readonly logger: Logger;
}

const LEVEL_ICON: Record<Check['level'], string> = { ok: '✅', warning: '⚠️', danger: '🚨', error: '⛔' };

function plain(text: string, blocks?: KnownBlock[]): CommandReply {
  return {
    text,
    blocks: blocks ?? [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
  };
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
    if (!verdict.ok) return verdict.reply;
    const { built, checks } = verdict;

    const opened = await deps.service.open({
      kind: built.kind,
      requesterId: ctx.userId,
      channelId: ctx.channelId,
      params: built.params,
      plan: built.plan,
      checks,
      allowSingleNodeFs: built.allowSingleNodeFs,
      emergency: built.emergency,
    });
    if (!opened.ok) return plain(`:no_entry: ${opened.message}`);
    const link = await postCard(opened.value, ctx);
    const request = opened.value;
    const where = link ? `<${link}|the approval card>` : 'the approval card';
    return plain(
      `:inbox_tray: Request \`${request.id}\` opened: ${escapeMrkdwn(summarize(request))}. ` +
        `It needs ${request.quorum} approval${request.quorum === 1 ? '' : 's'}; follow ${where}. Cancel with \`/disk cancel ${request.id}\`.`,
    );
  };

  const postCard = async (request: DiskRequest, ctx: CommandContext): Promise<string | undefined> => {
    const channel = deps.service.policy.channels.approvals ?? ctx.channelId;
    const token = deps.token();
    const posted = await deps.client.chat.postMessage({ token, channel, ...requestCard(request) });
    if (!posted.channel || !posted.ts) throw new Error('chat.postMessage returned no channel/ts');
    const attached = await deps.service.attachCard(request.id, { channelId: posted.channel, ts: posted.ts });
    if (!attached.ok)
      deps.logger.warn(
        { event: 'request.card_not_attached', requestId: request.id, code: attached.code },
        attached.message,
      );
    try {
      const link = await deps.client.chat.getPermalink({
        token,
        channel: posted.channel,
        message_ts: posted.ts,
      });
      return link.permalink;
    } catch {
      return undefined;
    }
  };

  return {
    create: open,
    attach: open,
    detach: open,
    failover: open,
    requests: async (command, ctx) => {
      const page = await deps.service.list({ filter: command.filter, userId: ctx.userId, limit: 20 });
      if (!page.ok) return plain(`:no_entry: ${page.message}`);
      const blocks = requestListBlocks(command.filter, page.value.items, page.value.nextCursor);
      return { text: `${page.value.items.length} request(s)`, blocks };
    },
    cancel: async (command, ctx) => {
      const result = await deps.service.cancel(command.requestId, ctx.userId);
      return result.ok
        ? plain(`:heavy_multiplication_x: Request \`${result.value.id}\` is cancelled; nothing will run.`)
        : plain(`:no_entry: ${result.message}`);
    },
  };
}
