/**
 * `/disk detach <disk> <instance>...`: flags, positionals, the schema from the tokenized form, help
 * and canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { FAST_DISK_REF } from '../../commands/fast-fields.js';
import { diskRefSchema, instancesSchema, reasonSchema } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL, INSTANCES_POSITIONAL, REASON_FLAG } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { DetachCommand } from './command.js';

const schema = z
  .object({
    diskId: diskRefSchema,
    instanceIds: instancesSchema,
    force: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): DetachCommand => ({
      kind: 'detach',
      diskId: v.diskId,
      instanceIds: v.instanceIds,
      force: v.force,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

export const detachGrammar: KindGrammar<DetachCommand> = {
  flags: { force: { kind: 'switch', field: 'force' }, reason: REASON_FLAG },
  positionals: { fields: [DISK_POSITIONAL], rest: INSTANCES_POSITIONAL, required: 1 },
  schema,
  usage: ['/disk detach <disk> <instance>... [--force] [--reason "<text>"]'],
  summary: 'Request detaching a shared disk from instances (goes to approval).',
  notes: [
    'Names every instance explicitly; instances the disk is not attached to are skipped.',
    'If the disk is attached to none of them, nothing is requested.',
    'Each instance is inspected first: a disk mounted read-write there is refused ("unmount first", naming the mountpoints) unless --force is given; that needs extra approvals. A read-only mount is a warning.',
  ],
  examples: [
    '/disk detach d-bp1abc2def3ghi4jkl5m i-bp1node2 --reason "node retired"',
    '/disk detach shared-db db-node-2 --force --reason "node hung, data on node1"',
  ],
  fastFields: [FAST_DISK_REF],
  owns: ownsKinds({ detach: true }),
  render: (command) => [
    'detach',
    quoteValue(command.diskId),
    ...command.instanceIds.map(quoteValue),
    ...(command.force ? ['--force'] : []),
    ...flagWords('reason', command.reason),
  ],
};
