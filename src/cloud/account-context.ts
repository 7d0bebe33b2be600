/**
 * Which account (and, while executing, which request) the ECS calls of the current async flow are
 * for. A Slack command or a job enters a scope once; every gateway call below it — preflight,
 * name resolution, the picker, the steps — then reaches that account without each of them
 * carrying an account parameter.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AccountScope {
  /** The policy alias; undefined when the policy lists no accounts (the bot's own account). */
  readonly account: string | undefined;
  /** Set while executing a request: its calls run under a session named after it. */
  readonly requestId?: string;
}

const storage = new AsyncLocalStorage<AccountScope>();

export function inAccountScope<T>(scope: AccountScope, run: () => T): T {
  return storage.run(scope, run);
}

/** Undefined outside any scope: the default account. */
export function currentAccountScope(): AccountScope | undefined {
  return storage.getStore();
}

/** `{ account }` of the current scope, or `{}` without one: spread into what a request records. */
export function accountOfScope(): { account?: string } {
  const account = storage.getStore()?.account;
  return account === undefined ? {} : { account };
}
