import type { Check } from '../../workflow/request.js';

export {
  CREATED_BLANK_TAG,
  FILESYSTEM_RULE,
  type FilesystemReadOptions,
  type FilesystemSnapshot,
  guestViews,
  isKnownBlank,
  needsTwoPhase,
  readFilesystem,
  singleNodeFsRule,
} from './guard.js';
export {
  decisionOf,
  GUARD_AUDIT_EVENT,
  type GuardAuditInput,
  type GuardAuditRecord,
  type GuardDecision,
  guardAuditRecord,
} from './guard-audit.js';
export { GUARD_CHANGED, type GuardChange, guardChange, guardChecks } from './guard-change.js';
export { detachMountRule, MOUNTS_RULE } from './mount-guard.js';
export { NO_OCFS2, OCFS2_SLOTS_RULE } from './ocfs2-grow.js';
export {
  audit,
  type KindSafety,
  momentFacts,
  recheck,
  type SafetyMoment,
  type SafetyReading,
} from './pipeline.js';
export type { LoadWorldOptions, WorldSnapshot } from './world.js';

/** Turns the error checks into one sentence, for `stale_plan` and refusals. */
export function preflightErrors(checks: readonly Check[]): string {
  return checks
    .filter((c) => c.level === 'error')
    .map((c) => c.message)
    .join(' ');
}
