/**
 * The grammar of `/disk resize <disk> --size <GiB> [--offline] [--no-snapshot] [--reason …]`:
 * flags, positionals, the schema from the tokenized form, usage, summary, notes and examples. Pure;
 * the tables in `src/commands` reference these (one line each). Kept apart from `domain.ts` because
 * `src/commands` may not reach `src/workflow` (the builder's side) without a cycle.
 */
import { z } from 'zod';
import { diskRefSchema, reasonSchema, required, sizeSchema } from '../../commands/fields.js';
import type { DiskCommand } from '../../commands/types.js';
import type { ResizeCommand } from './command.js';

export const RESIZE_FLAGS = {
  size: { kind: 'value', field: 'size', example: '--size 80' },
  offline: { kind: 'switch', field: 'offline' },
  'no-snapshot': { kind: 'switch', field: 'noSnapshot' },
  reason: { kind: 'value', field: 'reason', example: '--reason "logs outgrew it"' },
} as const;

export const RESIZE_POSITIONALS = {
  fields: [
    {
      field: 'diskId',
      label: 'the disk',
      missing: 'The disk is required: its id or its name, e.g. d-bp1abc2def3ghi4jkl5m or shared-db.',
    },
  ],
  required: 1,
} as const;

export const resizeCommandSchema = z
  .object({
    diskId: diskRefSchema,
    size: required(sizeSchema, 'The new size is required: add --size <GiB>, e.g. --size 80.'),
    offline: z.boolean(),
    noSnapshot: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): DiskCommand => ({
      kind: 'resize',
      diskId: v.diskId,
      sizeGiB: v.size,
      offline: v.offline,
      noSnapshot: v.noSnapshot,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

export const RESIZE_USAGE = [
  '/disk resize <disk> --size <GiB> [--offline] [--no-snapshot] [--reason "<text>"]',
] as const;

export const RESIZE_SUMMARY =
  'Grow a shared disk, make every attached instance see the new size, then grow its file system once (goes to approval).';

export const RESIZE_NOTES = [
  'The new size must be larger than the current one and within the category’s range; a disk never shrinks.',
  'A snapshot is taken first and waited for; --no-snapshot skips it and the card shows that in red.',
  'Online (the default) needs every attached instance Running; --offline needs every one Stopped and waits (up to the policy’s bound) until they run again.',
  'Every node rescans the NVMe namespace in one invocation; if any node still sees the old size nothing is grown: the result names it, and Retry resumes from that check without resizing again.',
  'OCFS2 is grown once from a node where it is mounted; ext4/XFS only on a disk attached to one instance; unknown or unreadable guests refuse the request.',
] as const;

export const RESIZE_EXAMPLES = [
  '/disk resize d-bp1abc2def3ghi4jkl5m --size 80 --reason "uploads outgrew it"',
  '/disk resize shared-db --size 500 --offline',
  '/disk resize scratch --size 200 --no-snapshot',
] as const;

/** The command line of a parsed resize (render.ts). */
export function renderResize(
  command: ResizeCommand,
  flag: (name: string, value: string | undefined) => string[],
  quote: (value: string) => string,
): string[] {
  return [
    'resize',
    quote(command.diskId),
    '--size',
    String(command.sizeGiB),
    ...(command.offline ? ['--offline'] : []),
    ...(command.noSnapshot ? ['--no-snapshot'] : []),
    ...flag('reason', command.reason),
  ];
}
