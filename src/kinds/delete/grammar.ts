/**
 * `/disk delete` (issue 19): the grammar src/commands reads through the kinds list (flags, schema,
 * help, canonical text), the card summary, the result text and the Retry mapping. A delete cannot
 * be undone: a final snapshot is taken first unless `--skip-final-snapshot` says otherwise.
 */
import { z } from 'zod';
import { FAST_DISK_REF } from '../../commands/fast-fields.js';
import { diskRefSchema, reasonSchema } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { DeleteCommand } from './command.js';
import type { DeleteParams } from './params.js';

const flags = {
  'skip-final-snapshot': { kind: 'switch', field: 'skipFinalSnapshot' },
  reason: { kind: 'value', field: 'reason', example: '--reason "project ended"' },
} as const;

const schema = z
  .object({ diskId: diskRefSchema, skipFinalSnapshot: z.boolean(), reason: reasonSchema.optional() })
  .transform(
    (v): DeleteCommand => ({
      kind: 'delete',
      diskId: v.diskId,
      skipFinalSnapshot: v.skipFinalSnapshot,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

/** The canonical text of the command after `/disk` (what `parseDiskCommand` reads back). */
function render(command: DeleteCommand): string[] {
  return [
    'delete',
    quoteValue(command.diskId),
    ...(command.skipFinalSnapshot ? ['--skip-final-snapshot'] : []),
    ...(command.reason === undefined ? [] : ['--reason', quoteValue(command.reason)]),
  ];
}

export const deleteGrammar: KindGrammar<DeleteCommand> = {
  flags,
  positionals: { fields: [DISK_POSITIONAL], required: 1 },
  schema,
  usage: ['/disk delete <disk> [--skip-final-snapshot] [--reason "<text>"]'],
  summary: 'Request deleting a detached shared disk, after a final snapshot (goes to approval).',
  notes: [
    'Refused while the disk is attached anywhere (the reply names the /disk detach to run) and for a disk the bot does not manage.',
    'A final snapshot is taken first and kept after the delete; the result names it to restore from.',
    '--skip-final-snapshot deletes without that copy: the data is gone for good. The card shows it in red.',
    'Needs two approvals unless the policy says otherwise (actions.delete.quorum); the disk stops being watched.',
  ],
  examples: [
    '/disk delete shared-db --reason "project ended"',
    '/disk delete d-bp1abc2def3ghi4jkl5m --skip-final-snapshot --reason "scratch data"',
  ],
  fastFields: [FAST_DISK_REF],
  owns: ownsKinds({ delete: true }),
  render,
};

/** The card's one-line summary (plain text). */
export function deleteSummary(p: DeleteParams): string {
  const copy = p.skipFinalSnapshot ? 'WITHOUT a final snapshot' : 'after a final snapshot';
  return `delete ${p.diskId} ${copy}${p.reason ? `: ${p.reason}` : ''}`;
}

/** The result: gone, and the snapshot to restore from (or why there is none). */
export function deleteResultText(p: DeleteParams, finalSnapshotId: string | undefined): string {
  const gone = `Deleted ${p.diskId}; DescribeDisks no longer lists it.`;
  if (finalSnapshotId) return `${gone} Restore from the final snapshot ${finalSnapshotId}.`;
  return p.skipFinalSnapshot
    ? `${gone} No final snapshot was taken (--skip-final-snapshot): there is nothing to restore from.`
    : `${gone} It was never attached and held no data, so no final snapshot was needed.`;
}

/** Retry: the same delete asked for again, through today's policy and a fresh preflight. */
export function retryDelete(p: DeleteParams): DeleteCommand {
  return {
    kind: 'delete',
    diskId: p.diskId,
    skipFinalSnapshot: p.skipFinalSnapshot,
    ...(p.reason ? { reason: p.reason } : {}),
  };
}
