/**
 * Every disk the bot created or attached is watched in the channel where that request was filed,
 * and every bot request on a watched disk marks it active, so the watcher does not report the
 * bot's own attach, detach or failover as a change made outside the bot.
 */

import { executionOf } from '../kinds/registry.js';
import type { RedisWatchStore } from '../store/watch-store.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { DiskRequest, RequestKind } from '../workflow/request.js';
import { readParams } from '../workflow/request-params.js';
import type { ExecutionLogger } from './ports.js';

const FINISHED = new Set(['succeeded', 'partial', 'failed']);

/** What the request's kind says about the watch; undefined when the stored params fit no kind. */
function watchAfter<K extends RequestKind>(
  kind: K,
  request: DiskRequest,
  current: string | undefined,
): { readonly enrolls: boolean; readonly primary: string | undefined } | undefined {
  const params = readParams(kind, request.params);
  if (!params) return undefined;
  const { watch } = executionOf(kind);
  return { enrolls: watch.enrolls, primary: watch.primary(params, current) };
}

/** The disk a request is about; a created disk's id is in its outcome ("Created d-…"). */
export function diskOfRequest(request: DiskRequest): string | undefined {
  const fromParams = request.params.diskId;
  if (typeof fromParams === 'string') return fromParams;
  return /\bd-[a-z0-9]+/.exec(request.outcome?.message ?? '')?.[0];
}

export function watchEnroller(store: RedisWatchStore, logger: ExecutionLogger): TransitionListener {
  return {
    onTransition: async ({ from, to, at, request }) => {
      const diskId = diskOfRequest(request);
      // Only state changes: later events of a finished request (reviews, cards) are not activity.
      if (!diskId || from === to) return;
      try {
        if (to === 'running') return await store.markActivity(diskId, request.id, 'running');
        if (!FINISHED.has(to)) return;
        await store.markActivity(diskId, request.id, at);
        if (to === 'failed') return;
        const existing = await store.get(diskId);
        const kind = watchAfter(request.kind, request, existing?.primary);
        const primary = kind?.primary;
        if (existing) {
          if (primary && primary !== existing.primary) await store.setPrimary(diskId, primary);
          return;
        }
        if (!kind?.enrolls) return;
        const regionId = request.params.regionId;
        await store.add({
          diskId,
          regionId: typeof regionId === 'string' ? regionId : '',
          channelId: request.channelId,
          addedBy: request.requesterId,
          addedAt: at,
          source: 'request',
          ...(primary ? { primary } : {}),
        });
      } catch (error) {
        logger.warn({ err: error, diskId, requestId: request.id }, 'watch_enroll_failed');
      }
    },
  };
}
