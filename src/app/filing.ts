/**
 * Filing a request (issue 18 point 7): every check a request gets before it is opened, the audit of
 * data-safety decisions, opening it, and its approval card. The Slack commands and forms call this
 * once and render the outcome. The builder and the cloud preflight are one injected function each,
 * so the safety pipeline can replace them without touching the order of filing.
 */
import { accountOfScope } from '../cloud/account-context.js';
import { guardAuditRecord } from '../cloud/preflight/guard-audit.js';
import { domainOf } from '../kinds/domain-registry.js';
import type { Logger } from '../logger.js';
import type { ApprovalService } from '../workflow/approval-service.js';
import { type ChangeFreeze, type FreezeSwitch, frozenOut } from '../workflow/freeze.js';
import type { Clock } from '../workflow/ports.js';
import type { Check, DiskRequest, RequestKind, RequestOrigin, RequestParams } from '../workflow/request.js';
import type { BuiltRequest, RequestCommand } from '../workflow/request-builder.js';
import type { ApprovalCards, GuardAuditLog } from './ports.js';

/** Static checks and the plan of a command (the request builder, bound to the policy and region). */
export type BuildRequest = (command: RequestCommand) => BuiltRequest;

/** Cloud preflight (issue 5): extra checks fed by Describe calls; absent without a cloud. */
export type Preflight = (kind: RequestKind, params: RequestParams) => Promise<Check[]>;

/** Preflight answers that mean the request would change nothing: answered, never filed. */
const NOTHING_TO_CHANGE = new Set(['nothing_to_attach', 'nothing_to_detach']);

/** Whether a request may be opened: its checks, or why not. */
export type FilingVerdict =
  | { readonly ok: true; readonly built: BuiltRequest; readonly checks: Check[] }
  | { readonly ok: false; readonly reason: 'refused'; readonly checks: readonly Check[] }
  | { readonly ok: false; readonly reason: 'nothing_to_change'; readonly checks: readonly [Check] }
  /** A change freeze is in force and this kind may not be filed during one. */
  | {
      readonly ok: false;
      readonly reason: 'frozen';
      readonly freeze: ChangeFreeze;
      readonly checks: readonly [];
    }
  /** `/disk unfreeze` without a freeze: nothing to lift. */
  | { readonly ok: false; readonly reason: 'not_frozen'; readonly checks: readonly [] };

export type FilingOutcome =
  | Exclude<FilingVerdict, { ok: true }>
  | { readonly ok: false; readonly reason: 'not_opened'; readonly message: string }
  /** Opened, but Slack refused its card for good; the outbox cancelled a pending request so it never waits unseen. */
  | {
      readonly ok: false;
      readonly reason: 'no_card';
      readonly request: DiskRequest;
      readonly channel: string;
      readonly error: string;
    }
  | { readonly ok: true; readonly request: DiskRequest; readonly link?: string; readonly queuedIn?: string };

export interface FilingDeps {
  readonly service: ApprovalService;
  readonly build: BuildRequest;
  readonly preflight?: Preflight;
  readonly cards: ApprovalCards;
  /** Where data-safety decisions at filing are written (refused, failed closed, overridden). */
  readonly audit?: GuardAuditLog;
  /** The change freeze; absent = never frozen. */
  readonly freeze?: FreezeSwitch;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class FilingService {
  constructor(private readonly deps: FilingDeps) {}

  /**
   * Every check a request gets before it is opened (static, then cloud preflight), shared by the
   * typed commands and the forms, which show refusals next to the field they are about.
   */
  async check(command: RequestCommand): Promise<FilingVerdict> {
    const freeze = await this.deps.freeze?.current();
    const { liftsFreeze } = domainOf(command.kind);
    if (liftsFreeze && !freeze) return { ok: false, reason: 'not_frozen', checks: [] };
    if (freeze && frozenOut(this.deps.service.policy, command.kind))
      return { ok: false, reason: 'frozen', freeze, checks: [] };
    const built = this.deps.build(command);
    if (built.checks.some((c) => c.level === 'error'))
      return { ok: false, reason: 'refused', checks: built.checks };
    const cloudChecks = this.deps.preflight ? await this.deps.preflight(built.kind, built.params) : [];
    // A cloud check supersedes the static check of the same code (it saw the real world).
    const cloudCodes = new Set(cloudChecks.map((c) => c.code));
    const checks = [...built.checks.filter((c) => !cloudCodes.has(c.code)), ...cloudChecks];
    if (liftsFreeze && freeze)
      checks.push({
        code: 'freeze_in_force',
        level: 'ok',
        message: `A change freeze is in force: ${freeze.reason}`,
      });
    if (checks.some((c) => c.level === 'error')) return { ok: false, reason: 'refused', checks };
    const noop = checks.find((c) => NOTHING_TO_CHANGE.has(c.code));
    if (noop) return { ok: false, reason: 'nothing_to_change', checks: [noop] };
    return { ok: true, built, checks };
  }

  /**
   * Order: build and check everything that needs no cloud call, then cloud preflight, then open
   * (atomic), then post the card and store its coordinates at once, so a crash can't leave two
   * cards for one request.
   */
  async file(
    command: RequestCommand,
    requester: { userId: string; channelId: string; origin?: RequestOrigin },
  ): Promise<FilingOutcome> {
    const verdict = await this.check(command);
    const diskId = 'diskId' in command ? command.diskId : '';
    if (!verdict.ok) {
      await this.auditGuard(diskId, verdict.checks, requester.userId, 'error');
      return verdict;
    }
    const { built, checks } = verdict;
    const opened = await this.deps.service.open({
      kind: built.kind,
      requesterId: requester.userId,
      channelId: requester.channelId,
      params: built.params,
      plan: built.plan,
      checks,
      allowSingleNodeFs: built.allowSingleNodeFs,
      force: built.force,
      emergency: built.emergency,
      ...(requester.origin ? { origin: requester.origin } : {}),
      ...accountOfScope(),
    });
    if (!opened.ok) return { ok: false, reason: 'not_opened', message: opened.message };
    const request = opened.value;
    if (checks.some((c) => c.rule && c.level === 'danger'))
      await this.auditGuard(diskId, checks, requester.userId, 'danger', request.id);
    const card = await this.deps.cards.publish(request, requester.channelId);
    if (!card.ok) return { ok: false, reason: 'no_card', request, channel: card.channel, error: card.error };
    if ('queuedIn' in card) return { ok: true, request, queuedIn: card.queuedIn };
    return { ok: true, request, ...(card.link ? { link: card.link } : {}) };
  }

  /** Audits the data-safety checks of one level; `danger` (an override) only once the request exists. */
  private async auditGuard(
    diskId: string,
    checks: readonly Check[],
    requesterId: string,
    level: 'error' | 'danger',
    requestId?: string,
  ): Promise<void> {
    const { audit } = this.deps;
    if (!audit) return;
    for (const check of checks.filter((c) => c.rule && c.level === level)) {
      const record = guardAuditRecord({
        diskId,
        moment: 'filing',
        check,
        requesterId,
        ...(requestId ? { requestId } : {}),
      });
      try {
        await audit.record({ ...record, actor: requesterId, at: this.deps.clock.now() });
      } catch (error) {
        this.deps.logger.warn({ event: 'audit.guard_failed', err: error }, 'guard decision not audited');
      }
    }
  }
}
