/**
 * `/disk freeze` (issue 20 point 4): a change freeze takes effect at once, without approval, for
 * approvers and on-call; it is audited and announced. Lifting it is a request (`/disk unfreeze`).
 */
import type { Logger } from '../logger.js';
import type { MemberOf } from '../workflow/approvers.js';
import { type ChangeFreeze, type FreezeSwitch, mayFreeze } from '../workflow/freeze.js';
import type { Policy } from '../workflow/policy.js';
import type { Clock } from '../workflow/ports.js';
import type { GuardAuditLog } from './ports.js';

export interface FreezeCommandDeps {
  readonly policy: Policy;
  readonly memberOf: MemberOf;
  readonly freeze: FreezeSwitch;
  /** The audit stream. */
  readonly audit: GuardAuditLog;
  /** Tells the approvals and audit channels (queued; never delays the answer). */
  readonly announce: (freeze: ChangeFreeze) => Promise<void>;
  readonly clock: Clock;
  readonly logger: Logger;
}

export type FreezeOutcome =
  | { readonly ok: true; readonly freeze: ChangeFreeze }
  | { readonly ok: false; readonly reason: 'not_allowed' }
  | { readonly ok: false; readonly reason: 'already_frozen'; readonly freeze: ChangeFreeze };

export class FreezeCommands {
  constructor(private readonly deps: FreezeCommandDeps) {}

  async freeze(userId: string, reason: string): Promise<FreezeOutcome> {
    const { deps } = this;
    if (!(await mayFreeze(deps.policy, userId, deps.memberOf))) return { ok: false, reason: 'not_allowed' };
    const at = deps.clock.now();
    const result = await deps.freeze.start({ by: userId, at, reason });
    if (!result.started) return { ok: false, reason: 'already_frozen', freeze: result.freeze };
    // The freeze is in force already: a failed audit or announcement is logged, never undone.
    await deps.audit
      .record({ event: 'freeze.started', subject: 'freeze', actor: userId, at, details: { reason } })
      .catch((error: unknown) =>
        deps.logger.warn({ event: 'freeze.audit_failed', err: error }, 'freeze not audited'),
      );
    await deps
      .announce(result.freeze)
      .catch((error: unknown) =>
        deps.logger.warn({ event: 'freeze.announce_failed', err: error }, 'freeze not announced'),
      );
    return { ok: true, freeze: result.freeze };
  }
}
