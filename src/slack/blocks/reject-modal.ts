import type { View } from '@slack/types';
import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '../../commands/index.js';
import { clip, SLACK_LIMITS } from './limits.js';

export const VIEW_REJECT = 'request_reject_reason';
export const REJECT_REASON_BLOCK = 'reason';
export const REJECT_REASON_INPUT = 'reason_input';

/** What the reject modal remembers between the click and the submit. */
const rejectMetadataSchema = z.object({
  id: z.string().regex(REQUEST_ID_PATTERN),
  planHash: z.string().regex(/^[0-9a-f]{64}$/),
  channelId: z.string().min(1),
  /** The Reject click came from App Home: the submit refreshes the clicker's Home. */
  fromHome: z.boolean().optional(),
});
export type RejectMetadata = z.infer<typeof rejectMetadataSchema>;

export function parseRejectMetadata(raw: string): RejectMetadata | undefined {
  try {
    const parsed = rejectMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function rejectModal(metadata: RejectMetadata, summary: string): View {
  return {
    type: 'modal',
    callback_id: VIEW_REJECT,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Reject request' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: { type: 'plain_text', text: clip(`${metadata.id}: ${summary}`, SLACK_LIMITS.sectionText) },
      },
      {
        type: 'input',
        block_id: REJECT_REASON_BLOCK,
        label: { type: 'plain_text', text: 'Why? The requester and the channel will see this.' },
        element: {
          type: 'plain_text_input',
          action_id: REJECT_REASON_INPUT,
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
  };
}
