/**
 * `/disk snapshot` (issue 19): the grammar src/commands reads through the kinds list (flags,
 * schema, help, canonical text), the card summary, the result text and the Retry mapping. A file
 * apart from `domain.ts` because the kinds list imports it and `domain.ts` imports src/commands,
 * which derives its tables from the kinds list (no cycles).
 */
import { z } from 'zod';
import { FAST_DISK_REF } from '../../commands/fast-fields.js';
import { diskRefSchema, reasonSchema, wholeNumber } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { DISK_POSITIONAL } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { SnapshotCommand } from './command.js';
import type { SnapshotParams } from './params.js';

/** CreateSnapshot's `RetentionDays` range; absent keeps the snapshot until someone deletes it. */
export const RETENTION_DAYS = { min: 1, max: 65_536 } as const;

const flags = {
  'retention-days': { kind: 'value', field: 'retentionDays', example: '--retention-days 30' },
  reason: { kind: 'value', field: 'reason', example: '--reason "before the upgrade"' },
} as const;

const schema = z
  .object({
    diskId: diskRefSchema,
    retentionDays: wholeNumber(
      RETENTION_DAYS.min,
      RETENTION_DAYS.max,
      `must be a whole number of days between ${RETENTION_DAYS.min} and ${RETENTION_DAYS.max}`,
    ).optional(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): SnapshotCommand => ({
      kind: 'snapshot',
      diskId: v.diskId,
      ...(v.retentionDays === undefined ? {} : { retentionDays: v.retentionDays }),
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

/** The canonical text of the command after `/disk` (what `parseDiskCommand` reads back). */
function render(command: SnapshotCommand): string[] {
  return [
    'snapshot',
    quoteValue(command.diskId),
    ...(command.retentionDays === undefined ? [] : ['--retention-days', String(command.retentionDays)]),
    ...(command.reason === undefined ? [] : ['--reason', quoteValue(command.reason)]),
  ];
}

export const snapshotGrammar: KindGrammar<SnapshotCommand> = {
  flags,
  positionals: { fields: [DISK_POSITIONAL], required: 1 },
  schema,
  usage: ['/disk snapshot <disk> [--retention-days <n>] [--reason "<text>"]'],
  summary: 'Request a snapshot of a shared disk; the result names its s-… id (goes to approval).',
  notes: [
    'The snapshot is named after the request, who asked and why, and tagged with the request and the requester.',
    `--retention-days ${RETENTION_DAYS.min}–${RETENTION_DAYS.max}: ECS deletes it after that many days; without it the snapshot is kept until deleted.`,
    'A disk mounted read-write anywhere gives a crash-consistent copy only (like pulling the power); the card says so.',
    'Refused while another snapshot of the disk is being made, and for a disk the bot does not manage.',
  ],
  examples: [
    '/disk snapshot shared-db --reason "before the schema migration"',
    '/disk snapshot d-bp1abc2def3ghi4jkl5m --retention-days 30',
  ],
  fastFields: [FAST_DISK_REF],
  owns: ownsKinds({ snapshot: true }),
  render,
};

const keptFor = (retentionDays: number | undefined) =>
  retentionDays === undefined ? 'kept until deleted' : `kept ${retentionDays} days`;

/** The card's one-line summary (plain text). */
export function snapshotSummary(p: SnapshotParams): string {
  return `snapshot ${p.diskId} (${keptFor(p.retentionDays)})${p.reason ? `: ${p.reason}` : ''}`;
}

/** The result: the snapshot to restore from, by id. */
export function snapshotResultText(p: SnapshotParams, snapshotId: string): string {
  return `Snapshot ${snapshotId} of ${p.diskId} is accomplished (${keptFor(p.retentionDays)}); restore from ${snapshotId}.`;
}

/** Retry: the same snapshot asked for again, through today's policy and a fresh preflight. */
export function retrySnapshot(p: SnapshotParams): SnapshotCommand {
  return {
    kind: 'snapshot',
    diskId: p.diskId,
    ...(p.retentionDays === undefined ? {} : { retentionDays: p.retentionDays }),
    ...(p.reason ? { reason: p.reason } : {}),
  };
}
