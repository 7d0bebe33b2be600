import type { RequestState } from './request.js';

/**
 * The request lifecycle of design.md §3 as data: every arrow is one atomic Lua transition in
 * `src/store/lua`, named in `via`. Approvals that do not reach quorum, card coordinates and step
 * progress are recorded without changing state and are therefore not arrows.
 */
export const TRANSITIONS = [
  { from: 'pending', to: 'approved', via: 'approveRequest' },
  { from: 'pending', to: 'rejected', via: 'rejectRequest' },
  { from: 'pending', to: 'expired', via: 'expireRequest' },
  { from: 'pending', to: 'cancelled', via: 'cancelRequest' },
  { from: 'approved', to: 'running', via: 'startRequest' },
  { from: 'running', to: 'succeeded', via: 'finishRequest' },
  { from: 'running', to: 'partial', via: 'finishRequest' },
  { from: 'running', to: 'failed', via: 'finishRequest' },
] as const satisfies readonly { from: RequestState; to: RequestState; via: string }[];

export type Transition = (typeof TRANSITIONS)[number];
export type TransitionScript = Transition['via'];

/** States a request never leaves; the first write of one of them wins. */
export const TERMINAL_STATES = [
  'succeeded',
  'partial',
  'failed',
  'rejected',
  'expired',
  'cancelled',
] as const satisfies readonly RequestState[];
export type TerminalState = (typeof TERMINAL_STATES)[number];

/** States that end a running request (the targets `finishRequest` accepts). */
export const FINISH_STATES = ['succeeded', 'partial', 'failed'] as const;
export type FinishState = (typeof FINISH_STATES)[number];

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS.some((t) => t.from === from && t.to === to);
}

export function isTerminalState(state: RequestState): state is TerminalState {
  return (TERMINAL_STATES as readonly RequestState[]).includes(state);
}

/** Where a state may go next (empty for terminal states). */
export function nextStates(from: RequestState): RequestState[] {
  return TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}
