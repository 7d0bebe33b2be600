/**
 * What the worker and the safety pipeline ask a request kind (src/kinds/<kind>/execution.ts).
 * The pure half of a kind (grammar, builder, card text) is its `KindDomain` (`domain.ts`).
 */
import type { KindSafety } from '../cloud/preflight/index.js';
import type { StepRunner } from '../jobs/steps/index.js';
import type { LockResource } from '../store/locks.js';
import type { ParamsOf, RequestKind } from './kinds.js';

export interface KindExecution<K extends RequestKind> extends KindSafety<ParamsOf[K]> {
  /**
   * `facts` (from `KindSafety`): every fact the kind's rules judge, read once per moment (filing,
   * start, right before each mutation); `loadDiskWorld` (cloud/preflight/world.ts) reads a disk
   * and its instances. `rules`: every check on those facts; missing facts are an error, never
   * nothing. Both get the moment: a guest command after a cloud call is judged on its own facts.
   */
  /** What the request holds while it runs: the disk and every instance it touches (none for create). */
  locks(params: ParamsOf[K]): LockResource[];
  /** Runs an approved request to its result (src/jobs/steps); mutates only through `ctx.recheck`. */
  readonly steps: StepRunner<K>;
  /** What a finished request means for the watch of its disk (src/jobs/watch-enroll.ts). */
  readonly watch: KindWatch<ParamsOf[K]>;
}

export interface KindWatch<P> {
  /** Whether a request of this kind starts watching its disk (the bot created or attached it). */
  readonly enrolls: boolean;
  /** Whether a request of this kind ends its disk's watch (the disk is gone). */
  readonly ends: boolean;
  /** The disk's primary instance afterwards, given the watch's `current` one. */
  primary(params: P, current: string | undefined): string | undefined;
}

/** A kind that moves no primary: the watch keeps its own. */
export const keepsPrimary = <P>(enrolls: boolean): KindWatch<P> => ({
  enrolls,
  ends: false,
  primary: (_params, current) => current,
});

/** A kind that names instances: the watch's primary, else the first instance named. */
export const primaryOrFirst = <P extends { readonly instanceIds: readonly string[] }>(
  enrolls: boolean,
): KindWatch<P> => ({
  enrolls,
  ends: false,
  primary: (params, current) => current ?? params.instanceIds[0],
});

/** A kind whose disk is gone afterwards: its watch and open incidents go with it. */
export const endsWatch = <P>(): KindWatch<P> => ({ enrolls: false, ends: true, primary: () => undefined });

/** The locks of a request that touches one disk and some instances. */
export const diskAnd = (diskId: string, instanceIds: readonly string[]): LockResource[] => [
  { kind: 'disk', id: diskId },
  ...instanceIds.map((id) => ({ kind: 'instance' as const, id })),
];
