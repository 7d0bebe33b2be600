import { describe, expect, it, vi } from 'vitest';
import {
  GroupDirectory,
  hasApprovers,
  isApprover,
  isEmergencyRequester,
  isRequester,
  type MemberOf,
  requiredQuorum,
} from '../../src/workflow/approvers.js';
import { type Policy, parsePolicy } from '../../src/workflow/policy.js';

const POLICY = `
requesters: { usergroups: [SENG], users: [UBOSS] }
actions:
  create: { approvers: { usergroups: [SSTORAGE], users: [UCTO] }, quorum: 1 }
  attach: { approvers: { usergroups: [SSTORAGE] }, quorum: 1 }
  detach: { approvers: { usergroups: [SSTORAGE] }, quorum: 2 }
  failover:
    approvers: { usergroups: [SONCALL] }
    quorum: 1
    emergency: { requesters: { usergroups: [SONCALL] }, quorum: 0 }
singleNodeFs: { quorum: 3 }
`;

function policy(text = POLICY): Policy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

const groups: Record<string, string[]> = {
  SENG: ['UALICE', 'UBOB'],
  SSTORAGE: ['USAM', 'USUE'],
  SONCALL: ['UOLGA'],
};
const memberOf: MemberOf = async (id) => groups[id] ?? [];

describe('approver decisions', () => {
  const p = policy();

  it('requesters: listed users and group members; anyone when the section is omitted', async () => {
    expect(await isRequester(p, 'UALICE', memberOf)).toBe(true);
    expect(await isRequester(p, 'UBOSS', memberOf)).toBe(true);
    expect(await isRequester(p, 'USAM', memberOf)).toBe(false);
    expect(await isRequester(policy(''), 'UANYONE', memberOf)).toBe(true);
  });

  it('approvers are per kind', async () => {
    expect(await isApprover(p, 'create', 'UCTO', memberOf)).toBe(true);
    expect(await isApprover(p, 'attach', 'UCTO', memberOf)).toBe(false);
    expect(await isApprover(p, 'detach', 'USUE', memberOf)).toBe(true);
    expect(await isApprover(p, 'failover', 'USUE', memberOf)).toBe(false);
    expect(await isApprover(p, 'failover', 'UOLGA', memberOf)).toBe(true);
  });

  it('does not ask Slack when the user is listed by id', async () => {
    const spy = vi.fn(memberOf);
    expect(await isApprover(p, 'create', 'UCTO', spy)).toBe(true);
    expect(spy).not.toHaveBeenCalled();
  });

  it('emergency requesters come from the failover emergency section only', async () => {
    expect(await isEmergencyRequester(p, 'UOLGA', memberOf)).toBe(true);
    expect(await isEmergencyRequester(p, 'UALICE', memberOf)).toBe(false);
    expect(await isEmergencyRequester(policy(''), 'UOLGA', memberOf)).toBe(false);
  });

  it('requiredQuorum: per kind, single-node-fs raises attach only, emergency only for failover', () => {
    expect(requiredQuorum(p, 'create')).toBe(1);
    expect(requiredQuorum(p, 'detach')).toBe(2);
    expect(requiredQuorum(p, 'attach', { allowSingleNodeFs: true })).toBe(3);
    expect(requiredQuorum(p, 'detach', { allowSingleNodeFs: true })).toBe(2);
    expect(requiredQuorum(p, 'failover', { emergency: true })).toBe(0);
    expect(requiredQuorum(p, 'create', { emergency: true })).toBe(1);
    expect(requiredQuorum(policy(''), 'failover', { emergency: true })).toBe(1);
    const low = policy('actions: { attach: { quorum: 5 } }\nsingleNodeFs: { quorum: 2 }');
    expect(requiredQuorum(low, 'attach', { allowSingleNodeFs: true })).toBe(5);
  });

  it('hasApprovers is false when nobody is listed', () => {
    expect(hasApprovers(p, 'attach')).toBe(true);
    expect(hasApprovers(policy(''), 'attach')).toBe(false);
  });
});

describe('GroupDirectory', () => {
  function setup(ttlMs?: number) {
    let now = 1_000_000;
    const clock = { now: () => now };
    const source = vi.fn(async (id: string) => [...(groups[id] ?? [])]);
    const directory = new GroupDirectory(source, clock, ttlMs);
    return { directory, source, advance: (ms: number) => (now += ms) };
  }

  it('caches a group for the TTL by the injected clock, then asks again', async () => {
    const { directory, source, advance } = setup(30_000);
    await directory.memberOf('SENG');
    advance(29_999);
    await directory.memberOf('SENG');
    expect(source).toHaveBeenCalledTimes(1);
    advance(1);
    await directory.memberOf('SENG');
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('never caches longer than 60 s, whatever it is asked', async () => {
    const { directory, source, advance } = setup(10 * 60_000);
    await directory.memberOf('SENG');
    advance(60_000);
    await directory.memberOf('SENG');
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('sees a membership change once the entry is stale (checked at click time)', async () => {
    const { directory, advance } = setup();
    const p = policy();
    expect(await isApprover(p, 'attach', 'UNEW', directory.memberOf)).toBe(false);
    groups.SSTORAGE = [...(groups.SSTORAGE ?? []), 'UNEW'];
    try {
      expect(await isApprover(p, 'attach', 'UNEW', directory.memberOf)).toBe(false);
      advance(60_000);
      expect(await isApprover(p, 'attach', 'UNEW', directory.memberOf)).toBe(true);
    } finally {
      groups.SSTORAGE = ['USAM', 'USUE'];
    }
  });

  it('shares one lookup between concurrent callers and does not cache failures', async () => {
    const { directory, source } = setup();
    await Promise.all([directory.memberOf('SENG'), directory.memberOf('SENG'), directory.memberOf('SENG')]);
    expect(source).toHaveBeenCalledTimes(1);
    source.mockRejectedValueOnce(new Error('ratelimited'));
    await expect(directory.memberOf('SONCALL')).rejects.toThrow('ratelimited');
    expect(await directory.memberOf('SONCALL')).toEqual(['UOLGA']);
  });

  it('invalidate drops entries', async () => {
    const { directory, source } = setup();
    await directory.memberOf('SENG');
    directory.invalidate('SENG');
    await directory.memberOf('SENG');
    expect(source).toHaveBeenCalledTimes(2);
  });
});
