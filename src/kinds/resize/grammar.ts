/**
 * The grammar of `/disk resize <disk> --size <GiB> [--offline] [--no-snapshot] [--reason …]`:
 * flags, positionals, the schema from the tokenized form, help and canonical text. Pure; read by
 * src/commands through the kinds list. Kept apart from `domain.ts` because `src/commands` may not
 * reach `src/workflow` (the builder's side) without a cycle.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { FAST_DISK_REF, FAST_SIZE } from '../../commands/fast-fields.js';
import { diskRefSchema, reasonSchema, required, sizeSchema } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL, valueFlag } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { ResizeCommand } from './command.js';

const schema = z
  .object({
    diskId: diskRefSchema,
    size: required(sizeSchema, 'The new size is required: add --size <GiB>, e.g. --size 80.'),
    offline: z.boolean(),
    noSnapshot: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): ResizeCommand => ({
      kind: 'resize',
      diskId: v.diskId,
      sizeGiB: v.size,
      offline: v.offline,
      noSnapshot: v.noSnapshot,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

export const resizeGrammar: KindGrammar<ResizeCommand> = {
  flags: {
    size: valueFlag('size', '--size 80'),
    offline: { kind: 'switch', field: 'offline' },
    'no-snapshot': { kind: 'switch', field: 'noSnapshot' },
    reason: valueFlag('reason', '--reason "logs outgrew it"'),
  },
  positionals: { fields: [DISK_POSITIONAL], required: 1 },
  schema,
  usage: ['/disk resize <disk> --size <GiB> [--offline] [--no-snapshot] [--reason "<text>"]'],
  summary:
    'Grow a shared disk, make every attached instance see the new size, then grow its file system once (goes to approval).',
  notes: [
    'The new size must be larger than the current one and within the category’s range; a disk never shrinks.',
    'A snapshot is taken first and waited for; --no-snapshot skips it and the card shows that in red.',
    'Online (the default) needs every attached instance Running; --offline needs every one Stopped and waits (up to the policy’s bound) until they run again.',
    'Every node rescans the NVMe namespace in one invocation; if any node still sees the old size nothing is grown: the result names it, and Retry resumes from that check without resizing again.',
    'OCFS2 is grown once from a node where it is mounted; ext4/XFS only on a disk attached to one instance; unknown or unreadable guests refuse the request.',
  ],
  examples: [
    '/disk resize d-bp1abc2def3ghi4jkl5m --size 80 --reason "uploads outgrew it"',
    '/disk resize shared-db --size 500 --offline',
    '/disk resize scratch --size 200 --no-snapshot',
  ],
  fastFields: [FAST_DISK_REF, FAST_SIZE],
  owns: ownsKinds({ resize: true }),
  render: (command) => [
    'resize',
    quoteValue(command.diskId),
    '--size',
    String(command.sizeGiB),
    ...(command.offline ? ['--offline'] : []),
    ...(command.noSnapshot ? ['--no-snapshot'] : []),
    ...flagWords('reason', command.reason),
  ],
};
