import { describe, expect, it } from 'vitest';
import { REQUEST_STATES, type RequestState } from '../../src/workflow/request.js';
import {
  canTransition,
  isTerminalState,
  nextStates,
  TERMINAL_STATES,
  TRANSITIONS,
} from '../../src/workflow/state-machine.js';

const ALLOWED: Record<RequestState, RequestState[]> = {
  pending: ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['running'],
  running: ['succeeded', 'partial', 'failed'],
  succeeded: [],
  partial: [],
  failed: [],
  rejected: [],
  expired: [],
  cancelled: [],
};

describe('state machine (design.md §3)', () => {
  it('allows exactly the arrows of the lifecycle diagram', () => {
    for (const from of REQUEST_STATES) {
      for (const to of REQUEST_STATES) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(ALLOWED[from].includes(to));
      }
    }
  });

  it('terminal states have no way out and are exactly the six end states', () => {
    for (const state of REQUEST_STATES) {
      expect(isTerminalState(state)).toBe(ALLOWED[state].length === 0);
      if (isTerminalState(state)) expect(nextStates(state)).toEqual([]);
    }
    expect([...TERMINAL_STATES].sort()).toEqual([
      'cancelled',
      'expired',
      'failed',
      'partial',
      'rejected',
      'succeeded',
    ]);
  });

  it('names one transition script per arrow, named after the transition', () => {
    const scripts = new Set(TRANSITIONS.map((t) => t.via));
    expect(scripts).toEqual(
      new Set([
        'approveRequest',
        'rejectRequest',
        'expireRequest',
        'cancelRequest',
        'startRequest',
        'finishRequest',
      ]),
    );
    for (const t of TRANSITIONS) expect(canTransition(t.from, t.to)).toBe(true);
  });

  it('never allows a self-loop or going back to pending', () => {
    for (const s of REQUEST_STATES) {
      expect(canTransition(s, s)).toBe(false);
      expect(canTransition(s, 'pending')).toBe(false);
    }
  });
});
