/**
 * Admin routes of an emulator with several accounts: `?account=<id>` on any admin route acts on
 * that account's world (the first account's otherwise), `GET /accounts` lists the accounts and
 * `POST /sts/expire` ends every STS session at once, as when an operator revokes them.
 */
import type { AdminReply, AdminTarget } from './admin.js';
import type { RamTarget } from './admin-ram.js';
import type { World } from './world.js';

export interface AccountsTarget extends AdminTarget, RamTarget {
  readonly accountIds: readonly string[];
  worldOf(accountId: string): World;
  expireStsSessions(): number;
}

/** The same emulator seen from one account; undefined when no such account is emulated. */
export function inAccount(target: AccountsTarget, accountId: string): AccountsTarget | undefined {
  if (!target.accountIds.includes(accountId)) return undefined;
  return {
    accountIds: target.accountIds,
    world: () => target.worldOf(accountId),
    worldOf: (id) => target.worldOf(id),
    expireStsSessions: () => target.expireStsSessions(),
    reset: (seed) => target.reset(seed),
    setLatency: (overrides) => target.setLatency(overrides),
    faults: target.faults,
    latency: target.latency,
    calls: target.calls,
    ramPolicies: target.ramPolicies,
  };
}

/** Undefined when the route is not one of these. */
export function handleAccountsAdmin(
  target: AccountsTarget,
  method: string,
  path: string,
): AdminReply | undefined {
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  if (route === 'GET /accounts') return { status: 200, body: { accounts: target.accountIds } };
  if (route === 'POST /sts/expire') return { status: 200, body: { expired: target.expireStsSessions() } };
  return undefined;
}
