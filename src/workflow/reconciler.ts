import type { ApprovalService } from './approval-service.js';
import type { Executor } from './ports.js';

export interface ReconcileOptions {
  /** Only requests approved at least this long ago: younger ones are still being handed over. */
  readonly olderThanMs: number;
  /** How many of the newest requests to look at per pass. */
  readonly scan: number;
}

export const DEFAULT_RECONCILE: ReconcileOptions = { olderThanMs: 60_000, scan: 500 };

/**
 * Hands `approved` requests to the executor again. The approving click submits exactly once, but a
 * process that dies between the approve transition and `submit` leaves the request approved with
 * nobody running it. Submitting again is safe: the executor's job id is the request id, so a
 * request that is already queued or running is not queued twice. Returns the ids resubmitted.
 */
export async function resubmitStuckApproved(
  service: Pick<ApprovalService, 'list'>,
  executor: Executor,
  now: number,
  options: ReconcileOptions = DEFAULT_RECONCILE,
): Promise<string[]> {
  const resubmitted: string[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await service.list({
      filter: 'all',
      userId: 'system',
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    if (!page.ok) break;
    for (const request of page.value.items) {
      if (request.state !== 'approved' || now - request.updatedAt < options.olderThanMs) continue;
      await executor.submit(request);
      resubmitted.push(request.id);
    }
    scanned += page.value.items.length;
    cursor = page.value.nextCursor;
  } while (cursor && scanned < options.scan);
  return resubmitted;
}
