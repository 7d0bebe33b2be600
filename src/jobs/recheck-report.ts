/**
 * The thread's "Preflight re-checked" line (issue 21): its count is the card's, so a card listing
 * 5 checks is never followed by "4 checks passed"; checks that appeared since filing are named in
 * words, and the data-safety ones are described, not listed by code.
 */
import type { Check } from '../workflow/request.js';

const checksWord = (n: number) => `${n} ${n === 1 ? 'check' : 'checks'}`;

/** `card`: the checks the approval card lists; `fresh`: the same rules on fresh facts, none an error. */
export function recheckDetail(card: readonly Check[], fresh: readonly Check[]): string {
  const listed = new Set(card.map((c) => c.code));
  const added = fresh.filter((c) => !listed.has(c.code) && c.level !== 'ok');
  const safety = fresh.some((c) => c.rule !== undefined)
    ? ', the file system read again from the guests'
    : '';
  const head =
    card.length > 0
      ? `The card's ${checksWord(card.length)} ${card.length === 1 ? 'holds' : 'hold'} on fresh cloud facts${safety}`
      : `${checksWord(fresh.length)} passed on fresh cloud facts${safety}`;
  return added.length > 0 ? `${head}. New since filing: ${added.map((c) => c.message).join(' ')}` : head;
}
