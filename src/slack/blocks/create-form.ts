import type { KnownBlock, View } from '@slack/types';
import { z } from 'zod';

export const VIEW_CREATE = 'create_disk_form';

/** Block ids of the form's inputs; the action id inside each block is `value`. */
export const CREATE_FIELDS = {
  name: 'name',
  size: 'size',
  category: 'category',
  pl: 'pl',
  zone: 'zone',
  reason: 'reason',
} as const;
export type CreateField = keyof typeof CREATE_FIELDS;

const option = (text: string, value: string) => ({ text: { type: 'plain_text' as const, text }, value });

const metadataSchema = z.object({ channelId: z.string().regex(/^[CGD][A-Z0-9]+$/) });

export function parseCreateFormMetadata(raw: string): { channelId: string } | undefined {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `/disk create` with no arguments: the same request as the typed command, field by field. */
export function createFormModal(channelId: string, defaultZone?: string): View {
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: CREATE_FIELDS.name,
      label: { type: 'plain_text', text: 'Disk name' },
      hint: { type: 'plain_text', text: '2–128 characters, starting with a letter.' },
      element: { type: 'plain_text_input', action_id: 'value', max_length: 128 },
    },
    {
      type: 'input',
      block_id: CREATE_FIELDS.size,
      label: { type: 'plain_text', text: 'Size (GiB)' },
      element: {
        type: 'number_input',
        action_id: 'value',
        is_decimal_allowed: false,
        min_value: '1',
        max_value: '65536',
      },
    },
    {
      type: 'input',
      block_id: CREATE_FIELDS.category,
      label: { type: 'plain_text', text: 'Category' },
      element: {
        type: 'static_select',
        action_id: 'value',
        initial_option: option('ESSD', 'essd'),
        options: [
          option('ESSD', 'essd'),
          option('ESSD AutoPL', 'autopl'),
          option('Regional ESSD', 'regional'),
        ],
      },
    },
    {
      type: 'input',
      block_id: CREATE_FIELDS.pl,
      optional: true,
      label: { type: 'plain_text', text: 'Performance level (ESSD only; default PL1)' },
      element: {
        type: 'static_select',
        action_id: 'value',
        options: ['PL0', 'PL1', 'PL2', 'PL3'].map((pl) => option(pl, pl)),
      },
    },
    {
      type: 'input',
      block_id: CREATE_FIELDS.zone,
      optional: true,
      label: { type: 'plain_text', text: 'Zone (not for Regional ESSD)' },
      // Said, not silently chosen: the typed command asks for --zone, so the form shows its pick.
      hint: {
        type: 'plain_text',
        text: defaultZone
          ? `Filled in with ${defaultZone}, the first zone allowed here (the typed command needs --zone ${defaultZone}). Change it, or empty it for a Regional ESSD.`
          : 'The zone the disk lives in, e.g. cn-hangzhou-i (the typed command needs --zone). Leave it empty for a Regional ESSD.',
      },
      element: {
        type: 'plain_text_input',
        action_id: 'value',
        ...(defaultZone ? { initial_value: defaultZone } : {}),
        placeholder: { type: 'plain_text', text: 'cn-hangzhou-i' },
      },
    },
    {
      type: 'input',
      block_id: CREATE_FIELDS.reason,
      optional: true,
      label: { type: 'plain_text', text: 'Reason (shown to approvers)' },
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 500 },
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEW_CREATE,
    private_metadata: JSON.stringify({ channelId }),
    title: { type: 'plain_text', text: 'Create a shared disk' },
    submit: { type: 'plain_text', text: 'Request' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** Which form field a parser error token belongs to, so the error shows next to it. */
export function fieldForToken(token: string | undefined): CreateField {
  const flag = token?.replace(/^[-—–]+/, '').toLowerCase();
  switch (flag) {
    case 'size':
      return 'size';
    case 'category':
      return 'category';
    case 'pl':
      return 'pl';
    case 'zone':
      return 'zone';
    case 'reason':
      return 'reason';
    default:
      return 'name';
  }
}
