import { CodedError } from '../errors.js';
import type { StoreRefusalCode } from '../workflow/ports.js';

/**
 * Negative return codes of the transition scripts. This enum is the only place they are named:
 * the Lua prelude (`lua/prelude.ts`) is generated from it, and `refusalFor` is the only mapper.
 */
export enum ScriptCode {
  NOT_FOUND = -1,
  WRONG_STATE = -2,
  SELF_APPROVAL = -3,
  DUPLICATE_APPROVAL = -4,
  EXPIRED = -5,
  PLAN_MISMATCH = -6,
  NOT_REQUESTER = -7,
  NOT_EXPIRED = -8,
  ALREADY_EXISTS = -9,
  STEP_MISMATCH = -10,
  CARD_CONFLICT = -11,
  INVALID_TARGET = -12,
}

const REFUSALS: Record<ScriptCode, { code: StoreRefusalCode; message: string }> = {
  [ScriptCode.NOT_FOUND]: { code: 'not_found', message: 'No such request.' },
  [ScriptCode.WRONG_STATE]: {
    code: 'wrong_state',
    message: 'The request is not in a state that allows this.',
  },
  [ScriptCode.SELF_APPROVAL]: {
    code: 'self_approval',
    message: 'The requester cannot approve their own request.',
  },
  [ScriptCode.DUPLICATE_APPROVAL]: {
    code: 'duplicate_approval',
    message: 'This approver is already counted.',
  },
  [ScriptCode.EXPIRED]: { code: 'expired', message: 'The request has expired.' },
  [ScriptCode.PLAN_MISMATCH]: { code: 'plan_mismatch', message: 'The plan changed since it was shown.' },
  [ScriptCode.NOT_REQUESTER]: { code: 'not_requester', message: 'Only the requester may do this.' },
  [ScriptCode.NOT_EXPIRED]: { code: 'not_expired', message: 'The request has not expired yet.' },
  [ScriptCode.ALREADY_EXISTS]: { code: 'already_exists', message: 'A request with this id already exists.' },
  [ScriptCode.STEP_MISMATCH]: { code: 'step_mismatch', message: 'The step cursor moved since it was read.' },
  [ScriptCode.CARD_CONFLICT]: { code: 'card_conflict', message: 'Another card is already attached.' },
  [ScriptCode.INVALID_TARGET]: { code: 'invalid_target', message: 'Not a valid target for this transition.' },
};

export type Refusal = { ok: false; code: StoreRefusalCode; message: string };

export function isScriptCode(value: unknown): value is ScriptCode {
  return typeof value === 'number' && value in REFUSALS;
}

/**
 * The one mapper from a script's negative code to a coded refusal. A negative number that is not
 * in the enum means script and adapter disagree: a bug, so it throws.
 */
export function refusalFor(code: number, script: string): Refusal {
  if (!isScriptCode(code)) {
    throw new CodedError('store_protocol_error', `${script} returned unknown code ${code}`, {
      details: { script, code },
    });
  }
  return { ok: false, ...REFUSALS[code] };
}

/** `local NOT_FOUND = -1` … for the Lua prelude, so scripts and TypeScript share one list. */
export function luaCodeConstants(): string {
  return Object.entries(ScriptCode)
    .filter(([, value]) => typeof value === 'number')
    .map(([name, value]) => `local ${name} = ${value}`)
    .join('\n');
}
