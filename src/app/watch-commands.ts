/**
 * `/disk watch`, `/disk watch --list` and `/disk unwatch` (issue 13): adopting a shared disk into
 * the watch, its first look, and what the watch knows about each disk. The Slack listeners call one
 * method and render; the first look is posted through `FirstLookPoster`.
 */
import type { AssistantTiming } from '../cloud/assistant.js';
import { describeFailure } from '../cloud/explain.js';
import type { EcsGateway } from '../cloud/gateway.js';
import { observeDisks } from '../jobs/watch-observe.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../workflow/ports.js';
import {
  type DiskWatchState,
  type Evaluation,
  evaluate,
  type IncidentRecord,
} from '../workflow/watch-rules.js';
import type { CloudFailure, WatchEntry } from './ports.js';

/** The watch's records these commands read and write (the watch store). */
export interface WatchRegistry {
  list(): Promise<WatchEntry[]>;
  states(): Promise<Map<string, DiskWatchState>>;
  incidents(): Promise<IncidentRecord[]>;
  get(diskId: string): Promise<WatchEntry | undefined>;
  /** Whether the disk was not watched before. */
  add(entry: WatchEntry): Promise<boolean>;
  /** Whether the disk was watched. */
  remove(diskId: string): Promise<boolean>;
}

/** One watched disk with the last cycle's view of it and its open incidents. */
export interface WatchedDisk {
  readonly entry: WatchEntry;
  readonly state: DiskWatchState | undefined;
  readonly incidents: readonly IncidentRecord[];
}

/** Posts a newly adopted disk's first status in its channel (no incident is opened by it). */
export interface FirstLookPoster {
  firstLook(entry: WatchEntry, look: Pick<Evaluation, 'findings' | 'state'>): Promise<void>;
}

export type WatchOutcome =
  | { readonly ok: true; readonly entry: WatchEntry; readonly added: boolean }
  | { readonly ok: false; readonly reason: 'no_disk'; readonly regionId: string }
  | { readonly ok: false; readonly reason: 'not_shared' }
  | { readonly ok: false; readonly reason: 'cloud_failed'; readonly failure: CloudFailure };

export interface WatchCommandDeps {
  readonly store: WatchRegistry;
  readonly gateway: EcsGateway;
  readonly poster: FirstLookPoster;
  readonly defaultRegion: string;
  readonly clock: Clock;
  readonly fencingMode: 'reservation' | 'detach';
  readonly inspectTimeoutSec: number;
  readonly timing?: AssistantTiming;
  readonly logger: Logger;
}

export class WatchCommands {
  constructor(private readonly deps: WatchCommandDeps) {}

  /** Every watched disk, in the store's order. */
  async watched(): Promise<WatchedDisk[]> {
    const { store } = this.deps;
    const [entries, states, incidents] = await Promise.all([store.list(), store.states(), store.incidents()]);
    return entries.map((entry) => ({
      entry,
      state: states.get(entry.diskId),
      incidents: incidents.filter((i) => i.diskId === entry.diskId),
    }));
  }

  /**
   * Adopts a multi-attach disk; alerts go to `channelId`. Its first look is taken and posted in
   * the background: the command answers without waiting for the guests.
   */
  async watch(diskId: string, by: { userId: string; channelId: string }): Promise<WatchOutcome> {
    const { deps } = this;
    let multiAttach: boolean | undefined;
    try {
      const [disk] = await deps.gateway.describeDisks({ regionId: deps.defaultRegion, diskIds: [diskId] });
      multiAttach = disk?.multiAttach;
    } catch (error) {
      return { ok: false, reason: 'cloud_failed', failure: describeFailure(error) };
    }
    if (multiAttach === undefined) return { ok: false, reason: 'no_disk', regionId: deps.defaultRegion };
    if (!multiAttach) return { ok: false, reason: 'not_shared' };
    const primary = (await deps.store.get(diskId))?.primary;
    const entry: WatchEntry = {
      diskId,
      regionId: deps.defaultRegion,
      channelId: by.channelId,
      addedBy: by.userId,
      addedAt: deps.clock.now(),
      source: 'command',
      ...(primary ? { primary } : {}),
    };
    const added = await deps.store.add(entry);
    this.postFirstLook(entry).catch((error: unknown) =>
      deps.logger.warn(
        { event: 'watch.first_status_failed', diskId: entry.diskId, err: error },
        'first status failed',
      ),
    );
    return { ok: true, entry, added };
  }

  /** Whether the disk was watched. */
  unwatch(diskId: string): Promise<boolean> {
    return this.deps.store.remove(diskId);
  }

  private async postFirstLook(entry: WatchEntry): Promise<void> {
    const { deps } = this;
    const observed = (
      await observeDisks(deps.gateway, [entry], {
        timeoutSec: deps.inspectTimeoutSec,
        ...(deps.timing ? { timing: deps.timing } : {}),
      })
    ).get(entry.diskId);
    if (!observed) return;
    const { findings, state } = evaluate({
      observation: observed,
      botActive: false,
      missedBeforeAlert: 1,
      fencingMode: deps.fencingMode,
      ...(entry.primary ? { namedPrimary: entry.primary } : {}),
      now: deps.clock.now(),
    });
    await deps.poster.firstLook(entry, { findings, state });
  }
}
