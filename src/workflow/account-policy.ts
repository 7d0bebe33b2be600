/**
 * The policy seen from one account (`accounts:` of the policy file): which alias a command means,
 * and the approvers, quorum, viewers, requesters, fencing and watch that apply there — the
 * account's own entries where it has them, the top level's otherwise. Without `accounts`, every
 * function here hands back the policy unchanged.
 */
import { failure, type Outcome, success } from '../errors.js';
import type { AccountPolicy, Policy } from './policy.js';

/** Configured aliases in file order; empty when the policy has no `accounts`. */
export function accountAliases(policy: Policy): string[] {
  return Object.keys(policy.accounts ?? {});
}

/** The first alias: what a command without `--account` means. */
export function defaultAccount(policy: Policy): string | undefined {
  return accountAliases(policy)[0];
}

/**
 * The alias a command acts in: the one asked for, or the default. Undefined when the policy has no
 * `accounts` and none was asked for. Codes `account_unknown` and `accounts_not_configured`.
 */
export function resolveAccount(policy: Policy, requested: string | undefined): Outcome<string | undefined> {
  return resolveAccountAlias(accountAliases(policy), requested);
}

/** `resolveAccount` over the configured aliases alone (what the Slack listener is given). */
export function resolveAccountAlias(
  aliases: readonly string[],
  requested: string | undefined,
): Outcome<string | undefined> {
  if (requested === undefined) return success(aliases[0]);
  if (aliases.length === 0) {
    return failure(
      'accounts_not_configured',
      'This bot manages a single Alibaba Cloud account: drop `--account`, or list accounts in the policy file.',
    );
  }
  if (!aliases.includes(requested)) {
    return failure(
      'account_unknown',
      `There is no account \`${requested}\`. Use \`--account\` with one of: ${aliases.map((a) => `\`${a}\``).join(', ')}.`,
    );
  }
  return success(requested);
}

export function accountPolicy(policy: Policy, alias: string): AccountPolicy | undefined {
  return policy.accounts?.[alias];
}

/** Fields given (not undefined) in `override` replace those of `base`. */
function overlay<T extends object>(base: T, override: Partial<T> | undefined): T {
  if (!override) return base;
  const given = Object.entries(override).filter(([, value]) => value !== undefined);
  return { ...base, ...Object.fromEntries(given) };
}

/** The policy that governs requests in `alias`; the policy itself without `accounts` or alias. */
export function policyForAccount(policy: Policy, alias: string | undefined): Policy {
  const account = alias === undefined ? undefined : accountPolicy(policy, alias);
  if (!account) return policy;
  const actions = { ...policy.actions };
  for (const kind of Object.keys(actions) as (keyof Policy['actions'])[]) {
    const override = account.actions?.[kind];
    if (override) actions[kind] = overlay(actions[kind], override) as never;
  }
  const { requesters, viewers, watch } = account;
  return {
    ...policy,
    ...(requesters ? { requesters } : {}),
    ...(viewers ? { viewers } : {}),
    ...(watch ? { watch } : {}),
    actions,
    fencing: overlay(policy.fencing, account.fencing),
  };
}
