/** Pieces of a command's canonical text (render.ts and the kinds' grammars). Imports no kind. */
import { quoteValue } from './tokenize.js';

/** `--name value` (quoted when needed), or nothing when the value is absent. */
export function flagWords(name: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [`--${name}`, quoteValue(String(value))];
}
