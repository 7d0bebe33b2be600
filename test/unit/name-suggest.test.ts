/** Issue 21 point 4: a misspelled disk or instance name gets "did you mean", as zones do. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestNamed } from '../../src/commands/name-suggest.js';

const known = [
  { id: 'd-1', name: 'shared-db' },
  { id: 'd-2', name: 'shared-logs' },
  { id: 'd-3', name: '' },
];

describe('closestNamed', () => {
  it('finds the name within two edits, case-insensitively, with its id', () => {
    expect(closestNamed('shared-bd', known)).toEqual({ id: 'd-1', name: 'shared-db' });
    expect(closestNamed('Shared-Logz', known)).toEqual({ id: 'd-2', name: 'shared-logs' });
  });

  it('suggests nothing far off, nothing unnamed, and never the name typed itself', () => {
    expect(closestNamed('payments', known)).toBeUndefined();
    expect(closestNamed('', known)).toBeUndefined();
    expect(closestNamed('shared-db', [{ id: 'd-1', name: 'shared-db' }])).toBeUndefined();
  });

  it('any name with one letter changed is traced back to a known name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...known.slice(0, 2)), fc.nat(), (item, at) => {
        const k = at % item.name.length;
        const typo = `${item.name.slice(0, k)}${item.name[k] === 'q' ? 'z' : 'q'}${item.name.slice(k + 1)}`;
        expect(closestNamed(typo, known)?.name).toMatch(/^shared-/);
      }),
    );
  });
});
