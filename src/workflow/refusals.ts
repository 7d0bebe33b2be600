import type { DiskRequest, RequestState } from './request.js';

/** Stable codes of refusals the Slack layer renders (ephemeral replies, card notes). */
export type ApprovalCode =
  | 'not_requester_allowed'
  | 'emergency_not_allowed'
  | 'no_approvers'
  | 'checks_failed'
  | 'invalid_input'
  | 'not_found'
  | 'not_approver'
  | 'self_approval'
  | 'already_approved_by_you'
  | 'already_finished'
  | 'expired'
  | 'plan_changed'
  | 'not_your_request'
  | 'card_conflict'
  | 'invalid_cursor'
  | 'wrong_state'
  | 'step_mismatch';

/** Who ended the approval phase (or the run) and when, for "already approved by <@U…> at …". */
export interface FinishedBy {
  readonly state: RequestState;
  readonly by: string;
  readonly at: number;
}

export type Refusal = {
  ok: false;
  code: ApprovalCode;
  message: string;
  /** Set with `already_finished` and `expired`. */
  finished?: FinishedBy;
  /** The request as stored, when it exists (lets the UI refresh a stale card). */
  request?: DiskRequest;
};
/** Assignable to `Outcome<T>` from `errors.ts`, with the extra refusal data above. */
export type ServiceResult<T> = { ok: true; value: T } | Refusal;

export const refuse = (code: ApprovalCode, message: string, extra: Partial<Refusal> = {}): Refusal => ({
  ok: false,
  code,
  message,
  ...extra,
});
export const iso = (ms: number) => new Date(ms).toISOString();
export const mention = (userId: string) => (userId === 'system' ? 'the expiry sweeper' : `<@${userId}>`);

/** The approval phase is over: say who ended it and when ("already approved by <@U1> at …"). */
export function finishedRefusal(request: DiskRequest): Refusal {
  const by = request.decision?.by ?? 'system';
  const at = request.decision?.at ?? request.updatedAt;
  const finished: FinishedBy = { state: request.state, by, at };
  let message: string;
  switch (request.state) {
    case 'rejected':
      message = `Request ${request.id} was already rejected by ${mention(by)} at ${iso(at)}.`;
      break;
    case 'cancelled':
      message = `Request ${request.id} was already cancelled by ${mention(by)} at ${iso(at)}.`;
      break;
    case 'expired':
      return refuse('expired', `Request ${request.id} already expired at ${iso(at)}.`, { finished, request });
    default: {
      const approvers = request.approvals.length > 0 ? request.approvals.map((a) => a.userId) : [by];
      const now = request.state === 'approved' ? '' : ` (now ${request.state})`;
      message = `Request ${request.id} was already approved by ${approvers.map(mention).join(', ')} at ${iso(at)}${now}.`;
    }
  }
  return refuse('already_finished', message, { finished, request });
}
