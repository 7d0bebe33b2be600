/** Issue 21 point 6: the thread said "4 checks passed" under a card listing 5 (and "3" under 8). */
import { describe, expect, it } from 'vitest';
import { recheckDetail } from '../../src/jobs/recheck-report.js';
import type { Check } from '../../src/workflow/request.js';

const check = (code: string, over: Partial<Check> = {}): Check => ({
  code,
  level: 'ok',
  message: `${code}.`,
  ...over,
});

describe('the "Preflight re-checked" line', () => {
  it('counts what the card lists, not how many rules ran again', () => {
    const card = ['disk_multi_attach', 'from_attached', 'attachment_limit', 'policy_quorum', 'billing'].map(
      (c) => check(c),
    );
    const fresh = card.slice(0, 4);
    expect(recheckDetail(card, fresh)).toBe("The card's 5 checks hold on fresh cloud facts");
  });

  it('describes the data-safety checks in words, never by code', () => {
    const card = [check('disk_multi_attach'), check('filesystem_shared_safe', { rule: 'filesystem' })];
    const detail = recheckDetail(card, card);
    expect(detail).toBe(
      "The card's 2 checks hold on fresh cloud facts, the file system read again from the guests",
    );
    expect(detail).not.toContain('filesystem_shared_safe');
  });

  it('names a warning that appeared since filing', () => {
    const card = [check('disk_multi_attach')];
    const fresh = [...card, check('to_fenced', { level: 'warning', message: 'i-2 is fenced.' })];
    expect(recheckDetail(card, fresh)).toBe(
      "The card's 1 check holds on fresh cloud facts. New since filing: i-2 is fenced.",
    );
  });
});
