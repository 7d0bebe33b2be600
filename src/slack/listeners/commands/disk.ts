import { randomUUID } from 'node:crypto';
import type { App, SlashCommand } from '@slack/bolt';
import { type DiskCommand, parseDiskCommand } from '../../../commands/index.js';
import type { Logger } from '../../../logger.js';
import type { Metrics } from '../../../metrics.js';
import { createFormModal } from '../../blocks/create-form.js';
import { helpBlocks } from '../../blocks/help.js';
import {
  internalErrorMessage,
  notAvailableMessage,
  usageErrorMessage,
  workingMessage,
} from '../../blocks/replies.js';
import { type CommandRateLimit, rateLimitedMessage } from '../../command-gate.js';
import type { CommandContext, CommandHandler, CommandHandlers, CommandKind } from '../../ports.js';

export const DISK_COMMAND = '/disk';

/** Slack HTML-escapes &, < and > in command text; the grammar wants what the user typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function contextOf(command: SlashCommand): CommandContext {
  return {
    userId: command.user_id,
    channelId: command.channel_id,
    teamId: command.team_id,
    triggerId: command.trigger_id,
  };
}

function handlerFor(
  handlers: CommandHandlers,
  command: DiskCommand,
): CommandHandler<CommandKind> | undefined {
  return handlers[command.kind] as CommandHandler<CommandKind> | undefined;
}

export interface DiskCommandDeps {
  readonly handlers: CommandHandlers;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Pre-filled in the create form: where shared disks usually live. */
  readonly defaultZone?: string;
  /** Per-user command rate; a command over it is answered, not run. */
  readonly rateLimit?: CommandRateLimit;
}

/** The rate decision; when Redis cannot count, the command goes on (its own work will say why it fails). */
async function overRate(deps: DiskCommandDeps, userId: string) {
  if (!deps.rateLimit) return undefined;
  try {
    const decision = await deps.rateLimit(userId);
    return decision.allowed ? undefined : rateLimitedMessage(decision.limit, decision.retryInSec);
  } catch (error) {
    deps.logger.warn({ event: 'command.rate_unavailable', err: error }, 'command rate check failed');
    return undefined;
  }
}

/**
 * `/disk`: parse (pure, microseconds) and answer inside the ack when no I/O is needed; otherwise
 * ack at once and hand the typed command to its handler, replying through response_url.
 */
export function registerDiskCommand(app: App, deps: DiskCommandDeps): void {
  app.command(DISK_COMMAND, async ({ command, ack, respond, client }) => {
    const started = performance.now();
    const parsed = parseDiskCommand(unescapeSlackText(command.text));
    const kind = parsed.ok ? parsed.command.kind : parsed.error.code === 'empty' ? 'help' : 'usage_error';
    const timeAck = () => deps.metrics.ackLatency.observe({ kind }, (performance.now() - started) / 1000);

    if (!parsed.ok && parsed.error.code !== 'empty') {
      await ack(usageErrorMessage(parsed.error));
      timeAck();
      deps.metrics.slackRequests.inc({ kind, outcome: 'rejected' });
      return;
    }
    if (!parsed.ok || parsed.command.kind === 'help') {
      const topic = parsed.ok && parsed.command.kind === 'help' ? parsed.command.topic : undefined;
      const blocks = helpBlocks(topic);
      await ack({ response_type: 'ephemeral', text: 'How to use /disk', blocks });
      timeAck();
      deps.metrics.slackRequests.inc({ kind: 'help', outcome: 'ok' });
      return;
    }

    const limited = await overRate(deps, command.user_id);
    if (limited) {
      await ack(limited);
      timeAck();
      deps.metrics.slackRequests.inc({ kind, outcome: 'rate_limited' });
      return;
    }
    if (parsed.command.kind === 'create_form' && deps.handlers.create) {
      // The trigger id is valid for 3 s after the command: ack, then open the form at once.
      await ack();
      timeAck();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: createFormModal(command.channel_id, deps.defaultZone),
      });
      deps.metrics.slackRequests.inc({ kind, outcome: 'ok' });
      return;
    }
    const handler = handlerFor(deps.handlers, parsed.command);
    if (!handler) {
      await ack(notAvailableMessage(parsed.command.kind));
      timeAck();
      deps.metrics.slackRequests.inc({ kind, outcome: 'not_available' });
      return;
    }

    await ack(workingMessage(parsed.command.kind));
    timeAck();
    try {
      const reply = await handler(parsed.command, contextOf(command));
      await respond({
        response_type: 'ephemeral',
        replace_original: true,
        text: reply.text,
        blocks: reply.blocks,
      });
      deps.metrics.slackRequests.inc({ kind, outcome: 'ok' });
    } catch (error) {
      const reference = randomUUID().slice(0, 8);
      deps.logger.error({ event: 'command.failed', kind, reference, err: error }, 'command handler failed');
      deps.metrics.slackRequests.inc({ kind, outcome: 'error' });
      await respond({ ...internalErrorMessage(reference), replace_original: true });
    }
  });
}
