import { z } from 'zod';
import type { AuditEntry, AuditOnlyEventName, AuditReader, TransitionEventName } from '../workflow/ports.js';
import { REQUEST_STATES } from '../workflow/request.js';
import { DEFAULT_KEY_PREFIX, type WorkflowKeys, workflowKeys } from './keys.js';
import type { RedisLike } from './scripts.js';

const EVENTS = [
  'created',
  'card',
  'approval',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'started',
  'step',
  'finished',
  'mount_alert',
  'guard',
  'review_opened',
  'review_acknowledged',
  'watch_incident_opened',
  'watch_incident_resolved',
  'watch_attachment_changed',
] as const satisfies readonly (TransitionEventName | AuditOnlyEventName)[];

const entrySchema = z.object({
  event: z.enum(EVENTS),
  request: z.string(),
  actor: z.string(),
  at: z.coerce.number().int(),
  from: z.union([z.enum(REQUEST_STATES), z.literal('')]),
  to: z.union([z.enum(REQUEST_STATES), z.literal('')]),
  details: z.string(),
});

const detailsSchema = z.record(z.string(), z.unknown());

/** Stream fields come back as a flat `[k1, v1, k2, v2, …]`. */
function decodeEntry(id: string, flat: readonly string[]): AuditEntry | undefined {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] ?? ''] = flat[i + 1] ?? '';
  const parsed = entrySchema.safeParse(fields);
  if (!parsed.success) return undefined; // not one of ours: skip rather than fail the whole read
  let details: Record<string, unknown> = {};
  try {
    const json = detailsSchema.safeParse(JSON.parse(parsed.data.details));
    if (json.success) details = json.data;
  } catch {
    details = { raw: parsed.data.details };
  }
  const { event, request, actor, at, from, to } = parsed.data;
  return { id, event, requestId: request, actor, at, from, to, details };
}

/** Reads the audit stream the transition scripts append to. */
export class RedisAuditLog implements AuditReader {
  readonly keys: WorkflowKeys;

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    this.keys = workflowKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
  }

  /** Oldest first, from the start of the stream (or after `afterId`). */
  async range(options: { afterId?: string; count?: number } = {}): Promise<AuditEntry[]> {
    const start = options.afterId ? `(${options.afterId}` : '-';
    const rows = await this.redis.xrange(this.keys.audit, start, '+', 'COUNT', options.count ?? 1000);
    return rows.flatMap(([id, flat]) => decodeEntry(id, flat) ?? []);
  }

  /** The newest `limit` entries, newest first. */
  async recent(limit: number): Promise<AuditEntry[]> {
    const rows = await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', limit);
    return rows.flatMap(([id, flat]) => decodeEntry(id, flat) ?? []);
  }

  /**
   * One request's entries, oldest first. Scans the newest `scanLimit` entries (default 10,000) of
   * the shared stream, which covers any request still worth showing.
   */
  async forRequest(requestId: string, options: { scanLimit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.redis.xrevrange(this.keys.audit, '+', '-', 'COUNT', options.scanLimit ?? 10_000);
    return rows
      .flatMap(([id, flat]) => decodeEntry(id, flat) ?? [])
      .filter((e) => e.requestId === requestId)
      .reverse();
  }
}
