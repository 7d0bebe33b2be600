/**
 * `/disk snapshot` (issue 19): the grammar pieces src/commands reads one line each (flags, schema,
 * help, canonical text), the card summary, the result text and the Retry mapping. A file apart from
 * `domain.ts` because src/commands imports it and `domain.ts` imports src/kinds types that import
 * src/commands (no cycles).
 */
import { z } from 'zod';
import { diskRefSchema, reasonSchema, wholeNumber } from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import type { DiskCommand } from '../../commands/types.js';
import type { SnapshotParams } from './params.js';

/** CreateSnapshot's `RetentionDays` range; absent keeps the snapshot until someone deletes it. */
export const RETENTION_DAYS = { min: 1, max: 65_536 } as const;

export type SnapshotCommand = Extract<DiskCommand, { kind: 'snapshot' }>;

export const snapshotFlags = {
  'retention-days': { kind: 'value', field: 'retentionDays', example: '--retention-days 30' },
  reason: { kind: 'value', field: 'reason', example: '--reason "before the upgrade"' },
} as const;

export const snapshotCommandSchema = z
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
    (v): DiskCommand => ({
      kind: 'snapshot',
      diskId: v.diskId,
      ...(v.retentionDays === undefined ? {} : { retentionDays: v.retentionDays }),
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

export const snapshotHelp = {
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
} as const;

/** The canonical text of the command after `/disk` (what `parseDiskCommand` reads back). */
export function renderSnapshot(command: SnapshotCommand): string[] {
  return [
    'snapshot',
    quoteValue(command.diskId),
    ...(command.retentionDays === undefined ? [] : ['--retention-days', String(command.retentionDays)]),
    ...(command.reason === undefined ? [] : ['--reason', quoteValue(command.reason)]),
  ];
}

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
