/**
 * `--account <alias>` is global: every subcommand takes it, so it is taken out of the tokens once,
 * before the subcommand's own grammar reads the rest. Which aliases exist is the policy's business
 * (workflow/account-policy.ts); here only its shape is checked.
 */
import { show } from './format.js';
import type { Token } from './tokenize.js';

export const ACCOUNT_FLAG = 'account';
const ALIAS = /^[a-z][a-z0-9-]{0,31}$/;

export type AccountFlag =
  | { ok: true; tokens: Token[]; account?: string }
  | { ok: false; message: string; token: string };

/** `asFlag` of the parser: the flag's lower-cased name and its inline `=value`, if any. */
type FlagReader = (token: Token) => { name: string; inline?: { value: string } } | undefined;

export function takeAccountFlag(tokens: readonly Token[], asFlag: FlagReader): AccountFlag {
  const rest: Token[] = [];
  let account: string | undefined;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    const flag = asFlag(token);
    if (flag?.name !== ACCOUNT_FLAG) {
      rest.push(token);
      continue;
    }
    const next = tokens[i + 1];
    const value = flag.inline?.value ?? (next && !asFlag(next) ? next.value : undefined);
    if (flag.inline === undefined && value !== undefined) i += 1;
    if (value === undefined || value === '') {
      return {
        ok: false,
        message: 'Give --account an account alias, e.g. --account prod.',
        token: token.raw,
      };
    }
    if (account !== undefined) {
      return { ok: false, message: 'Give --account only once.', token: token.raw };
    }
    const alias = value.toLowerCase();
    if (!ALIAS.test(alias)) {
      return {
        ok: false,
        message: `--account takes an account alias like prod (letters, digits and -), got ${show(value)}.`,
        token: token.raw,
      };
    }
    account = alias;
  }
  return account === undefined ? { ok: true, tokens: rest } : { ok: true, tokens: rest, account };
}
