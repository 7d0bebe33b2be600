/**
 * The list of request kinds (issue 18): one line per kind, naming what it stores (`params`), its
 * `/disk` grammar and its section of the policy file. `RequestKind`, `ParamsOf`, the commands'
 * tables (`DiskCommand`, flags, schemas, help, canonical text) and the policy's `actions` derive
 * from it; `KIND_DOMAINS` and `KIND_EXECUTIONS` are total over it, so a line added here makes the
 * compiler name what the new kind still lacks. Pure: zod, the grammar vocabulary and the policy's
 * field schemas only.
 */
import type { z } from 'zod';
import { type ActionFields, actionSchema } from '../workflow/policy-fields.js';
import { attachGrammar } from './attach/grammar.js';
import { attachParamsSchema } from './attach/params.js';
import { createGrammar } from './create/grammar.js';
import { createParamsSchema } from './create/params.js';
import { deleteGrammar } from './delete/grammar.js';
import { deleteParamsSchema } from './delete/params.js';
import { deletePolicySchema } from './delete/policy.js';
import { detachGrammar } from './detach/grammar.js';
import { detachParamsSchema } from './detach/params.js';
import { failoverGrammar } from './failover/grammar.js';
import { failoverParamsSchema } from './failover/params.js';
import { failoverPolicySchema } from './failover/policy.js';
import type { KindGrammar, ParsedCommand } from './grammar.js';
import { initGrammar } from './init/grammar.js';
import { initParamsSchema } from './init/params.js';
import { initPolicySchema } from './init/policy.js';
import { resizeGrammar } from './resize/grammar.js';
import { resizeParamsSchema } from './resize/params.js';
import { resizePolicySchema } from './resize/policy.js';
import { snapshotGrammar } from './snapshot/grammar.js';
import { snapshotParamsSchema } from './snapshot/params.js';
import { unfreezeGrammar } from './unfreeze/grammar.js';
import { unfreezeParamsSchema } from './unfreeze/params.js';

/** One line of the list: everything about a kind that the pure layers read as data. */
export interface KindDeclaration {
  /** What a request of the kind stores, read back through this schema (never by casting). */
  readonly params: z.ZodType;
  readonly grammar: KindGrammar<ParsedCommand>;
  /** `actions.<kind>` of the policy file: approvers, quorum and expiry at least. */
  readonly policy: z.ZodType<ActionFields>;
}

export const KINDS = {
  create: { params: createParamsSchema, grammar: createGrammar, policy: actionSchema },
  attach: { params: attachParamsSchema, grammar: attachGrammar, policy: actionSchema },
  detach: { params: detachParamsSchema, grammar: detachGrammar, policy: actionSchema },
  failover: { params: failoverParamsSchema, grammar: failoverGrammar, policy: failoverPolicySchema },
  init: { params: initParamsSchema, grammar: initGrammar, policy: initPolicySchema },
  /** Lifts a change freeze. */
  unfreeze: { params: unfreezeParamsSchema, grammar: unfreezeGrammar, policy: actionSchema },
  resize: { params: resizeParamsSchema, grammar: resizeGrammar, policy: resizePolicySchema },
  snapshot: { params: snapshotParamsSchema, grammar: snapshotGrammar, policy: actionSchema },
  delete: { params: deleteParamsSchema, grammar: deleteGrammar, policy: deletePolicySchema },
} as const satisfies Readonly<Record<string, KindDeclaration>>;

/** What a request asks the cloud to do; one policy section per kind (design.md §4). */
export type RequestKind = keyof typeof KINDS;

/** The kinds in declaration order, for zod enums and iteration. */
export const REQUEST_KINDS = Object.keys(KINDS) as [RequestKind, ...RequestKind[]];

export const isRequestKind = (name: string): name is RequestKind => Object.hasOwn(KINDS, name);

/**
 * The normalised parameters each request kind stores, shared by the card, preflight and the
 * executor. They are stored as JSON and read back through these schemas, never by casting.
 */
export type ParamsOf = { [K in RequestKind]: z.infer<(typeof KINDS)[K]['params']> };

/**
 * Reads stored parameters back; undefined when they do not fit the kind (a corrupt or foreign
 * record). The one place a kind's schema output is named as `ParamsOf[K]`: indexing the schema
 * table with a generic kind loses the correlation TypeScript cannot follow through zod's types.
 */
export function readParams<K extends RequestKind>(kind: K, stored: unknown): ParamsOf[K] | undefined {
  const parsed = KINDS[kind].params.safeParse(stored);
  return parsed.success ? (parsed.data as ParamsOf[K]) : undefined;
}

/** Every command kind `K`'s grammar parses to (attach: the command and its picker form). */
export type GrammarOutput<K extends RequestKind> =
  (typeof KINDS)[K]['grammar'] extends KindGrammar<infer C> ? C : never;

/** A parsed command some request kind's grammar yields. */
export type KindCommand = { [K in RequestKind]: GrammarOutput<K> }[RequestKind];

/** A line of the list as the commands' tables read any of them. */
export interface KindEntry {
  readonly grammar: KindGrammar<KindCommand>;
}

/** One value per kind, picked from its line: the request kinds' half of a table keyed by name. */
export function byKind<T>(pick: (entry: KindEntry, kind: RequestKind) => T): {
  readonly [K in RequestKind]: T;
} {
  const entries = REQUEST_KINDS.map((kind) => [kind, pick(KINDS[kind], kind)]);
  return Object.fromEntries(entries) as { readonly [K in RequestKind]: T };
}

/** The policy's `actions`, each kind's section with its own type (`actions.resize.offlineWait`). */
export const KIND_POLICIES = byKind((_entry, kind) => KINDS[kind].policy) as {
  readonly [K in RequestKind]: (typeof KINDS)[K]['policy'];
};

/** Each grammar as any kind's: `render` is only ever given a command its own `owns` accepted. */
const GRAMMARS: readonly KindGrammar<KindCommand>[] = REQUEST_KINDS.map((kind) => KINDS[kind].grammar);

/** Whether a request kind's grammar parses to `command` (then that grammar renders it). */
export const isKindCommand = (command: ParsedCommand): command is KindCommand =>
  GRAMMARS.some((grammar) => grammar.owns(command));

/** The canonical words of a request kind's command, by the grammar that parses to it. */
export function renderKindCommand(command: KindCommand): readonly string[] {
  for (const grammar of GRAMMARS) if (grammar.owns(command)) return grammar.render(command);
  throw new Error(`no request kind's grammar yields ${command.kind}`);
}
