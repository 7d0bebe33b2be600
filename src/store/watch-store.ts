import { z } from 'zod';
import { jsonValueSchema } from '../workflow/request.js';
import {
  type DiskWatchState,
  INCIDENT_KINDS,
  type IncidentKind,
  type IncidentRecord,
} from '../workflow/watch-rules.js';
import { DEFAULT_KEY_PREFIX, workflowKeys } from './keys.js';
import type { ScriptDefinition } from './lua/prelude.js';
import { watchCommit, watchLease, watchNotified, watchRelease, watchRemove } from './lua/watch.js';
import { commandName, type RedisLike, runDefinedScript } from './scripts.js';

/**
 * The watch in Redis (issue 13), under the workflow's `{wf}` hash tag:
 *   <prefix>{wf}:watch:disks      hash  disk id → WatchEntry JSON (what is watched, where it alerts)
 *   <prefix>{wf}:watch:state      hash  disk id → DiskWatchState JSON (the last cycle's view)
 *   <prefix>{wf}:watch:incidents  hash  <disk>:<kind> → IncidentRecord JSON (open incidents)
 *   <prefix>{wf}:watch:active     hash  <disk>|<request> → `running`, or the ms the request finished
 *   <prefix>{wf}:watch:alerts     hash  <disk>:<kind> → JSON [{channel, ts}] (the open incident's posted alerts)
 *   <prefix>{wf}:watch:lease      hash  owner, token (PX ttl): the one watcher
 *   <prefix>{wf}:watch:fence      int   fencing tokens
 */
export interface WatchEntry {
  readonly diskId: string;
  readonly regionId: string;
  readonly channelId: string;
  readonly addedBy: string;
  readonly addedAt: number;
  /** `request`: adopted when a bot request created or attached it; `command`: `/disk watch`. */
  readonly source: 'request' | 'command';
  /** The instance the bot last made primary (failover target, first attach), if any. */
  readonly primary?: string;
}

const entrySchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  channelId: z.string(),
  addedBy: z.string(),
  addedAt: z.number(),
  source: z.enum(['request', 'command']),
  primary: z.string().optional(),
});

const stateSchema = z.object({
  attachments: z.array(z.string()),
  misses: z.record(z.string(), z.number()),
  primary: z.string().optional(),
  lastHolderKey: z.string().optional(),
  names: z.record(z.string(), z.string()).optional(),
  at: z.number(),
});

const failoverSchema = z.object({ from: z.string(), to: z.string().optional() });
const incidentSchema = z.object({
  notified: z.boolean(),
  diskId: z.string(),
  kind: z.enum(INCIDENT_KINDS),
  channelId: z.string(),
  openedAt: z.number(),
  lastAlertAt: z.number(),
  summary: z.string(),
  details: z.record(z.string(), jsonValueSchema),
  failover: failoverSchema.optional(),
});

const SCRIPTS = { watchLease, watchRelease, watchCommit, watchNotified, watchRemove } as const;
type Host = Record<string, ((...args: (string | number)[]) => Promise<unknown>) | undefined>;

function parseJson<T>(schema: z.ZodType<T>, text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** `notified` first: `watchNotified` flips it by prefix without decoding the JSON. */
function incidentJson(i: IncidentRecord): string {
  const { notified, ...rest } = i;
  return JSON.stringify({ notified, ...rest });
}
const field = (diskId: string, kind: IncidentKind) => `${diskId}:${kind}`;

/** A posted alert message, kept so the resolution can take its buttons away. */
export interface AlertMessageRef {
  readonly channel: string;
  readonly ts: string;
}
const alertRefsSchema = z.array(z.object({ channel: z.string(), ts: z.string() }));

export interface CycleCommit {
  readonly at: number;
  readonly states: readonly (readonly [string, DiskWatchState])[];
  readonly opened: readonly IncidentRecord[];
  readonly resolved: readonly IncidentRecord[];
  readonly reminded: readonly IncidentRecord[];
  readonly notices: readonly (readonly [string, Record<string, unknown>])[];
}

export class RedisWatchStore {
  private readonly keys: {
    disks: string;
    state: string;
    incidents: string;
    active: string;
    alerts: string;
    lease: string;
    fence: string;
    audit: string;
  };

  constructor(
    private readonly redis: RedisLike,
    options: { prefix?: string } = {},
  ) {
    const wf = workflowKeys(options.prefix ?? DEFAULT_KEY_PREFIX);
    const base = wf.audit.replace(/audit$/, 'watch:');
    this.keys = {
      disks: `${base}disks`,
      state: `${base}state`,
      incidents: `${base}incidents`,
      active: `${base}active`,
      alerts: `${base}alerts`,
      lease: `${base}lease`,
      fence: `${base}fence`,
      audit: wf.audit,
    };
    const host = redis as unknown as Host;
    for (const script of Object.values(SCRIPTS)) {
      const name = commandName(script);
      if (typeof host[name] !== 'function')
        redis.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
    }
  }

  private run(
    script: ScriptDefinition,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    return runDefinedScript(this.redis, script, keys, args);
  }

  /** Adds or moves a watch; true when the disk was not watched before. */
  async add(entry: WatchEntry): Promise<boolean> {
    return (await this.redis.hset(this.keys.disks, entry.diskId, JSON.stringify(entry))) === 1;
  }

  async get(diskId: string): Promise<WatchEntry | undefined> {
    return parseJson(entrySchema, (await this.redis.hget(this.keys.disks, diskId)) ?? undefined);
  }

  /** Records who the bot made primary, on a disk already watched. */
  async setPrimary(diskId: string, primary: string): Promise<void> {
    const entry = await this.get(diskId);
    if (entry) await this.add({ ...entry, primary });
  }

  async remove(diskId: string): Promise<boolean> {
    const fields = INCIDENT_KINDS.map((k) => field(diskId, k));
    const keys = [this.keys.disks, this.keys.state, this.keys.incidents];
    return Number(await this.run(watchRemove, keys, [diskId, ...fields])) === 1;
  }

  async list(): Promise<WatchEntry[]> {
    const all = await this.redis.hgetall(this.keys.disks);
    return Object.values(all)
      .flatMap((v) => parseJson(entrySchema, v) ?? [])
      .sort((a, b) => a.diskId.localeCompare(b.diskId));
  }

  async states(): Promise<Map<string, DiskWatchState>> {
    const all = await this.redis.hgetall(this.keys.state);
    const out = new Map<string, DiskWatchState>();
    for (const [id, v] of Object.entries(all)) {
      const s = parseJson(stateSchema, v);
      if (s) out.set(id, s);
    }
    return out;
  }

  async incidents(): Promise<IncidentRecord[]> {
    const all = await this.redis.hgetall(this.keys.incidents);
    return Object.values(all).flatMap((v) => parseJson(incidentSchema, v) ?? []);
  }

  /**
   * A bot request is running on the disk (`running`) or finished at `at`. Transition listeners
   * may run out of order, so `running` never overwrites a finish (HSETNX).
   */
  async markActivity(diskId: string, requestId: string, at: number | 'running'): Promise<void> {
    const field = `${diskId}|${requestId}`;
    if (at === 'running') await this.redis.hsetnx(this.keys.active, field, 'running');
    else await this.redis.hset(this.keys.active, field, String(at));
  }

  /** Disk id → ms of the last bot activity (Infinity while a request runs); drops day-old marks. */
  async activity(now: number): Promise<Map<string, number>> {
    const all = await this.redis.hgetall(this.keys.active);
    const out = new Map<string, number>();
    const stale: string[] = [];
    for (const [field, v] of Object.entries(all)) {
      const diskId = field.split('|')[0] ?? field;
      const at = v === 'running' ? Number.POSITIVE_INFINITY : Number(v);
      if (at < now - 86_400_000) stale.push(field);
      out.set(diskId, Math.max(out.get(diskId) ?? 0, at));
    }
    if (stale.length > 0) await this.redis.hdel(this.keys.active, ...stale);
    return out;
  }

  /** The requests that ran on the disk since `since` (ms), running ones included: who ended an incident. */
  async requestsOn(diskId: string, since: number): Promise<string[]> {
    const all = await this.redis.hgetall(this.keys.active);
    return Object.entries(all)
      .filter(([field, v]) => field.startsWith(`${diskId}|`) && (v === 'running' || Number(v) >= since))
      .sort(
        ([, a], [, b]) => (a === 'running' ? Infinity : Number(a)) - (b === 'running' ? Infinity : Number(b)),
      )
      .map(([field]) => field.slice(diskId.length + 1));
  }

  /** Only the leader posts alerts, so this read-append-write has no concurrent writer. */
  async addAlertMessages(
    incident: Pick<IncidentRecord, 'diskId' | 'kind'>,
    refs: readonly AlertMessageRef[],
  ): Promise<void> {
    if (refs.length === 0) return;
    const key = field(incident.diskId, incident.kind);
    const known =
      parseJson(alertRefsSchema, (await this.redis.hget(this.keys.alerts, key)) ?? undefined) ?? [];
    await this.redis.hset(this.keys.alerts, key, JSON.stringify([...known, ...refs]));
  }

  /** The incident's posted alerts, forgotten as they are returned (the resolution edits them once). */
  async takeAlertMessages(incident: Pick<IncidentRecord, 'diskId' | 'kind'>): Promise<AlertMessageRef[]> {
    const key = field(incident.diskId, incident.kind);
    const raw = await this.redis.hget(this.keys.alerts, key);
    if (raw === null || raw === undefined) return [];
    await this.redis.hdel(this.keys.alerts, key);
    return parseJson(alertRefsSchema, raw) ?? [];
  }

  /** The lease's token when this owner leads (new or renewed), 0 when another replica does. */
  async lease(owner: string, token: number, ttlMs: number): Promise<number> {
    return Number(await this.run(watchLease, [this.keys.lease, this.keys.fence], [owner, token, ttlMs]));
  }

  async release(owner: string, token: number): Promise<boolean> {
    return Number(await this.run(watchRelease, [this.keys.lease], [owner, token])) === 1;
  }

  /** False when the lease moved on: nothing was written. */
  async commit(token: number, c: CycleCommit): Promise<boolean> {
    const reply = await this.run(
      watchCommit,
      [this.keys.lease, this.keys.state, this.keys.incidents, this.keys.audit],
      [
        token,
        c.at,
        JSON.stringify(c.states.map(([id, s]) => [id, JSON.stringify(s)])),
        JSON.stringify(
          c.opened.map((i) => [field(i.diskId, i.kind), incidentJson(i), i.diskId, i.kind, i.channelId]),
        ),
        JSON.stringify(c.resolved.map((i) => [field(i.diskId, i.kind), i.diskId, i.kind])),
        JSON.stringify(c.reminded.map((i) => [field(i.diskId, i.kind), incidentJson(i)])),
        JSON.stringify(c.notices.map(([id, d]) => [id, JSON.stringify(d)])),
      ],
    );
    return Number(reply) === 1;
  }

  async markNotified(token: number, incident: Pick<IncidentRecord, 'diskId' | 'kind'>): Promise<boolean> {
    const reply = await this.run(
      watchNotified,
      [this.keys.lease, this.keys.incidents],
      [token, field(incident.diskId, incident.kind)],
    );
    return Number(reply) === 1;
  }
}
