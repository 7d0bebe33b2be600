/**
 * What a request kind's `grammar.ts` declares about its `/disk` subcommand: everything src/commands
 * reads of it (spec, schema, help, fast path, canonical text). Pure: zod and the grammar's
 * vocabulary only, never src/commands/types.ts (which derives `DiskCommand` from the kinds list).
 */
import type { z } from 'zod';
import type { FastField } from '../commands/fast-fields.js';
import type { FlagSpec, PositionalSpec } from '../commands/vocabulary.js';

/** The least a parsed command is: its kind names it. */
export interface ParsedCommand {
  readonly kind: string;
}

/** `C`: every command the subcommand parses to (attach: the command and its picker form). */
export interface KindGrammar<C extends ParsedCommand> {
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly positionals: PositionalSpec;
  /** From the tokenized form (strings as typed, grouped by field) to the command; see schemas.ts. */
  readonly schema: z.ZodType<C>;
  readonly usage: readonly string[];
  /** One line, as help lists the subcommands. */
  readonly summary: string;
  /** Extra facts a user needs before running it; shown by `/disk help <command>`. */
  readonly notes: readonly string[];
  /** Example invocations, all valid for the parser (a unit test checks that). */
  readonly examples: readonly string[];
  /** The command when nothing follows the subcommand (bare `/disk create` opens a form). */
  readonly whenBare?: C;
  /** Top-level fields the parser's fast path may judge (fast-errors.ts); none when absent. */
  readonly fastFields?: readonly FastField[];
  /** Whether `command` is one this grammar parses to (and so renders). */
  owns(command: ParsedCommand): command is C;
  /** The canonical words after `/disk`, which the parser reads back to the same command. */
  render(command: C): readonly string[];
}

/**
 * `owns` from every command kind the grammar yields, keyed so that forgetting one does not compile
 * (`{ attach: true, attach_form: true }`).
 */
export function ownsKinds<C extends ParsedCommand>(
  kinds: { readonly [K in C['kind']]: true },
): (command: ParsedCommand) => command is C {
  return (command): command is C => Object.hasOwn(kinds, command.kind);
}
