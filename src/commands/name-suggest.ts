/**
 * "Did you mean" for disk and instance names (issue 21), as subcommands, flags and zones have it:
 * the known name closest to a misspelled one, by edit distance (at most two edits, or a prefix of
 * three letters or more), case-insensitively, since a name is looked up exactly.
 */
import { suggest } from './format.js';

export interface NamedResource {
  readonly id: string;
  readonly name: string;
}

export function closestNamed(typed: string, known: readonly NamedResource[]): NamedResource | undefined {
  const named = known.filter((k) => k.name !== '' && k.name !== typed);
  const hit = suggest(
    typed,
    named.map((k) => k.name.toLowerCase()),
  );
  return hit === undefined ? undefined : named.find((k) => k.name.toLowerCase() === hit);
}
