/**
 * What the pure layers (commands, workflow, the Slack renderers, name resolution) ask a request
 * kind: src/kinds/<kind>/domain.ts. Pure like src/workflow: no Slack, Redis or cloud import. The
 * execution half (facts, rules, locks, steps) is the kind's `KindExecution` (`execution.ts`).
 */
import type { DiskCommand, NameMap } from '../commands/index.js';
import type { Policy } from '../workflow/policy.js';
import type { Check, PlanStep } from '../workflow/request.js';
import type { ParamsOf, RequestKind } from './kinds.js';

/** The parsed command that files a request of kind `K`. */
export type CommandOf<K extends RequestKind> = Extract<DiskCommand, { kind: K }>;

export interface QuorumOptions {
  /** `attach --allow-single-node-fs`: needs at least `singleNodeFs.quorum` approvals. */
  readonly allowSingleNodeFs?: boolean;
  /** `detach --force` (a read-write mount may be cut off): needs at least `detachMounted.quorum`. */
  readonly force?: boolean;
  /** Emergency failover: the emergency quorum (usually 0) replaces the normal one. */
  readonly emergency?: boolean;
}

/** What the builder makes of a command: stored params, the exact cloud calls, the checks without a call. */
export interface KindBuild<K extends RequestKind> {
  readonly params: ParamsOf[K];
  readonly plan: PlanStep[];
  /** Checks that need no cloud call; any `error` means the request must not be opened. */
  readonly checks: Check[];
  readonly allowSingleNodeFs: boolean;
  /** `detach --force`: raises the quorum to `detachMounted.quorum`. */
  readonly force: boolean;
  readonly emergency: boolean;
}

/** A card's one-line summary: whole, or a head and a list the card shortens to fit ("… and 6 more"). */
export type KindSummary =
  | { readonly text: string }
  | { readonly head: string; readonly list: readonly string[] };

/** The disk and instances a command names as typed (names or ids), and the same as ids. */
export interface NameRefs {
  readonly disk: string;
  readonly instances: readonly string[];
}
export interface ResolvedRefs {
  readonly diskId: string;
  readonly instanceIds: readonly string[];
  /** Display names by id, for cards and lists. */
  readonly names: NameMap;
}

/** How a kind's command names its disk and instances (`NameResolver` turns names into ids). */
export interface KindNames<K extends RequestKind> {
  /** The instances are the disk's attachments, looked up with it (resize): `refs` names none. */
  readonly instancesOfDisk?: boolean;
  /** Whether the instances the disk is attached to are named too (init: the cluster's nodes). */
  readonly namesAttached: boolean;
  refs(command: CommandOf<K>): NameRefs;
  withIds(command: CommandOf<K>, resolved: ResolvedRefs): CommandOf<K>;
}

export interface KindDomain<K extends RequestKind> {
  /** The builder: params, plan and static checks of a command (regionId: the command's or the policy's). */
  build(command: CommandOf<K>, policy: Policy, regionId: string): KindBuild<K>;
  /** Approvals needed: the policy's `actions.<kind>.quorum`, and what the kind's overrides raise it to. */
  quorum(policy: Policy, options: QuorumOptions): number;
  /** Whether the policy lets a request of this kind be filed in an emergency (quorum `emergency`). */
  allowsEmergency(policy: Policy): boolean;
  /** Whether a change freeze holds a request of this kind back. */
  frozen(policy: Policy): boolean;
  /** Lifting the freeze: filed only while one is in force, and its plan has no cloud call. */
  readonly liftsFreeze: boolean;
  /**
   * The Retry button: the command that files the same request again through today's policy;
   * `ran` says how far the failed request got (a resize past its ResizeDisk resumes from the verification).
   */
  retry(params: ParamsOf[K], ran: { readonly stepCursor: number }): CommandOf<K>;
  /**
   * Retry on a partial result: the retry command marked to finish request `partialId` (only the
   * steps it did not complete run). Undefined when the kind's retry of a partial result starts over.
   */
  readonly finishes: ((command: CommandOf<K>, partialId: string) => CommandOf<K>) | undefined;
  /** What the request does, plain text (`named` shows an id with its stored name). */
  summary(params: ParamsOf[K], named: (id: string) => string): KindSummary;
  /** Name resolution of the command's disk and instances; undefined when it names none. */
  readonly names: KindNames<K> | undefined;
}

/** The display names resolved for the command, when there are any. */
export const namesOf = (command: { names?: NameMap }): { names?: Record<string, string> } =>
  command.names && Object.keys(command.names).length > 0 ? { names: { ...command.names } } : {};
