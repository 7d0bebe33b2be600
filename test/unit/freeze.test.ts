import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { freezeRefusal, frozenOut, mayFreeze } from '../../src/workflow/freeze.js';
import { type Policy, parsePolicy } from '../../src/workflow/policy.js';
import { REQUEST_KINDS } from '../../src/workflow/request.js';

const policyOf = (yaml: string): Policy => {
  const parsed = parsePolicy(yaml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};
const POLICY = `
actions:
  create: { approvers: { users: [U0BOB] } }
  failover:
    approvers: { usergroups: [S0ONCALL] }
    emergency: { requesters: { users: [U0ALICE] } }
`;
const groups = async (id: string) => (id === 'S0ONCALL' ? ['U0CAROL'] : []);
const FREEZE = { by: 'U0CAROL', at: Date.UTC(2026, 11, 5, 16, 50), reason: 'INC-42' };

describe('who may freeze', () => {
  it('approvers of any action, failover approvers (on-call) and emergency requesters; nobody else', async () => {
    const policy = policyOf(POLICY);
    for (const user of ['U0BOB', 'U0CAROL', 'U0ALICE'])
      expect(await mayFreeze(policy, user, groups)).toBe(true);
    expect(await mayFreeze(policy, 'U0DAVE', groups)).toBe(false);
  });
});

describe('what a freeze blocks', () => {
  it('every kind but unfreeze; failover only when the policy says so (default: allowed)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REQUEST_KINDS), fc.boolean(), (kind, allowFailover) => {
        const policy = policyOf(`freeze: { allowFailover: ${allowFailover} }`);
        const expected = kind !== 'unfreeze' && !(kind === 'failover' && allowFailover);
        expect(frozenOut(policy, kind)).toBe(expected);
      }),
    );
    expect(frozenOut(policyOf('{}'), 'failover')).toBe(false);
  });

  it('the runner refusal names who froze, since when and why; none without a freeze', () => {
    const policy = policyOf('{}');
    expect(freezeRefusal(policy, 'create', undefined)).toBeUndefined();
    expect(freezeRefusal(policy, 'unfreeze', FREEZE)).toBeUndefined();
    const refusal = freezeRefusal(policy, 'attach', FREEZE);
    expect(refusal).toContain('U0CAROL');
    expect(refusal).toContain('2026-12-05T16:50');
    expect(refusal).toContain('INC-42');
  });
});
