import { randomUUID } from 'node:crypto';
import type { App, SlashCommand } from '@slack/bolt';
import type { NameResolver } from '../../../app/name-resolver.js';
import { inAccountScope } from '../../../cloud/account-context.js';
import { type DiskCommand, parseDiskCommand, type Subcommand } from '../../../commands/index.js';
import type { Logger } from '../../../logger.js';
import type { Metrics } from '../../../metrics.js';
import { resolveAccountAlias } from '../../../workflow/account-policy.js';
import { attachFormModal } from '../../blocks/attach-form.js';
import { createFormModal } from '../../blocks/create-form.js';
import { helpBlocks } from '../../blocks/help.js';
import {
  accountRefusedMessage,
  internalErrorMessage,
  notAvailableMessage,
  usageErrorMessage,
  workingMessage,
} from '../../blocks/replies.js';
import { type CommandRateLimit, rateLimitedMessage } from '../../command-gate.js';
import { nameProblemReply } from '../../name-resolution.js';
import type {
  CommandContext,
  CommandHandler,
  CommandHandlers,
  CommandKind,
  CommandReply,
} from '../../ports.js';

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

type HelpReply = { response_type: 'ephemeral'; text: string; blocks: ReturnType<typeof helpBlocks> };
const helpReplies = new Map<Subcommand | undefined, Readonly<HelpReply>>();

/**
 * Help depends only on the topic and the grammar, so each reply is built once: building the
 * overview took about a tenth of the bot's CPU per `/disk help` under load (bench:ack profile).
 */
function helpReply(topic: Subcommand | undefined): Readonly<HelpReply> {
  let reply = helpReplies.get(topic);
  if (!reply) {
    reply = Object.freeze({
      response_type: 'ephemeral',
      text: 'How to use /disk',
      blocks: helpBlocks(topic),
    });
    helpReplies.set(topic, reply);
  }
  return reply;
}

export interface DiskCommandDeps {
  readonly handlers: CommandHandlers;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Pre-filled in the create form: where shared disks usually live. */
  readonly defaultZone?: string;
  /** Finds the disk of `/disk attach <disk>` (id or name) for its picker form; absent without a cloud. */
  readonly resolver?: Pick<NameResolver, 'disk' | 'regionId'>;
  /** Per-user command rate; a command over it is answered, not run. */
  readonly rateLimit?: CommandRateLimit;
  /** The policy's account aliases in order (the first is the default); empty: one account. */
  readonly accounts?: readonly string[];
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

type AttachFormCommand = Extract<DiskCommand, { kind: 'attach_form' }>;

/**
 * `/disk attach <disk>` with no instances: find the disk, then open the picker form. The trigger id
 * lives 3 s, so this runs right after the ack; a refusal goes back through response_url.
 */
async function openAttachForm(
  command: AttachFormCommand,
  slash: SlashCommand,
  resolver: Pick<NameResolver, 'disk' | 'regionId'>,
  open: (view: ReturnType<typeof attachFormModal>) => Promise<unknown>,
): Promise<CommandReply | undefined> {
  const found = await resolver.disk(command.diskId);
  if (!found.ok) return nameProblemReply(found.problem);
  const disk = found.value.disk;
  if (!disk) {
    const text = `No disk ${command.diskId} in ${resolver.regionId}; nothing was done.`;
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:grey_question: ${text}` } }] };
  }
  await open(
    attachFormModal({
      channelId: slash.channel_id,
      disk,
      allowSingleNodeFs: command.allowSingleNodeFs,
      ...(command.reason ? { reason: command.reason } : {}),
    }),
  );
  return undefined;
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
      await ack(helpReply(topic));
      timeAck();
      deps.metrics.slackRequests.inc({ kind: 'help', outcome: 'ok' });
      return;
    }

    const account = resolveAccountAlias(deps.accounts ?? [], parsed.account);
    if (!account.ok) {
      await ack(accountRefusedMessage(account.message));
      timeAck();
      deps.metrics.slackRequests.inc({ kind, outcome: 'rejected' });
      return;
    }
    // Everything below — name resolution, checks, filing, reads — acts in the chosen account.
    const inAccount = <T>(run: () => Promise<T>) => inAccountScope({ account: account.value }, run);
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
    if (parsed.command.kind === 'attach_form' && deps.resolver && deps.handlers.attach) {
      await ack();
      timeAck();
      try {
        const { resolver } = deps;
        const form = parsed.command;
        const refused = await inAccount(() =>
          openAttachForm(form, command, resolver, (view) =>
            client.views.open({ trigger_id: command.trigger_id, view }),
          ),
        );
        if (refused)
          await respond({ response_type: 'ephemeral', text: refused.text, blocks: refused.blocks });
        deps.metrics.slackRequests.inc({ kind, outcome: refused ? 'rejected' : 'ok' });
      } catch (error) {
        const reference = randomUUID().slice(0, 8);
        deps.logger.error({ event: 'command.failed', kind, reference, err: error }, 'attach form failed');
        deps.metrics.slackRequests.inc({ kind, outcome: 'error' });
        await respond(internalErrorMessage(reference));
      }
      return;
    }
    const handler = handlerFor(deps.handlers, parsed.command);
    if (!handler) {
      const what = parsed.command.kind === 'attach_form' ? 'attach <disk>' : parsed.command.kind;
      await ack(notAvailableMessage(what));
      timeAck();
      deps.metrics.slackRequests.inc({ kind, outcome: 'not_available' });
      return;
    }

    await ack(workingMessage(parsed.command.kind));
    timeAck();
    try {
      const typed = parsed.command;
      const reply = await inAccount(() => handler(typed, contextOf(command)));
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
