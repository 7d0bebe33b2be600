/**
 * Every data-safety decision is an audit event (`guard`) with the facts it was taken on (issue 10
 * rule 6): refused or failed closed at filing, overridden (who asked, who approved), changed at
 * run time, refused after the first attachment of a two-phase attach. Pure: callers write it.
 */
import type { Check } from '../../workflow/request.js';
import { type FilesystemSnapshot, guestViews } from './guest-view.js';

export type GuardDecision = 'refused' | 'fail_closed' | 'overridden' | 'changed';
export type GuardMoment = 'filing' | 'run';

export const GUARD_AUDIT_EVENT = 'guard';

/** Codes of checks that refuse because something could not be read. */
const UNKNOWN_CODES = new Set([
  'filesystem_unknown',
  'detach_mount_unknown',
  'filesystem_not_read',
  'mounts_not_read',
  'ocfs2_not_read',
  'init_not_read',
]);

export interface GuardAuditInput {
  readonly diskId: string;
  readonly requestId?: string;
  readonly moment: GuardMoment;
  /** At run time, the call the re-check preceded (`AttachDisk`, `ocfs2-format`, …). */
  readonly call?: string;
  readonly check: Check;
  /** Present when this decision ended or will end a step. */
  readonly decision?: GuardDecision;
  readonly filesystem?: FilesystemSnapshot;
  /** Who asked, and who approved (for an override). */
  readonly requesterId?: string;
  readonly approvers?: readonly string[];
  /** The filed check, for a change at run time. */
  readonly before?: Check;
}

export interface GuardAuditRecord {
  readonly event: typeof GUARD_AUDIT_EVENT;
  readonly subject: string;
  readonly details: Record<string, unknown>;
}

/** The decision a check stands for: error → refused (fail_closed when unknown), danger → overridden. */
export function decisionOf(check: Check): GuardDecision | undefined {
  if (check.level === 'error') return UNKNOWN_CODES.has(check.code) ? 'fail_closed' : 'refused';
  if (check.level === 'danger') return 'overridden';
  return undefined;
}

export function guardAuditRecord(input: GuardAuditInput): GuardAuditRecord {
  const decision = input.decision ?? decisionOf(input.check) ?? 'refused';
  return {
    event: GUARD_AUDIT_EVENT,
    subject: input.requestId ?? input.diskId,
    details: {
      decision,
      moment: input.moment,
      ...(input.call ? { call: input.call } : {}),
      diskId: input.diskId,
      rule: input.check.rule ?? null,
      code: input.check.code,
      level: input.check.level,
      facts: input.check.facts ?? null,
      message: input.check.message,
      failClosed: UNKNOWN_CODES.has(input.check.code),
      ...(input.before
        ? {
            before: { code: input.before.code, level: input.before.level, facts: input.before.facts ?? null },
          }
        : {}),
      ...(input.filesystem ? { instances: guestViews(input.filesystem) } : {}),
      ...(input.requesterId ? { requesterId: input.requesterId } : {}),
      ...(input.approvers ? { approvers: [...input.approvers] } : {}),
    },
  };
}
