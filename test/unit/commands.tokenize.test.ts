import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteValue, tokenize } from '../../src/commands/index.js';

const values = (text: string) => {
  const result = tokenize(text);
  if (!result.ok) throw new Error(`unterminated: ${result.raw}`);
  return result.tokens.map((t) => t.value);
};

describe('tokenize', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['a b  c', ['a', 'b', 'c']],
    ['a\tb\nc\u00a0d\u2003e', ['a', 'b', 'c', 'd', 'e']],
    ['"a b" c', ['a b', 'c']],
    ["'a b' c", ['a b', 'c']],
    ['“a b” c', ['a b', 'c']],
    ['‘a b’ c', ['a b', 'c']],
    ['"" x', ['', 'x']],
    ['--k="a b"', ['--k=a b']],
    ['k=“a b”', ['k=a b']],
    ['don’t stop', ['don’t', 'stop']],
    ["it's", ["it's"]],
    ['a"b c"', ['a"b', 'c"']],
    ['"say \\"hi\\""', ['say "hi"']],
    ['"a\\\\"', ['a\\']],
    ['"C:\\dir"', ['C:\\dir']],
    ['back\\slash', ['back\\slash']],
    ['"won’t stop"', ['won’t stop']],
    ['"a" "b"', ['a', 'b']],
  ])('%j → %j', (text, expected) => {
    expect(values(text)).toEqual(expected);
  });

  it('keeps the raw text and marks quoted tokens', () => {
    const result = tokenize('attach "--x" --reason="a b"');
    expect(result.ok).toBe(true);
    expect(result.tokens).toEqual([
      { value: 'attach', raw: 'attach', quoted: false, index: 0 },
      { value: '--x', raw: '"--x"', quoted: true, index: 1 },
      { value: '--reason=a b', raw: '--reason="a b"', quoted: false, index: 2 },
    ]);
  });

  it('reports an unterminated quote with the tokens before it', () => {
    const result = tokenize('status "d-1 more');
    expect(result).toEqual({
      ok: false,
      raw: '"d-1 more',
      tokens: [{ value: 'status', raw: 'status', quoted: false, index: 0 }],
    });
    expect(tokenize('"a\\"').ok).toBe(false);
    // A quote closes only before white space, so an apostrophe inside quotes stays text.
    expect(tokenize('"a"b').ok).toBe(false);
  });

  it('is linear on pathological input', () => {
    const started = performance.now();
    tokenize(`status ${'"'.repeat(200_000)}`);
    tokenize('a='.repeat(100_000));
    tokenize(`"${'\\"'.repeat(100_000)}`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('quoteValue', () => {
  it.each([
    ['plain', 'plain'],
    ['a b', '"a b"'],
    ['', '""'],
    ['--x', '"--x"'],
    ['—x', '"—x"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['it’s', '"it\\’s"'],
    ['a\\b', '"a\\\\b"'],
  ])('%j → %s', (value, quoted) => {
    expect(quoteValue(value)).toBe(quoted);
  });

  it('reads back as exactly one token with the same value, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const result = tokenize(quoteValue(s));
        expect(result.ok).toBe(true);
        expect(result.tokens.map((t) => t.value)).toEqual([s]);
      }),
      { numRuns: 2_000 },
    );
  });
});
