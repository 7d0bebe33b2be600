/**
 * The watch's judgement (issue 13), pure: one disk's observation this cycle plus what was kept
 * from the last cycle → the conditions that hold now (incidents), an attachment notice, and the
 * state to keep. The jobs layer turns cloud answers into `DiskObservation`; the store opens,
 * resolves and reminds incidents from `diffIncidents`.
 */

import { namedId } from './names.js';
import type { JsonValue } from './request.js';

/**
 * What the inspect script said about one guest: `ok`; `silent` (delivery or execution timed out,
 * or no answer: a hung guest); `not_running` (the agent or instance is down); `error` (the call
 * itself failed, e.g. throttled: says nothing about the guest); `skipped` (not Running, not asked).
 */
export type GuestAnswer = 'ok' | 'silent' | 'not_running' | 'error' | 'skipped';

export interface InstanceFacts {
  readonly instanceId: string;
  /** ECS status (`Running`, `Stopped`, …), `unknown` when DescribeInstances did not list it. */
  readonly status: string;
  readonly answer: GuestAnswer;
  readonly fstype: string | null;
  readonly mountpoints: readonly string[];
  /** A single-node file system (ext4, XFS, …) is mounted here. */
  readonly singleNodeMounted: boolean;
  /** Registered with the disk's NVMe reservation; undefined when unknown. */
  readonly registered?: boolean;
  /** Its key holds the reservation. */
  readonly holdsReservation: boolean;
  /** Whole GiB the guest sees; null or absent when it did not say. */
  readonly seenGiB?: number | null;
}

export interface DiskObservation {
  readonly diskId: string;
  /** DescribeDisks still lists it. */
  readonly exists: boolean;
  readonly attachments: readonly { readonly instanceId: string; readonly attachedTime: string }[];
  readonly instances: readonly InstanceFacts[];
  /** Holder key as any answering guest reported it; null: nobody holds; undefined: nobody could say. */
  readonly holderKey: string | null | undefined;
  /** Names of the disk and its instances, by id, for people (alerts show `name (id)`). */
  readonly names?: Readonly<Record<string, string>>;
  /** The disk's size as DescribeDisks shows it; absent when not read. */
  readonly sizeGiB?: number;
}

/** Kept in Redis between cycles, one per watched disk. */
export interface DiskWatchState {
  readonly attachments: readonly string[];
  /** Consecutive cycles each attached guest did not answer. */
  readonly misses: Readonly<Record<string, number>>;
  readonly primary?: string;
  /** The last holder key seen (kept while the reservation is lost, so "lost" stays open). */
  readonly lastHolderKey?: string;
  /** Names of the disk and its instances as last read, for `/disk watch --list` and App Home. */
  readonly names?: Readonly<Record<string, string>>;
  readonly at: number;
}

export const INCIDENT_KINDS = [
  'double_mount',
  'primary_down',
  'reservation',
  'disk_missing',
  'size_behind',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export interface Finding {
  readonly kind: IncidentKind;
  /** One plain sentence for the alert and the reminder. */
  readonly summary: string;
  readonly details: { readonly [key: string]: JsonValue };
  /** primary_down: the instance to fence and the best standby, if one qualifies. */
  readonly failover?: { readonly from: string; readonly to?: string };
}

export interface AttachmentNotice {
  readonly added: readonly { readonly instanceId: string; readonly attachedTime: string }[];
  readonly removed: readonly string[];
  /** When the change was seen (the cycle's time): tells two equal changes apart. */
  readonly seenAt: number;
  /** Names of the disk and its instances, as the observation read them. */
  readonly names?: Readonly<Record<string, string>>;
}

export interface Evaluation {
  readonly state: DiskWatchState;
  readonly findings: readonly Finding[];
  /** Kinds this cycle could not judge (a guest did not answer): an open one stays open. */
  readonly held: readonly IncidentKind[];
  readonly notice?: AttachmentNotice;
}

export interface EvaluateInput {
  readonly observation: DiskObservation;
  readonly previous?: DiskWatchState;
  /** A bot request ran on this disk since the last cycle: attachment changes are its own. */
  readonly botActive: boolean;
  readonly missedBeforeAlert: number;
  readonly fencingMode: 'reservation' | 'detach';
  /** The primary named by the bot (the watch entry): used when no reservation says otherwise. */
  readonly namedPrimary?: string;
  readonly now: number;
}

const isAttached = (o: DiskObservation, id: string | undefined): id is string =>
  id !== undefined && o.attachments.some((a) => a.instanceId === id);

function primaryOf(input: EvaluateInput): string | undefined {
  const { observation: o, previous } = input;
  const holder = o.instances.find((i) => i.holdsReservation)?.instanceId;
  if (input.fencingMode === 'reservation' && holder) return holder;
  if (isAttached(o, input.namedPrimary)) return input.namedPrimary;
  if (isAttached(o, previous?.primary)) return previous?.primary;
  return [...o.attachments].sort((a, b) => a.attachedTime.localeCompare(b.attachedTime))[0]?.instanceId;
}

function missesOf(input: EvaluateInput): Record<string, number> {
  const misses: Record<string, number> = {};
  for (const i of input.observation.instances) {
    const before = input.previous?.misses[i.instanceId] ?? 0;
    if (i.answer === 'ok') misses[i.instanceId] = 0;
    else if (i.answer === 'silent' || i.answer === 'not_running') misses[i.instanceId] = before + 1;
    else misses[i.instanceId] = before;
  }
  return misses;
}

function primaryDown(
  input: EvaluateInput,
  primary: string,
  misses: Record<string, number>,
): Finding | undefined {
  const facts = input.observation.instances.find((i) => i.instanceId === primary);
  const status = facts?.status ?? 'unknown';
  const missed = misses[primary] ?? 0;
  let why: string | undefined;
  if (status !== 'Running') why = status === 'unknown' ? 'is not listed by ECS any more' : `is ${status}`;
  else if (missed >= input.missedBeforeAlert)
    why = `is Running but its guest has not answered for ${missed} cycles (hung or crashed)`;
  if (!why) return undefined;
  const standby = input.observation.instances.find(
    (i) =>
      i.instanceId !== primary &&
      i.status === 'Running' &&
      i.answer === 'ok' &&
      (input.fencingMode === 'detach' || i.registered === true),
  );
  const names = input.observation.names;
  return {
    kind: 'primary_down',
    summary: `The primary ${namedId(names, primary)} ${why}.`,
    details: { primary, status, missed, standby: standby?.instanceId ?? null, ...(names ? { names } : {}) },
    failover: { from: primary, ...(standby ? { to: standby.instanceId } : {}) },
  };
}

function doubleMount(o: DiskObservation): Finding | undefined {
  const mounted = o.instances.filter((i) => i.singleNodeMounted && i.mountpoints.length > 0);
  if (mounted.length < 2) return undefined;
  const fstype = mounted[0]?.fstype ?? 'a single-node file system';
  const where = mounted
    .map((i) => `${namedId(o.names, i.instanceId)} at ${i.mountpoints.join(', ')}`)
    .join('; ');
  return {
    kind: 'double_mount',
    summary: `${fstype} is mounted on ${mounted.length} instances at once: ${where}. It will corrupt.`,
    details: {
      fstype,
      mounts: mounted.map((i) => ({ instanceId: i.instanceId, mountpoints: [...i.mountpoints] })),
      ...(o.names ? { names: o.names } : {}),
    },
  };
}

function reservationAnomaly(o: DiskObservation, lastHolderKey: string | undefined): Finding | undefined {
  if (o.holderKey === undefined || o.attachments.length === 0) return undefined;
  if (o.holderKey !== null && !o.instances.some((i) => i.holdsReservation)) {
    return {
      kind: 'reservation',
      summary: `The reservation is held by key ${o.holderKey}, which no attached instance owns: nobody attached can write.`,
      details: { anomaly: 'foreign_holder', holderKey: o.holderKey },
    };
  }
  if (o.holderKey === null && lastHolderKey !== undefined) {
    return {
      kind: 'reservation',
      summary: `The reservation held by key ${lastHolderKey} is gone: every attached instance may write.`,
      details: { anomaly: 'lost', lastHolderKey },
    };
  }
  return undefined;
}

/** Nodes that still see less than the disk's size: a resize they missed (a grow would fail them). */
function sizeBehind(o: DiskObservation): Finding | undefined {
  const size = o.sizeGiB;
  if (size === undefined) return undefined;
  const behind = o.instances.filter(
    (i) => i.status === 'Running' && i.answer === 'ok' && typeof i.seenGiB === 'number' && i.seenGiB < size,
  );
  if (behind.length === 0) return undefined;
  const who = behind.map((i) => `${namedId(o.names, i.instanceId)} sees ${i.seenGiB} GiB`).join('; ');
  return {
    kind: 'size_behind',
    summary: `${o.diskId} is ${size} GiB but ${who}: rescan it, or reboot it, or detach and re-attach it through the bot; never grow the file system before every node sees the size.`,
    details: {
      sizeGiB: size,
      behind: behind.map((i) => ({ instanceId: i.instanceId, seenGiB: i.seenGiB ?? null })),
      ...(o.names ? { names: o.names } : {}),
    },
  };
}

export function evaluate(input: EvaluateInput): Evaluation {
  const { observation: o, previous } = input;
  const attachments = o.attachments.map((a) => a.instanceId).sort();
  const misses = missesOf(input);
  const findings: Finding[] = [];
  const held: IncidentKind[] = [];
  let notice: AttachmentNotice | undefined;
  if (previous && !input.botActive && o.exists) {
    const before = new Set(previous.attachments);
    const added = o.attachments.filter((a) => !before.has(a.instanceId));
    const removed = previous.attachments.filter((id) => !attachments.includes(id));
    if (added.length > 0 || removed.length > 0)
      notice = { added, removed, seenAt: input.now, ...(o.names ? { names: o.names } : {}) };
  }
  if (!o.exists) {
    findings.push({
      kind: 'disk_missing',
      summary: `DescribeDisks no longer lists ${o.diskId}: it was released or is in another region.`,
      details: {},
    });
    held.push('double_mount', 'primary_down', 'reservation', 'size_behind');
    return { state: { ...(previous ?? { attachments: [], misses: {} }), at: input.now }, findings, held };
  }
  const primary = primaryOf(input);
  const down = primary ? primaryDown(input, primary, misses) : undefined;
  if (down) findings.push(down);
  const mounts = doubleMount(o);
  if (mounts) findings.push(mounts);
  else if (o.instances.some((i) => i.status === 'Running' && i.answer !== 'ok')) held.push('double_mount');
  // A resize the bot is running sees its own nodes behind until its rescan: not an incident.
  const behind = input.botActive ? undefined : sizeBehind(o);
  if (behind) findings.push(behind);
  else if (input.botActive || o.instances.some((i) => i.status === 'Running' && i.answer !== 'ok'))
    held.push('size_behind');
  let lastHolderKey = input.botActive ? undefined : previous?.lastHolderKey;
  if (o.holderKey !== undefined && o.holderKey !== null) lastHolderKey = o.holderKey;
  if (input.fencingMode === 'reservation') {
    const anomaly = reservationAnomaly(o, input.botActive ? undefined : previous?.lastHolderKey);
    if (anomaly) findings.push(anomaly);
    else if (o.holderKey === undefined) held.push('reservation');
  }
  const state: DiskWatchState = {
    attachments,
    misses,
    ...(primary ? { primary } : {}),
    ...(lastHolderKey ? { lastHolderKey } : {}),
    ...(o.names ? { names: o.names } : {}),
    at: input.now,
  };
  return { state, findings, held, ...(notice ? { notice } : {}) };
}

/** An incident as the store keeps it: one per disk and kind while its condition holds. */
export interface IncidentRecord {
  readonly diskId: string;
  readonly kind: IncidentKind;
  readonly channelId: string;
  readonly openedAt: number;
  readonly lastAlertAt: number;
  readonly summary: string;
  readonly details: { readonly [key: string]: JsonValue };
  readonly failover?: { readonly from: string; readonly to?: string };
  /** False until the alert was posted (a replica that died before posting leaves it for the next cycle). */
  readonly notified: boolean;
}

export interface IncidentDiff {
  readonly opened: readonly IncidentRecord[];
  readonly resolved: readonly IncidentRecord[];
  readonly reminded: readonly IncidentRecord[];
}

/**
 * Which incidents of one disk open, resolve or are due a reminder this cycle. While a bot request
 * is still running on the disk, no incident resolves: the resolution names the requests that ended
 * it with their outcome, and a failover that has fenced the old primary has none yet.
 */
export function diffIncidents(input: {
  readonly diskId: string;
  readonly channelId: string;
  readonly open: readonly IncidentRecord[];
  readonly evaluation: Pick<Evaluation, 'findings' | 'held'>;
  readonly now: number;
  readonly remindAfterMs: number;
  readonly botRunning: boolean;
}): IncidentDiff {
  const open = new Map(input.open.map((i) => [i.kind, i]));
  const opened: IncidentRecord[] = [];
  const reminded: IncidentRecord[] = [];
  for (const f of input.evaluation.findings) {
    const existing = open.get(f.kind);
    if (!existing) {
      opened.push({
        diskId: input.diskId,
        kind: f.kind,
        channelId: input.channelId,
        openedAt: input.now,
        lastAlertAt: input.now,
        summary: f.summary,
        details: f.details,
        ...(f.failover ? { failover: f.failover } : {}),
        notified: false,
      });
    } else if (existing.notified && input.now - existing.lastAlertAt >= input.remindAfterMs) {
      reminded.push({
        ...existing,
        summary: f.summary,
        details: f.details,
        ...(f.failover ? { failover: f.failover } : {}),
        lastAlertAt: input.now,
      });
    }
  }
  const still = new Set([...input.evaluation.findings.map((f) => f.kind), ...input.evaluation.held]);
  const resolved = input.botRunning ? [] : input.open.filter((i) => !still.has(i.kind));
  return { opened, resolved, reminded };
}
