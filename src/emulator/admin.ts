/**
 * The unsigned admin API under `/_emulator/` (the server only lets loopback callers in). It reads
 * and resets state, sets faults and latencies, plays what happens outside the ECS API (a guest hangs
 * and never answers Cloud Assistant, or recovers; an operator stops an instance, formats a disk —
 * attached or not — and mounts it read-write or read-only; a guest's NVMe controller ignores
 * rescans after a resize; a region still on the 2021 resize API), and serves the call log.
 */
import { z } from 'zod';
import { settleInstanceStatus } from './actions/instances.js';
import type { CallLog } from './calllog.js';
import { type FaultConfig, faultConfigSchema } from './faults.js';
import { ocfs2AdminRoute } from './ocfs2-admin.js';
import { RESERVATION_TYPE } from './scripts.js';
import type { SeedName } from './seed.js';
import {
  diskStatus,
  fsSize,
  guestSize,
  iso,
  LATENCY_KINDS,
  type LatencyConfig,
  type LatencySpec,
  mountKey,
  serialOf,
  type World,
} from './world.js';

export interface AdminTarget {
  world(): World;
  reset(seed: SeedName): void;
  faults: FaultConfig;
  latency: LatencyConfig;
  setLatency(overrides: Partial<Record<keyof LatencyConfig, LatencySpec>>): void;
  calls: CallLog;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

const latencySpec = z.strictObject({
  baseMs: z.number().int().min(0),
  jitterMs: z.number().int().min(0),
});
const latencySchema = z.partialRecord(z.enum(LATENCY_KINDS), latencySpec);
const resetSchema = z.strictObject({ seed: z.enum(['default', 'empty', 'large']).default('default') });
const detachSchema = z.strictObject({ instanceId: z.string().min(1) });
const filesystemSchema = z.strictObject({
  /** Omitted: leave the disk's file system as it is; null: wipe it. */
  fstype: z.string().min(1).nullable().optional(),
  mountpoints: z.array(z.string().startsWith('/')).default([]),
  readOnly: z.boolean().default(false),
});

function stateView(world: World): Record<string, unknown> {
  const disks = [...world.disks.values()];
  return {
    now: iso(world.now()),
    regionId: world.regionId,
    disks: disks.map((d) => ({
      diskId: d.diskId,
      name: d.diskName,
      zoneId: d.zoneId,
      category: d.category,
      performanceLevel: d.performanceLevel,
      size: d.size,
      multiAttach: d.multiAttach,
      status: diskStatus(d),
      busy: d.busy,
      serialNumber: serialOf(d.diskId),
      fstype: d.fstype,
      fsSize: fsSize(world, d),
      attachments: d.attachments.map((a) => ({
        ...a,
        attachedTime: iso(a.attachedTime),
        guestSize: guestSize(world, a.instanceId, d),
      })),
      pending: [...d.pending].map(([instanceId, p]) => ({ instanceId, op: p.op })),
    })),
    instances: [...world.instances.values()].map((i) => ({
      instanceId: i.instanceId,
      name: i.instanceName,
      zoneId: i.zoneId,
      instanceType: i.instanceType,
      imageId: i.imageId,
      status: i.status,
      crashed: i.crashed,
      staleSize: world.staleSize.has(i.instanceId),
    })),
    snapshots: [...world.snapshots.values()].map((s) => ({
      snapshotId: s.snapshotId,
      diskId: s.sourceDiskId,
      name: s.snapshotName,
      status: s.status,
      size: s.sourceDiskSize,
    })),
    onlineMultiAttachResize: world.behaviour.onlineMultiAttachResize,
    reservations: [...world.reservations].map(([diskId, r]) => ({
      diskId,
      holder: r.holder,
      type: r.holder === null ? null : RESERVATION_TYPE,
      registrants: [...r.registrants].map(([instanceId, key]) => ({ instanceId, key })),
    })),
    mounts: [...world.mounts].map(([key, m]) => {
      const [instanceId = '', diskId = ''] = key.split('/');
      return { instanceId, diskId, fstype: world.disks.get(diskId)?.fstype ?? null, ...m };
    }),
    invocations: [...world.invocations.values()].map((inv) => ({
      invokeId: inv.invokeId,
      targets: inv.targets.map((t) => ({ instanceId: t.instanceId, status: t.status, exitCode: t.exitCode })),
    })),
  };
}

const notFound = (what: string): AdminReply => ({ status: 404, body: { error: `${what} not found` } });

function parse<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; reply: AdminReply } {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, reply: { status: 400, body: { error: 'invalid body', issues: r.error.issues } } };
}

function instanceRoute(target: AdminTarget, id: string, verb: string): AdminReply {
  const world = target.world();
  const instance = world.instances.get(id);
  if (!instance) return notFound(`instance ${id}`);
  if (verb === 'crash') instance.crashed = true;
  else if (verb === 'recover') instance.crashed = false;
  else if (verb === 'stop') settleInstanceStatus(world, instance, 'Stopped');
  else if (verb === 'start') settleInstanceStatus(world, instance, 'Running');
  else return notFound(`route ${verb}`);
  return { status: 200, body: { instanceId: id, status: instance.status, crashed: instance.crashed } };
}

/** Renames an instance (the console's "modify instance name"), e.g. to give two the same name. */
function renameRoute(target: AdminTarget, id: string, body: unknown): AdminReply {
  const instance = target.world().instances.get(id);
  if (!instance) return notFound(`instance ${id}`);
  const parsed = parse(z.object({ name: z.string().min(2).max(128) }), body);
  if (!parsed.ok) return parsed.reply;
  instance.instanceName = parsed.value.name;
  return { status: 200, body: { instanceId: id, name: instance.instanceName } };
}

function filesystemRoute(target: AdminTarget, instanceId: string, diskId: string, body: unknown): AdminReply {
  const world = target.world();
  const disk = world.disks.get(diskId);
  if (!world.instances.has(instanceId)) return notFound(`instance ${instanceId}`);
  if (!disk) return notFound(`disk ${diskId}`);
  if (!disk.attachments.some((a) => a.instanceId === instanceId)) {
    return { status: 409, body: { error: `disk ${diskId} is not attached to ${instanceId}` } };
  }
  const parsed = parse(filesystemSchema, body);
  if (!parsed.ok) return parsed.reply;
  const { fstype, mountpoints, readOnly } = parsed.value;
  if (fstype !== undefined) {
    disk.fstype = fstype;
    world.fsSizes.delete(diskId);
  }
  if (mountpoints.length > 0 && disk.fstype === null) {
    return { status: 409, body: { error: 'cannot mount a disk without a file system' } };
  }
  const key = mountKey(instanceId, diskId);
  if (mountpoints.length === 0) world.mounts.delete(key);
  else world.mounts.set(key, { mountpoints, readOnly });
  return { status: 200, body: { instanceId, diskId, fstype: disk.fstype, mountpoints, readOnly } };
}

/**
 * An operator detaches the disk in the console: gone at once, no API call the bot could see; the
 * guest's mounts of it go too. `POST /disks/<diskId>/detach {"instanceId": …}`.
 */
function consoleDetachRoute(target: AdminTarget, diskId: string, body: unknown): AdminReply {
  const world = target.world();
  const disk = world.disks.get(diskId);
  if (!disk) return notFound(`disk ${diskId}`);
  const parsed = parse(detachSchema, body);
  if (!parsed.ok) return parsed.reply;
  const { instanceId } = parsed.value;
  if (!disk.attachments.some((a) => a.instanceId === instanceId))
    return { status: 409, body: { error: `disk ${diskId} is not attached to ${instanceId}` } };
  disk.attachments = disk.attachments.filter((a) => a.instanceId !== instanceId);
  disk.pending.delete(instanceId);
  world.mounts.delete(mountKey(instanceId, diskId));
  disk.detachedTime = world.now();
  return {
    status: 200,
    body: { diskId, instanceId, attachments: disk.attachments.map((a) => a.instanceId) },
  };
}

const diskFilesystemSchema = z.strictObject({ fstype: z.string().min(1).nullable() });

/**
 * Writes (or wipes) the file system on the disk itself, attached or not: a disk formatted before
 * the bot knew it, e.g. XFS on a disk attached nowhere. Mounts are set per instance (above).
 */
function diskFilesystemRoute(target: AdminTarget, diskId: string, body: unknown): AdminReply {
  const disk = target.world().disks.get(diskId);
  if (!disk) return notFound(`disk ${diskId}`);
  const parsed = parse(diskFilesystemSchema, body);
  if (!parsed.ok) return parsed.reply;
  disk.fstype = parsed.value.fstype;
  target.world().fsSizes.delete(diskId);
  return { status: 200, body: { diskId, fstype: disk.fstype } };
}

const staleSchema = z.strictObject({ stale: z.boolean() });

/**
 * `POST /instances/<id>/stale-size {"stale": true}`: this guest's NVMe controller ignores rescans, so
 * it keeps the size it sees now until it reboots or `{"stale": false}` clears it (the next rescan
 * then sees the real size).
 */
function staleSizeRoute(target: AdminTarget, id: string, body: unknown): AdminReply {
  const world = target.world();
  if (!world.instances.has(id)) return notFound(`instance ${id}`);
  const parsed = parse(staleSchema, body);
  if (!parsed.ok) return parsed.reply;
  if (parsed.value.stale) world.staleSize.add(id);
  else world.staleSize.delete(id);
  return { status: 200, body: { instanceId: id, stale: parsed.value.stale } };
}

const regionSchema = z.strictObject({ onlineMultiAttachResize: z.boolean() });

/** Routes one admin request; `path` is below `/_emulator`. */
export function handleAdmin(
  target: AdminTarget,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
): AdminReply {
  target.world().settle();
  const route = `${method} ${path.replace(/\/+$/, '')}`;
  if (route === 'GET /state') return { status: 200, body: stateView(target.world()) };
  if (route === 'POST /reset') {
    const parsed = parse(resetSchema, body);
    if (!parsed.ok) return parsed.reply;
    target.reset(parsed.value.seed);
    return { status: 200, body: { seed: parsed.value.seed } };
  }
  if (route === 'POST /faults') {
    const parsed = parse(faultConfigSchema, body);
    if (!parsed.ok) return parsed.reply;
    for (const k of Object.keys(target.faults)) delete target.faults[k];
    Object.assign(target.faults, parsed.value);
    return { status: 200, body: { faults: target.faults } };
  }
  if (route === 'GET /faults') return { status: 200, body: { faults: target.faults } };
  if (route === 'POST /latency') {
    const parsed = parse(latencySchema, body);
    if (!parsed.ok) return parsed.reply;
    target.setLatency(parsed.value);
    return { status: 200, body: { latency: target.latency } };
  }
  if (route === 'GET /calls')
    return { status: 200, body: { calls: target.calls.list(query.get('action') ?? undefined) } };
  if (route === 'DELETE /calls') return { status: 200, body: { cleared: target.calls.clear() } };
  if (route === 'POST /region') {
    const parsed = parse(regionSchema, body);
    if (!parsed.ok) return parsed.reply;
    target.world().behaviour.onlineMultiAttachResize = parsed.value.onlineMultiAttachResize;
    return { status: 200, body: parsed.value };
  }
  const stale = /^POST \/instances\/([^/]+)\/stale-size$/.exec(route);
  if (stale) return staleSizeRoute(target, decodeURIComponent(stale[1] ?? ''), body);
  const ocfs2 = ocfs2AdminRoute(target.world(), route, body);
  if (ocfs2) return ocfs2;
  const fs = /^POST \/instances\/([^/]+)\/disks\/([^/]+)\/filesystem$/.exec(route);
  if (fs)
    return filesystemRoute(target, decodeURIComponent(fs[1] ?? ''), decodeURIComponent(fs[2] ?? ''), body);
  const detach = /^POST \/disks\/([^/]+)\/detach$/.exec(route);
  if (detach) return consoleDetachRoute(target, decodeURIComponent(detach[1] ?? ''), body);
  const diskFs = /^POST \/disks\/([^/]+)\/filesystem$/.exec(route);
  if (diskFs) return diskFilesystemRoute(target, decodeURIComponent(diskFs[1] ?? ''), body);
  const rename = /^POST \/instances\/([^/]+)\/name$/.exec(route);
  if (rename) return renameRoute(target, decodeURIComponent(rename[1] ?? ''), body);
  const inst = /^POST \/instances\/([^/]+)\/([a-z]+)$/.exec(route);
  if (inst) return instanceRoute(target, decodeURIComponent(inst[1] ?? ''), inst[2] ?? '');
  return notFound(`route ${route}`);
}
