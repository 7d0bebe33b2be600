import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ECS_LIMITS, defaultPolicy, type Policy, parsePolicy } from '../../src/workflow/policy.js';
import { parseDuration } from '../../src/workflow/policy-fields.js';

const example = readFileSync(new URL('../../manifests/policy.example.yaml', import.meta.url), 'utf8');

function ok(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function problems(text: string): string[] {
  const result = parsePolicy(text);
  if (result.ok) throw new Error('expected the policy to be refused');
  expect(result.code).toBe('policy_invalid');
  return result.message.split('\n').slice(1);
}

describe('parsePolicy', () => {
  it('accepts manifests/policy.example.yaml with the values of design.md §4', () => {
    const policy = ok(example);
    expect(policy.region).toBe('cn-hangzhou');
    expect(policy.channels).toEqual({ approvals: 'C0123APPROVALS', audit: 'C0123AUDIT' });
    expect(policy.requesters).toEqual({ usergroups: ['S0123ENGINEERS'], users: [] });
    expect(policy.actions.create).toEqual({
      approvers: { usergroups: ['S0123STORAGE'], users: [] },
      quorum: 1,
      expiresIn: 24 * 3_600_000,
    });
    expect(policy.actions.detach.quorum).toBe(2);
    expect(policy.actions.failover.expiresIn).toBe(15 * 60_000);
    expect(policy.actions.failover.emergency).toEqual({
      requesters: { usergroups: ['S0123ONCALL'], users: [] },
      quorum: 0,
      review: 'required',
    });
    expect(policy.singleNodeFs.quorum).toBe(2);
    expect(policy.limits).toEqual({
      maxSizeGiB: 32768,
      categories: ['cloud_essd', 'cloud_auto', 'cloud_regional_disk_auto'],
      zones: [],
      ecs: {
        read: { callsPerSecond: 20, burst: 40 },
        mutate: { callsPerSecond: 10, burst: 20 },
        assistant: { callsPerSecond: 10, burst: 20 },
      },
    });
    expect(policy.fencing.mode).toBe('reservation');
  });

  it('takes an ECS budget per class of call, defaulting what is left out, and names bad values', () => {
    const policy = ok(
      'limits: { ecs: { read: { callsPerSecond: 2.5 }, mutate: { callsPerSecond: 1, burst: 1 } } }',
    );
    expect(policy.limits.ecs).toEqual({
      read: { callsPerSecond: 2.5, burst: 40 },
      mutate: { callsPerSecond: 1, burst: 1 },
      assistant: { callsPerSecond: 10, burst: 20 },
    });
    expect(ok('').limits.ecs).toEqual(DEFAULT_ECS_LIMITS);
    expect(
      problems(
        'limits: { ecs: { read: { callsPerSecond: 0 }, mutate: { burst: 1.5 }, assistant: { rate: 3 } } }',
      ),
    ).toEqual([
      'limits.ecs.read.callsPerSecond: expected calls per second, a number > 0',
      'limits.ecs.mutate.burst: expected a whole number ≥ 1',
      'limits.ecs.assistant: unknown key "rate"',
    ]);
  });

  it('fills sensible defaults for an empty file: anyone may ask, nobody may approve', () => {
    const policy = ok('');
    expect(policy.requesters).toBeUndefined();
    expect(policy.viewers).toBeUndefined();
    expect(policy.rateLimit).toEqual({ commandsPerMinute: 30 });
    expect(policy.actions.attach).toEqual({
      approvers: { usergroups: [], users: [] },
      quorum: 1,
      expiresIn: 86_400_000,
    });
    expect(policy.actions.failover.emergency).toBeUndefined();
    expect(policy.singleNodeFs.quorum).toBe(2);
    expect(policy.fencing.mode).toBe('reservation');
    expect(defaultPolicy()).toEqual(policy);
  });

  it.each([
    ['actions:\n  detach: { quorum: two }', 'actions.detach.quorum: expected a whole number ≥ 0'],
    ['actions:\n  detach: { quorum: -1 }', 'actions.detach.quorum: expected a whole number ≥ 0'],
    ['actions:\n  create: { quorum: 1.5 }', 'actions.create.quorum: expected a whole number ≥ 0'],
    [
      'actions:\n  attach: { expiresIn: tomorrow }',
      'actions.attach.expiresIn: expected a duration like 15m, 24h or 7d',
    ],
    ['actions:\n  attach: { expiresIn: 0m }', 'actions.attach.expiresIn: expected a duration'],
    ['actions:\n  attach: { expiresIn: 90d }', 'actions.attach.expiresIn: expected a duration'],
    ['actions:\n  attach: { quorom: 2 }', 'actions.attach: unknown key "quorom"'],
    ['actions:\n  shrink: {}', 'actions: unknown key "shrink"'],
    ['requesters:\n  users: [alice]', 'requesters.users[0]: expected a Slack user (U… or W…) id'],
    [
      'actions:\n  create: { approvers: { usergroups: [U123] } }',
      'actions.create.approvers.usergroups[0]: expected a Slack user group',
    ],
    ['channels: { approvals: general }', 'channels.approvals: expected a Slack channel'],
    ['fencing: { mode: pray }', 'fencing.mode: expected reservation or detach'],
    ['limits: { maxSizeGiB: big }', 'limits.maxSizeGiB: expected a whole number of GiB'],
    [
      'actions:\n  failover: { emergency: { review: later } }',
      'actions.failover.emergency.review: expected required or optional',
    ],
    ['singleNodeFs: { quorum: x }', 'singleNodeFs.quorum: expected a whole number ≥ 0'],
    ['region: Hangzhou', 'region: expected a region id like cn-hangzhou'],
  ])('names the path of the error in %j', (text, expected) => {
    expect(
      problems(text).some((p) => p.startsWith(expected)),
      problems(text).join('\n'),
    ).toBe(true);
  });

  it('reads viewers and the command rate, naming a bad one by its path', () => {
    const policy = ok('viewers: { usergroups: [S0VIEW] }\nrateLimit: { commandsPerMinute: 5 }');
    expect(policy.viewers).toEqual({ usergroups: ['S0VIEW'], users: [] });
    expect(policy.rateLimit.commandsPerMinute).toBe(5);
    const bad = parsePolicy('viewers: { users: [alice] }\nrateLimit: { commandsPerMinute: 0 }');
    expect(bad.ok ? '' : bad.message).toMatch(/viewers\.users\[0\]: expected a Slack user/);
    expect(bad.ok ? '' : bad.message).toMatch(/rateLimit\.commandsPerMinute: at least 1/);
  });

  it('reports every problem at once', () => {
    const found = problems(
      'actions:\n  detach: { quorum: -1 }\n  attach: { expiresIn: soon }\nfencing: { mode: x }',
    );
    expect(found).toHaveLength(3);
  });

  it('refuses YAML syntax errors and duplicate keys with a line number', () => {
    const bad = parsePolicy('actions:\n  create: { quorum: 1\n');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/line \d+, column \d+/);
    const dup = parsePolicy('region: cn-hangzhou\nregion: cn-shanghai\n');
    expect(dup.ok).toBe(false);
    if (!dup.ok) expect(dup.message).toMatch(/line 2/);
  });

  it('refuses a file that is not a mapping', () => {
    expect(problems('- a\n- b')[0]).toMatch(/^\(file\): /);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 'm', '1w', '-5m', '1.5h'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});
