/**
 * Splits `/disk` text into tokens, shell-like but forgiving of what phones and Slack do to text.
 *
 * - Tokens are separated by any Unicode white space (Slack sometimes sends U+00A0).
 * - A quote opens a quoted stretch only at the start of a token or right after `=` (so
 *   `--reason "a b"`, `--reason="a b"` and `--tag k="a b"` work, while the apostrophe in
 *   `db’s` stays a letter). Straight and "smart" quotes are both accepted: `"` `“` `”` `„` `‟`
 *   close each other, as do `'` `‘` `’` `‚` `‛`.
 * - A quote closes a stretch only when followed by white space or the end of the text, so
 *   `"db won’t start"` keeps its apostrophe. Inside quotes, a backslash before a quote or a
 *   backslash makes it literal; any other backslash is kept as typed.
 * - A token that starts with a quote is marked `quoted`: it is always a value, never a flag.
 *
 * Linear in the length of the text; never throws.
 */

export interface Token {
  /** The token's text after quote removal and unescaping. */
  readonly value: string;
  /** The token exactly as typed, quotes included. */
  readonly raw: string;
  /** True when the token began with a quote, which makes it a value even if it looks like a flag. */
  readonly quoted: boolean;
  /** Position of the token among all tokens (0 = the subcommand). */
  readonly index: number;
}

export type TokenizeResult =
  | { ok: true; tokens: Token[] }
  | {
      ok: false;
      /** Tokens read before the unterminated quote (lets the caller show the right usage). */
      tokens: Token[];
      /** The unterminated token as typed, from its first character to the end of the text. */
      raw: string;
    };

const DOUBLE_QUOTES = '"\u201C\u201D\u201E\u201F';
const SINGLE_QUOTES = "'\u2018\u2019\u201A\u201B";
/** Every character the tokenizer treats as a quote (renderers must escape these inside quotes). */
export const QUOTE_CHARS = DOUBLE_QUOTES + SINGLE_QUOTES;

const WHITESPACE = /\s/u;
const isSpace = (c: string | undefined): boolean => c !== undefined && WHITESPACE.test(c);

function quoteGroup(c: string | undefined): 'double' | 'single' | undefined {
  if (c === undefined) return undefined;
  if (DOUBLE_QUOTES.includes(c)) return 'double';
  if (SINGLE_QUOTES.includes(c)) return 'single';
  return undefined;
}

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    const start = i;
    let value = '';
    let quoted = false;
    let quoteMayOpen = true;
    while (i < n && !isSpace(text[i])) {
      const c = text[i] as string;
      const group = quoteMayOpen ? quoteGroup(c) : undefined;
      if (group === undefined) {
        value += c;
        quoteMayOpen = c === '=';
        i++;
        continue;
      }
      if (i === start) quoted = true;
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i] as string;
        const next = text[i + 1];
        if (ch === '\\' && next !== undefined && (next === '\\' || quoteGroup(next) !== undefined)) {
          value += next;
          i += 2;
          continue;
        }
        if (quoteGroup(ch) === group && (next === undefined || isSpace(next))) {
          i++;
          closed = true;
          break;
        }
        value += ch;
        i++;
      }
      if (!closed) return { ok: false, tokens, raw: text.slice(start) };
      quoteMayOpen = false;
    }
    tokens.push({ value, raw: text.slice(start, i), quoted, index: tokens.length });
  }
  return { ok: true, tokens };
}

/**
 * Renders a value so that `tokenize` reads it back as one token with exactly this value: bare when
 * it is safe, otherwise in double quotes with quotes and backslashes escaped.
 */
export function quoteValue(value: string): string {
  const needsQuotes =
    value === '' ||
    /[\s\\]/u.test(value) ||
    [...QUOTE_CHARS].some((q) => value.includes(q)) ||
    /^[-\u2013\u2014]/.test(value);
  if (!needsQuotes) return value;
  let out = '"';
  for (const c of value) out += c === '\\' || quoteGroup(c) !== undefined ? `\\${c}` : c;
  return `${out}"`;
}
