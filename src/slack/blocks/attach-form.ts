/**
 * `/disk attach <disk>` with no instances: a modal whose instance field is a
 * `multi_external_select` served by the options listener (the picker offers the eligible
 * instances of this disk, filtered by what the user types).
 */
import type { KnownBlock, PlainTextOption, View } from '@slack/types';
import { z } from 'zod';
import type { DiskInfo, InstanceInfo } from '../../cloud/gateway.js';
import { MAX_ATTACHMENTS } from '../../commands/index.js';
import { escapeMrkdwn } from './escape.js';

export const VIEW_ATTACH = 'attach_disk_form';
/** action_id of the instance picker; the options listener answers its block_suggestion requests. */
export const ACTION_ATTACH_INSTANCES = 'attach_instances';

/** Block ids of the form's inputs. */
export const ATTACH_FIELDS = {
  instances: 'instances',
  allowSingleNodeFs: 'allow_single_node_fs',
  reason: 'reason',
} as const;
/** action_id of the plain inputs (the picker has its own, above). */
export const ATTACH_VALUE = 'value';
export const ALLOW_SINGLE_NODE_FS = 'allow';

/** Slack cuts option text at 75 characters. */
const OPTION_TEXT_MAX = 75;

const metadataSchema = z.object({
  channelId: z.string().regex(/^[CGD][A-Z0-9]+$/),
  diskId: z.string().regex(/^d-[a-z0-9]+$/),
});
export type AttachFormMetadata = z.infer<typeof metadataSchema>;

export function parseAttachFormMetadata(raw: string | undefined): AttachFormMetadata | undefined {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `name · type · id`, the name shortened so the id always shows within Slack's 75 characters. */
export function instanceOption(instance: InstanceInfo): PlainTextOption {
  const tail = ` · ${instance.instanceType} · ${instance.instanceId}`;
  const room = Math.max(1, OPTION_TEXT_MAX - tail.length);
  const name = instance.instanceName || '(no name)';
  const shown =
    Array.from(name).length > room
      ? `${Array.from(name)
          .slice(0, room - 1)
          .join('')}…`
      : name;
  return {
    text: { type: 'plain_text', text: `${shown}${tail}`.slice(0, OPTION_TEXT_MAX) },
    value: instance.instanceId,
  };
}

export interface AttachFormInput {
  readonly channelId: string;
  readonly disk: DiskInfo;
  readonly reason?: string;
  readonly allowSingleNodeFs?: boolean;
}

export function attachFormModal(input: AttachFormInput): View {
  const { disk } = input;
  const room = Math.max(1, MAX_ATTACHMENTS - disk.attachments.length);
  const where = disk.zoneId ? `in ${disk.zoneId}` : `in ${disk.regionId}`;
  const allow = {
    text: { type: 'mrkdwn' as const, text: '*--allow-single-node-fs*' },
    description: {
      type: 'plain_text' as const,
      text: 'Only if you know the disk holds no ext4/XFS that another instance mounts: needs extra approvals.',
    },
    value: ALLOW_SINGLE_NODE_FS,
  };
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          `*${escapeMrkdwn(disk.diskName || 'unnamed')}* \`${disk.diskId}\` · ${disk.category} · ${disk.sizeGiB} GiB · ` +
          `${disk.zoneId || disk.regionId} · ${disk.attachments.length}/${MAX_ATTACHMENTS} attached`,
      },
    },
    {
      type: 'input',
      block_id: ATTACH_FIELDS.instances,
      label: { type: 'plain_text', text: 'Instances' },
      hint: {
        type: 'plain_text',
        text: `NVMe instances ${where} that are Running and not attached yet. Type part of a name, id or type.`,
      },
      element: {
        type: 'multi_external_select',
        action_id: ACTION_ATTACH_INSTANCES,
        min_query_length: 0,
        max_selected_items: room,
        placeholder: { type: 'plain_text', text: `Pick up to ${room} instances` },
      },
    },
    {
      type: 'input',
      block_id: ATTACH_FIELDS.allowSingleNodeFs,
      optional: true,
      label: { type: 'plain_text', text: 'Single-node file system' },
      element: {
        type: 'checkboxes',
        action_id: ATTACH_VALUE,
        options: [allow],
        ...(input.allowSingleNodeFs ? { initial_options: [allow] } : {}),
      },
    },
    {
      type: 'input',
      block_id: ATTACH_FIELDS.reason,
      optional: true,
      label: { type: 'plain_text', text: 'Reason (shown to approvers)' },
      element: {
        type: 'plain_text_input',
        action_id: ATTACH_VALUE,
        multiline: true,
        max_length: 500,
        ...(input.reason ? { initial_value: input.reason } : {}),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: VIEW_ATTACH,
    private_metadata: JSON.stringify({ channelId: input.channelId, diskId: disk.diskId }),
    title: { type: 'plain_text', text: 'Attach a shared disk' },
    submit: { type: 'plain_text', text: 'Request' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}
