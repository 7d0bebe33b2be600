import type { KindDomain } from '../domain.js';

/** `/disk unfreeze`: lifts the change freeze; no cloud call, no rule, nothing named. */
export const unfreezeDomain: KindDomain<'unfreeze'> = {
  // Its one step lifts the freeze; filing has checked that one is in force.
  build: (command) => ({
    params: command.reason === undefined ? {} : { reason: command.reason },
    plan: [],
    checks: [],
    allowSingleNodeFs: false,
    force: false,
    emergency: false,
  }),
  quorum: (policy) => policy.actions.unfreeze.quorum,
  allowsEmergency: () => false,
  frozen: () => false,
  liftsFreeze: true,
  retry: (p) => ({ kind: 'unfreeze', ...(p.reason ? { reason: p.reason } : {}) }),
  summary: (p) => ({
    text: p.reason === undefined ? 'lift the change freeze' : `lift the change freeze: ${p.reason}`,
  }),
  finishes: undefined,
  names: undefined,
};
