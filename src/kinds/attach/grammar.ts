/**
 * `/disk attach <disk> [<instance>...]`: flags, positionals, the schema from the tokenized form,
 * help and canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { FAST_DISK_REF } from '../../commands/fast-fields.js';
import { diskRefSchema, instancesSchema, reasonSchema } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL, INSTANCES_POSITIONAL, REASON_FLAG } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { AttachCommand, AttachFormCommand } from './command.js';

const schema = z
  .object({
    diskId: diskRefSchema,
    instanceIds: instancesSchema,
    allowSingleNodeFs: z.boolean(),
    reason: reasonSchema.optional(),
  })
  .transform((v): AttachCommand | AttachFormCommand => ({
    // No instances: the picker form, which offers the eligible ones.
    ...(v.instanceIds.length === 0
      ? { kind: 'attach_form' as const }
      : { kind: 'attach' as const, instanceIds: v.instanceIds }),
    diskId: v.diskId,
    allowSingleNodeFs: v.allowSingleNodeFs,
    ...(v.reason === undefined ? {} : { reason: v.reason }),
  }));

function render(command: AttachCommand | AttachFormCommand): string[] {
  return [
    'attach',
    quoteValue(command.diskId),
    ...(command.kind === 'attach' ? command.instanceIds.map(quoteValue) : []),
    ...(command.allowSingleNodeFs ? ['--allow-single-node-fs'] : []),
    ...flagWords('reason', command.reason),
  ];
}

export const attachGrammar: KindGrammar<AttachCommand | AttachFormCommand> = {
  flags: { 'allow-single-node-fs': { kind: 'switch', field: 'allowSingleNodeFs' }, reason: REASON_FLAG },
  positionals: { fields: [DISK_POSITIONAL], rest: INSTANCES_POSITIONAL, restOptional: true, required: 1 },
  schema,
  usage: [
    '/disk attach <disk> <instance>... [--allow-single-node-fs] [--reason "<text>"]',
    '/disk attach <disk>               (no instances: opens a form with an instance picker)',
  ],
  summary: 'Request attaching a shared disk to up to 16 instances (goes to approval).',
  notes: [
    'At most 16 instances, all in the disk’s zone and on NVMe instance types.',
    'Without instances, a form offers the eligible ones (NVMe, same zone, Running, not yet attached) to pick from.',
    'A disk holding a single-node file system (ext4, XFS, …), or one whose file system cannot be read, is refused on a second instance unless --allow-single-node-fs is given; that needs extra approvals.',
    'A disk attached nowhere whose content is unknown is attached to the first instance, inspected, and attached to the rest only if it is blank or holds a cluster file system.',
  ],
  examples: [
    '/disk attach d-bp1abc2def3ghi4jkl5m i-bp1node1 i-bp1node2 --reason "add the second node"',
    '/disk attach shared-db db-node-2',
    '/disk attach shared-db',
  ],
  fastFields: [FAST_DISK_REF],
  owns: ownsKinds({ attach: true, attach_form: true }),
  render,
};
