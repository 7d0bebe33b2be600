import type { webApi } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import { guardAuditRecord } from '../cloud/preflight/guard-audit.js';
import type { GuardAuditLog } from '../jobs/ports.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import type { Clock } from '../workflow/ports.js';
import type { Check, DiskRequest, RequestKind, RequestParams } from '../workflow/request.js';
import { buildRequest, type RequestCommand } from '../workflow/request-builder.js';
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
  /** Where data-safety decisions at filing are written (refused, failed closed, overridden). */
  readonly audit?: GuardAuditLog;
  readonly clock?: Clock;
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

/**
 * The `/disk` subcommands that open, list and cancel requests. Order: build and check everything
 * that needs no cloud call, then cloud preflight, then open (atomic), then post the card and store
 * its coordinates at once, so a crash can't leave two cards for one request.
 */
export function requestCommandHandlers(deps: RequestCommandDeps): CommandHandlers {
  const open = async (command: RequestCommand, ctx: CommandContext): Promise<CommandReply> => {
    const built = buildRequest(command, deps.service.policy, deps.defaultRegion);
    if (built.checks.some((c) => c.level === 'error')) return refusedChecks(built.checks);
    const cloudChecks = deps.preflight ? await deps.preflight(built.kind, built.params) : [];
    // A cloud check supersedes the static check of the same code (it saw the real world).
    const cloudCodes = new Set(cloudChecks.map((c) => c.code));
    const checks = [...built.checks.filter((c) => !cloudCodes.has(c.code)), ...cloudChecks];
    if (checks.some((c) => c.level === 'error')) {
      await auditGuard(built.params, checks, ctx.userId, 'error');
      return refusedChecks(checks);
    }

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
      await auditGuard(built.params, checks, ctx.userId, 'danger', opened.value.id);
    const link = await postCard(opened.value, ctx);
    const request = opened.value;
    const where = link ? `<${link}|the approval card>` : 'the approval card';
    return plain(
      `:inbox_tray: Request \`${request.id}\` opened: ${escapeMrkdwn(summarize(request))}. ` +
        `It needs ${request.quorum} approval${request.quorum === 1 ? '' : 's'}; follow ${where}. Cancel with \`/disk cancel ${request.id}\`.`,
    );
  };

  /** Audits the data-safety checks of one level; `danger` (an override) only once the request exists. */
  const auditGuard = async (
    params: RequestParams,
    checks: readonly Check[],
    requesterId: string,
    level: 'error' | 'danger',
    requestId?: string,
  ): Promise<void> => {
    if (!deps.audit) return;
    const diskId = typeof params.diskId === 'string' ? params.diskId : '';
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
