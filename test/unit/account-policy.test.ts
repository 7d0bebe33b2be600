/** `accounts:` of the policy file: parsing, the alias a command means, and per-account fallbacks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountAliases,
  defaultAccount,
  policyForAccount,
  resolveAccount,
} from '../../src/workflow/account-policy.js';
import { type Policy, parsePolicy } from '../../src/workflow/policy.js';

function ok(text: string): Policy {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

function problems(text: string): string[] {
  const result = parsePolicy(text);
  if (result.ok) throw new Error('expected the policy to be refused');
  return result.message.split('\n').slice(1);
}

const TWO_ACCOUNTS = `
region: cn-hangzhou
viewers: { usergroups: [SVIEWERS] }
actions:
  create: { approvers: { usergroups: [SOPS] }, quorum: 1, expiresIn: 12h }
  detach: { approvers: { usergroups: [SOPS] }, quorum: 1 }
fencing: { mode: reservation, takeover: { mount: /data } }
accounts:
  prod:
    roleArn: acs:ram::1111111111111111:role/shared-disk-bot
    externalId: prod-ext-1
    durationSeconds: 1800
    actions:
      create: { quorum: 2 }
    fencing: { mode: detach }
  staging:
    roleArn: acs:ram::2222222222222222:role/shared-disk-bot
    regions: [cn-shanghai]
    viewers: { users: [U0STAGING] }
`;

describe('accounts in the policy file', () => {
  it('keeps the file order; the first alias is the default', () => {
    const policy = ok(TWO_ACCOUNTS);
    expect(accountAliases(policy)).toEqual(['prod', 'staging']);
    expect(defaultAccount(policy)).toBe('prod');
    expect(policy.accounts?.prod).toMatchObject({ externalId: 'prod-ext-1', durationSeconds: 1800 });
    expect(policy.accounts?.staging?.regions).toEqual(['cn-shanghai']);
  });

  it('an account’s entries replace the top level field by field; the rest falls back', () => {
    const policy = ok(TWO_ACCOUNTS);
    const prod = policyForAccount(policy, 'prod');
    expect(prod.actions.create).toEqual({
      approvers: { usergroups: ['SOPS'], users: [] },
      quorum: 2,
      expiresIn: 12 * 3_600_000,
    });
    expect(prod.actions.detach).toEqual(policy.actions.detach);
    expect(prod.fencing).toEqual({ mode: 'detach', takeover: { mount: '/data', options: 'defaults' } });
    expect(prod.viewers).toEqual(policy.viewers);
    const staging = policyForAccount(policy, 'staging');
    expect(staging.actions).toEqual(policy.actions);
    expect(staging.fencing).toEqual(policy.fencing);
    expect(staging.viewers).toEqual({ usergroups: [], users: ['U0STAGING'] });
  });

  it('refuses a malformed account with its path', () => {
    expect(
      problems(`
accounts:
  Prod:
    roleArn: acs:ram::1:role/x
  staging:
    roleArn: acs:ram::2222222222222222:role/bot
    externalId: x
    durationSeconds: 60
    quorum: 2
`),
    ).toEqual([
      'accounts.Prod: expected an alias of lower-case letters, digits and -, like prod',
      'accounts.staging.externalId: expected 2 to 1224 letters, digits or + = , . @ : / - _',
      'accounts.staging.durationSeconds: expected whole seconds from 900 to 43200',
      'accounts.staging: unknown key "quorum"',
    ]);
    expect(problems('accounts: {}\n')).toEqual(['accounts: list at least one account']);
    expect(problems('accounts:\n  prod: { roleArn: acs:ram::1:role/x }\n')).toEqual([
      'accounts.prod.roleArn: expected a role ARN like acs:ram::1234567890123456:role/shared-disk-bot',
    ]);
  });
});

describe('resolveAccount', () => {
  const policy = ok(TWO_ACCOUNTS);
  const single = ok('region: cn-hangzhou\n');

  it('the asked alias, or the first', () => {
    expect(resolveAccount(policy, 'staging')).toEqual({ ok: true, value: 'staging' });
    expect(resolveAccount(policy, undefined)).toEqual({ ok: true, value: 'prod' });
  });

  it('an unknown alias is refused naming the configured ones', () => {
    const result = resolveAccount(policy, 'nope');
    expect(result).toMatchObject({ ok: false, code: 'account_unknown' });
    expect(!result.ok && result.message).toContain('`prod`, `staging`');
  });

  it('without accounts: no alias, and --account is refused', () => {
    expect(resolveAccount(single, undefined)).toEqual({ ok: true, value: undefined });
    expect(resolveAccount(single, 'prod')).toMatchObject({ ok: false, code: 'accounts_not_configured' });
  });

  it('without accounts the policy is the same object for any alias', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), (alias) => {
        expect(policyForAccount(single, alias)).toBe(single);
      }),
    );
  });
});
