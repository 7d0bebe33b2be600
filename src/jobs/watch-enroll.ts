/**
 * Every disk the bot created or attached is watched in the channel where that request was filed,
 * and every bot request on a watched disk marks it active, so the watcher does not report the
 * bot's own attach, detach or failover as a change made outside the bot.
 */

import type { RedisWatchStore } from '../store/watch-store.js';
import type { TransitionListener } from '../workflow/ports.js';
import type { DiskRequest } from '../workflow/request.js';
import type { ExecutionLogger } from './ports.js';

const FINISHED = new Set(['succeeded', 'partial', 'failed']);

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
        // A deleted disk is watched no more: its watch and open incidents go with it.
        if (request.kind === 'delete') return void (await store.remove(diskId));
        const existing = await store.get(diskId);
        const params = request.params;
        const instances = Array.isArray(params.instanceIds) ? params.instanceIds : [];
        const primary =
          request.kind === 'failover' && typeof params.toInstanceId === 'string'
            ? params.toInstanceId
            : (existing?.primary ?? (typeof instances[0] === 'string' ? instances[0] : undefined));
        if (existing) {
          if (primary && primary !== existing.primary) await store.setPrimary(diskId, primary);
          return;
        }
        if (request.kind !== 'create' && request.kind !== 'attach') return;
        await store.add({
          diskId,
          regionId: typeof params.regionId === 'string' ? params.regionId : '',
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
