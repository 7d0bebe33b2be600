/**
 * `/disk failover <disk> --from <instance> --to <instance>`: flags, positionals, the schema from the
 * tokenized form, help and canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { FAST_DISK_REF } from '../../commands/fast-fields.js';
import {
  coded,
  crossCheck,
  diskRefSchema,
  emergencySchema,
  instanceRefSchema,
  required,
} from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL, valueFlag } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { FailoverCommand } from './command.js';

const schema = z
  .object({
    diskId: diskRefSchema,
    from: required(instanceRefSchema, 'The instance to fence is required: add --from <instance>.'),
    to: required(instanceRefSchema, 'The instance to take over is required: add --to <instance>.'),
    emergency: emergencySchema.optional(),
  })
  .transform(
    crossCheck((v, ctx) => {
      if (v.from === v.to) {
        coded(ctx, 'conflicting_flags', `--from and --to must be different instances, both are ${v.to}.`, [
          'to',
        ]);
      }
    }),
  )
  .transform(
    (v): FailoverCommand => ({
      kind: 'failover',
      diskId: v.diskId,
      fromInstanceId: v.from,
      toInstanceId: v.to,
      ...(v.emergency === undefined ? {} : { emergencyReason: v.emergency }),
    }),
  );

export const failoverGrammar: KindGrammar<FailoverCommand> = {
  flags: {
    from: valueFlag('from', '--from i-bp1node1 (or the instance name)'),
    to: valueFlag('to', '--to i-bp1node2 (or the instance name)'),
    emergency: valueFlag('emergency', '--emergency "node1 hung"'),
  },
  positionals: { fields: [DISK_POSITIONAL], required: 1 },
  schema,
  usage: ['/disk failover <disk> --from <instance> --to <instance> [--emergency "<reason>"]'],
  summary: 'Fence the old node and hand a shared disk over to a standby instance.',
  notes: [
    '--from and --to must be different instances; fencing of the old node is never skipped.',
    '--emergency "<reason>" starts at once (on-call only) and opens a post-incident review.',
  ],
  examples: [
    '/disk failover d-bp1abc2def3ghi4jkl5m --from i-bp1node1 --to i-bp1node2',
    '/disk failover d-bp1abc2def3ghi4jkl5m --from i-bp1node1 --to i-bp1node2 --emergency "node1 hung, pages firing"',
  ],
  fastFields: [FAST_DISK_REF],
  owns: ownsKinds({ failover: true }),
  render: (command) => [
    'failover',
    quoteValue(command.diskId),
    '--from',
    quoteValue(command.fromInstanceId),
    '--to',
    quoteValue(command.toInstanceId),
    ...flagWords('emergency', command.emergencyReason),
  ],
};
