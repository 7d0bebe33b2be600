import type { App, ViewStateValue } from '@slack/bolt';
import type { FilingVerdict } from '../../../app/filing.js';
import { type DiskCommand, parseDiskCommand, quoteValue } from '../../../commands/index.js';
import type { Logger } from '../../../logger.js';
import type { Check } from '../../../workflow/request.js';
import { withinBudget } from '../../ack-budget.js';
import {
  CREATE_FIELDS,
  type CreateField,
  fieldForToken,
  parseCreateFormMetadata,
  VIEW_CREATE,
} from '../../blocks/create-form.js';
import type { CommandHandler, CommandReply, SendEphemeral } from '../../ports.js';
import { cut } from './attach-form.js';

type CreateCommand = Extract<DiskCommand, { kind: 'create' }>;

type FormValues = Record<string, Record<string, ViewStateValue>>;

function read(values: FormValues, field: CreateField): string | undefined {
  const state = values[CREATE_FIELDS[field]]?.value;
  const raw = state?.selected_option?.value ?? state?.value ?? undefined;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The form is another way to type `/disk create`: its fields become the same command text and go
 * through the same grammar, so the form can never accept what the command would refuse.
 */
export function formToCommandText(values: FormValues): string {
  const parts = ['create', quoteValue(read(values, 'name') ?? '')];
  const flags: [string, string | undefined][] = [
    ['--size', read(values, 'size')],
    ['--category', read(values, 'category')],
    ['--pl', read(values, 'pl')],
    ['--zone', read(values, 'zone')],
    ['--reason', read(values, 'reason')],
  ];
  for (const [flag, value] of flags) if (value !== undefined) parts.push(flag, quoteValue(value));
  return parts.join(' ');
}

/** Which field a refusing check is about (size range, zone support, category policy, …). */
export function fieldForCheck(code: string): CreateField {
  if (code.startsWith('size')) return 'size';
  if (code.startsWith('zone')) return 'zone';
  if (code.startsWith('category')) return 'category';
  return 'name';
}

/** The refusing checks, grouped by the field each is about; Slack keeps every value on the form. */
export function checkErrors(checks: readonly Check[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const c of checks.filter((x) => x.level === 'error')) {
    const block = CREATE_FIELDS[fieldForCheck(c.code)];
    errors[block] = `${errors[block] ? `${errors[block]} ` : ''}${c.message}`;
  }
  for (const [block, text] of Object.entries(errors)) errors[block] = cut(text);
  return errors;
}

export function registerCreateForm(
  app: App,
  create: CommandHandler<'create'> | undefined,
  logger: Logger,
  sendEphemeral: SendEphemeral,
  check?: (command: CreateCommand) => Promise<FilingVerdict>,
): void {
  app.view(VIEW_CREATE, async ({ ack, body, view }) => {
    const parsed = parseDiskCommand(formToCommandText(view.state.values));
    if (!parsed.ok || parsed.command.kind !== 'create') {
      const message = parsed.ok ? 'Fill in the form.' : parsed.error.message;
      const field = parsed.ok ? 'name' : fieldForToken(parsed.error.token);
      await ack({ response_action: 'errors', errors: { [CREATE_FIELDS[field]]: message.slice(0, 300) } });
      return;
    }
    if (check) {
      // Past the budget the modal closes anyway; the request's own checks then answer in the channel.
      const verdict = await withinBudget(check(parsed.command));
      const errors = verdict.done && !verdict.value.ok ? checkErrors(verdict.value.checks) : {};
      if (Object.keys(errors).length > 0) {
        await ack({ response_action: 'errors', errors });
        return;
      }
    }
    await ack();
    const metadata = parseCreateFormMetadata(view.private_metadata);
    if (!metadata) return;
    const user = body.user.id;
    const reply: CommandReply = create
      ? await create(parsed.command, {
          userId: user,
          channelId: metadata.channelId,
          teamId: body.team?.id ?? '',
          triggerId: '',
        }).catch((error: unknown) => {
          logger.error({ event: 'create_form.failed', err: error }, 'create from form failed');
          return { text: 'Something went wrong on our side; nothing was requested.' };
        })
      : { text: '`/disk create` is not available in this deployment; nothing was requested.' };
    await sendEphemeral(view.id, metadata.channelId, user, {
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
    });
  });
}
