import type { App, ViewStateValue } from '@slack/bolt';
import type { FilingVerdict } from '../../../app/filing.js';
import { type DiskCommand, parseDiskCommand, quoteValue } from '../../../commands/index.js';
import type { Logger } from '../../../logger.js';
import type { Check } from '../../../workflow/request.js';
import { withinBudget } from '../../ack-budget.js';
import {
  ACTION_ATTACH_INSTANCES,
  ATTACH_FIELDS,
  ATTACH_VALUE,
  parseAttachFormMetadata,
  VIEW_ATTACH,
} from '../../blocks/attach-form.js';
import type { CommandHandler, CommandReply, SendEphemeral } from '../../ports.js';

type FormValues = Record<string, Record<string, ViewStateValue>>;
type AttachCommand = Extract<DiskCommand, { kind: 'attach' }>;

export interface AttachFormDeps {
  /** Opens the request (names resolved, checks run again, card posted). */
  readonly attach: CommandHandler<'attach'> | undefined;
  /** The request's checks, so a refusal shows on the form instead of after it closed. */
  readonly check?: (command: AttachCommand) => Promise<FilingVerdict>;
  readonly logger: Logger;
  /** How the form's answer reaches the user who submitted it. */
  readonly sendEphemeral: SendEphemeral;
}

/** Slack shows an inline error of a few lines; the whole story still reaches the user if it is longer. */
const ERROR_MAX = 300;

/** The form is another way to type `/disk attach`: the same command text, the same grammar. */
export function attachFormToCommandText(diskId: string, values: FormValues): string {
  const picked = values[ATTACH_FIELDS.instances]?.[ACTION_ATTACH_INSTANCES]?.selected_options ?? [];
  const allow = values[ATTACH_FIELDS.allowSingleNodeFs]?.[ATTACH_VALUE]?.selected_options ?? [];
  const reason = values[ATTACH_FIELDS.reason]?.[ATTACH_VALUE]?.value?.trim();
  const parts = ['attach', quoteValue(diskId), ...picked.map((o) => quoteValue(o.value ?? ''))];
  if (allow.length > 0) parts.push('--allow-single-node-fs');
  if (reason) parts.push('--reason', quoteValue(reason));
  return parts.join(' ');
}

/** Cut to `max` characters, with an ellipsis when something was left out. */
export const cut = (text: string, max = ERROR_MAX): string =>
  text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;

const refusal = (checks: readonly Check[]): string =>
  cut(
    checks
      .filter((c) => c.level === 'error' || c.code.startsWith('nothing_to'))
      .map((c) => c.message)
      .join(' '),
  );

/**
 * The attach form's submit: grammar errors and refusing checks come back on the field they are
 * about (`response_action: errors`, every value kept); otherwise the modal closes and the request
 * opens as if typed, answered privately in the channel the command came from.
 */
export function registerAttachForm(app: App, deps: AttachFormDeps): void {
  app.view(VIEW_ATTACH, async ({ ack, body, view }) => {
    const metadata = parseAttachFormMetadata(view.private_metadata);
    if (!metadata) {
      await ack();
      return;
    }
    const parsed = parseDiskCommand(attachFormToCommandText(metadata.diskId, view.state.values));
    if (!parsed.ok || parsed.command.kind !== 'attach') {
      const onReason = !parsed.ok && parsed.error.token?.toLowerCase().endsWith('reason');
      const message = parsed.ok ? 'Pick at least one instance.' : parsed.error.message;
      const field = onReason ? ATTACH_FIELDS.reason : ATTACH_FIELDS.instances;
      await ack({ response_action: 'errors', errors: { [field]: cut(message) } });
      return;
    }
    const command = parsed.command;
    if (deps.check) {
      // Past the budget the modal closes anyway; the request's own checks then answer in the channel.
      const verdict = await withinBudget(deps.check(command));
      if (verdict.done && !verdict.value.ok) {
        await ack({
          response_action: 'errors',
          errors: { [ATTACH_FIELDS.instances]: refusal(verdict.value.checks) || 'This cannot be requested.' },
        });
        return;
      }
    }
    await ack();
    const user = body.user.id;
    const reply: CommandReply = deps.attach
      ? await deps
          .attach(command, {
            userId: user,
            channelId: metadata.channelId,
            teamId: body.team?.id ?? '',
            triggerId: '',
          })
          .catch((error: unknown) => {
            deps.logger.error({ event: 'attach_form.failed', err: error }, 'attach from form failed');
            return { text: 'Something went wrong on our side; nothing was requested.' };
          })
      : { text: '`/disk attach` is not available in this deployment; nothing was requested.' };
    await deps.sendEphemeral(view.id, metadata.channelId, user, {
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
    });
  });
}
