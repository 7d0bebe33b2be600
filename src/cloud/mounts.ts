/**
 * Mount status of one disk on every instance it is attached to, read through Cloud Assistant with
 * the read-only inspect script, and the single-node file-system rules built on it (design.md §7).
 */
import {
  type AssistantTiming,
  DEFAULT_ASSISTANT_TIMING,
  jsonLine,
  runOnInstances,
  type TargetOutcome,
} from './assistant.js';
import type { DiskInfo, InstanceInfo, ReadGateway } from './gateway.js';
import {
  type InspectReport,
  inspectReportSchema,
  type ReservationReport,
  reservationKeyFor,
  SAFE_SERIAL,
  sameKey,
  scriptText,
  serialFor,
} from './scripts/index.js';

/**
 * File systems that assume one writer: mounted on two instances of a shared disk they lose data
 * (blkid TYPE names). Anything else is either a cluster file system or unknown to the bot.
 */
export const SINGLE_NODE_FS: ReadonlySet<string> = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'ntfs',
  'ntfs3',
  'vfat',
  'fat',
  'msdos',
  'exfat',
  'f2fs',
  'jfs',
  'reiserfs',
  'hfsplus',
  'ufs',
  'nilfs2',
  'bcachefs',
  'zfs_member',
  'minix',
]);

/** Named in every refusal so people know what to use instead. */
export const CLUSTER_FS_ADVICE =
  'Use a cluster file system (OCFS2 or GFS2; Veritas CFS, Oracle ACFS or DBFS) or raw block access by an application that coordinates its own writes.';

export const isSingleNodeFs = (fstype: string | null | undefined): boolean =>
  fstype != null && SINGLE_NODE_FS.has(fstype.toLowerCase());

export type Access = 'rw' | 'ro' | 'fenced' | 'none' | 'unknown';

export interface MountRow {
  readonly instanceId: string;
  /** ECS status (`Running`, `Stopped`, …), `unknown` when DescribeInstances did not list it. */
  readonly instanceState: string;
  /** `attached`, or `detached` for an instance the table names after it lost the disk. */
  readonly attachment: 'attached' | 'detached';
  readonly device: string | null;
  readonly fstype: string | null;
  readonly mountpoints: readonly string[];
  readonly access: Access;
  /** Why the access is what it is when that is not obvious (fenced, unknown, not visible). */
  readonly why?: string;
  /** The size the guest sees, GiB, as inspect read it (no rescan); absent when it did not say. */
  readonly sizeGiB?: number | null;
}

export interface MountAlert {
  readonly fstype: string;
  readonly instanceIds: readonly string[];
}

export interface MountTable {
  readonly diskId: string;
  readonly rows: readonly MountRow[];
  /** A single-node file system mounted on more than one instance. */
  readonly alert?: MountAlert;
  /** As seen by any instance that answered (the reservation lives on the disk). */
  readonly reservation?: ReservationReport | null;
  /** Instance names by id, as DescribeInstances reported them (for display). */
  readonly names?: Readonly<Record<string, string>>;
}

export interface InspectOptions {
  readonly regionId: string;
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
}

/** Runs inspect on the given instances; a serial that could break the script is never sent. */
export async function inspectDisk(
  gateway: ReadGateway,
  disk: Pick<DiskInfo, 'diskId' | 'serialNumber'>,
  instanceIds: readonly string[],
  options: InspectOptions,
): Promise<TargetOutcome<InspectReport>[]> {
  const serial = serialFor(disk);
  if (instanceIds.length === 0) return [];
  if (!SAFE_SERIAL.test(serial)) {
    return instanceIds.map((instanceId) => ({
      ok: false,
      instanceId,
      state: 'error',
      code: 'unsafe_serial',
      message: `the disk's serial ${JSON.stringify(serial)} has characters the bot will not put in a script`,
    }));
  }
  const timing = options.timing ?? DEFAULT_ASSISTANT_TIMING;
  const inspect = (ids: readonly string[], patienceMs?: number) =>
    runOnInstances(
      gateway,
      {
        regionId: options.regionId,
        instanceIds: ids,
        script: scriptText('inspect'),
        parameters: { serial },
        timeoutSec: options.timeoutSec,
        name: 'shared-disk-bot inspect',
      },
      jsonLine(inspectReportSchema),
      patienceMs === undefined ? timing : { ...timing, patienceMs },
    );
  // Read-only: a guest that just timed out is asked again but given one poll, not its Timeout.
  return timing.unresponsive ? timing.unresponsive.read(instanceIds, inspect) : inspect(instanceIds);
}

/** True when `instanceId` is among the registrants (by id where the host knows it, else by derived key). */
export function isRegistrant(report: ReservationReport, instanceId: string): boolean {
  const key = reservationKeyFor(instanceId);
  return report.registrants.some((r) => (r.instanceId ? r.instanceId === instanceId : sameKey(r.key, key)));
}

/**
 * True when `report` proves `instanceId` cannot write: a registrants-only reservation is held, its
 * key is not registered, and every registered key belongs to a known instance (a key the bot cannot
 * attribute could be the instance's own). No guest answer from `instanceId` is needed.
 */
export function provesFenced(
  report: ReservationReport | null | undefined,
  instanceId: string,
  knownInstanceIds: readonly string[],
): boolean {
  if (!report?.type?.includes('registrants') || report.holder === null) return false;
  if (isRegistrant(report, instanceId)) return false;
  const known = knownInstanceIds.filter((id) => id !== instanceId).map(reservationKeyFor);
  return report.registrants.every((r) => r.instanceId || known.some((k) => sameKey(k, r.key)));
}

const FENCED_WHY = (report: ReservationReport) =>
  `not registered; key ${report.holder} holds a ${report.type} reservation`;

function accessOf(report: InspectReport, instanceId: string): { access: Access; why?: string } {
  if (!report.attached) return { access: 'none', why: 'the disk is not visible in the guest yet' };
  const r = report.reservation;
  if (r?.type?.includes('registrants') && r.holder !== null && !isRegistrant(r, instanceId)) {
    return { access: 'fenced', why: FENCED_WHY(r) };
  }
  if (report.mountpoints.length === 0) return { access: 'none' };
  return { access: report.readOnly ? 'ro' : 'rw' };
}

/**
 * The first single-node file system mounted on two or more instances that can write, if any: a
 * fenced instance's stale mount cannot corrupt the disk (its row says to unmount it).
 */
export function mountAlertOf(rows: readonly MountRow[]): MountAlert | undefined {
  const mounted = rows.filter(
    (r) => r.mountpoints.length > 0 && isSingleNodeFs(r.fstype) && r.access !== 'fenced',
  );
  const fstype = mounted[0]?.fstype;
  return mounted.length > 1 && fstype ? { fstype, instanceIds: mounted.map((r) => r.instanceId) } : undefined;
}

/** How a mount table is built from reports in hand (`mountTableOf`). */
export interface MountTableOptions {
  /** Instances to show though not attached (e.g. a failover's old primary after DetachDisk). */
  readonly alsoShow?: readonly string[];
  /**
   * Attached instances NOT inspected now, with what is known of them instead: an answer already in
   * hand (`TargetOutcome`), or `pending` when their inspection is still running (a hung guest must
   * not hold the table up). Their access comes from the reservation report when it proves a fence.
   */
  readonly known?: ReadonlyMap<string, TargetOutcome<InspectReport> | 'pending'>;
  /**
   * A reservation report the bot verified (the failover's fence check; an attach's key registration,
   * every key checked). It overrides what guests report: an instance it proves fenced is shown
   * `fenced` even when its guest does not answer.
   */
  readonly verified?: { readonly report: ReservationReport; readonly source: string };
}

export interface MountReadOptions extends InspectOptions, MountTableOptions {}

/**
 * The mount table of `disk`: one row per attached instance (plus `alsoShow`), each inspected in ONE
 * RunCommand except the `known` ones. Never throws for a guest or agent problem: that row's access
 * is `unknown` with the reason, or `fenced` when a reservation report proves its key gone.
 * @throws CloudError when DescribeInstances fails.
 */
export async function readMounts(
  gateway: ReadGateway,
  disk: DiskInfo,
  options: MountReadOptions,
): Promise<MountTable> {
  const attached = disk.attachments.map((a) => a.instanceId);
  const all = [...new Set([...attached, ...(options.alsoShow ?? [])])];
  const [instances, inspected] = await Promise.all([
    all.length > 0 ? gateway.describeInstances({ regionId: options.regionId, instanceIds: all }) : [],
    inspectDisk(
      gateway,
      disk,
      attached.filter((id) => !options.known?.has(id)),
      options,
    ),
  ]);
  return mountTableOf(disk, instances, inspected, options);
}

/**
 * The mount table of `disk` from reports already read: `inspected` (inspect reports, or any script's
 * that ends with one, of instances attached to `disk`) and `instances` as DescribeInstances listed
 * them. The rules are `readMounts`'s; an attached instance with neither a report nor a `known`
 * entry has no row.
 */
export function mountTableOf(
  disk: DiskInfo,
  instances: readonly InstanceInfo[],
  inspected: readonly TargetOutcome<InspectReport>[],
  options: MountTableOptions,
): MountTable {
  const attached = disk.attachments.map((a) => a.instanceId);
  const known = options.known ?? new Map<string, TargetOutcome<InspectReport> | 'pending'>();
  const extra = (options.alsoShow ?? []).filter((id) => !attached.includes(id));
  const byId = new Map(inspected.map((o) => [o.instanceId, o]));
  const outcomes = attached.flatMap((id) => {
    const o = byId.get(id) ?? known.get(id);
    return o === undefined ? [] : [{ id, o }];
  });
  const state = new Map(instances.map((i) => [i.instanceId, i.status]));
  const names = Object.fromEntries(
    instances.filter((i) => i.instanceName).map((i) => [i.instanceId, i.instanceName]),
  );
  let reservation: ReservationReport | null | undefined = options.verified?.report;
  for (const { o } of outcomes) {
    if (reservation || o === 'pending' || !o.ok || !o.value.attached) continue;
    reservation = o.value.reservation ?? (reservation === undefined ? null : reservation);
  }
  const proof = reservation
    ? { report: reservation, source: options.verified?.source ?? 'the reservation report of another host' }
    : undefined;
  const fencedRow = (id: string, guest: string): { access: Access; why: string } | undefined =>
    proof && provesFenced(proof.report, id, attached)
      ? {
          access: 'fenced',
          why: `${guest}; ${proof.source} shows its key gone, so it cannot write`,
        }
      : undefined;
  const rows: MountRow[] = outcomes.map(({ id, o }) => {
    const instanceState = state.get(id) ?? 'unknown';
    if (o === 'pending' || !o.ok) {
      const why =
        o === 'pending'
          ? 'its guest has not answered yet; its row follows in the thread'
          : `${o.code}: ${o.message}`;
      return {
        instanceId: id,
        instanceState,
        attachment: 'attached',
        device: null,
        fstype: null,
        mountpoints: [],
        access: 'unknown',
        why,
        ...fencedRow(id, o === 'pending' ? why : `its guest did not answer (${why})`),
      };
    }
    const report = o.value;
    const verifiedFence =
      options.verified && report.attached ? fencedRow(id, 'mounts as its guest reported them') : undefined;
    return {
      instanceId: id,
      instanceState,
      attachment: 'attached',
      device: report.device,
      fstype: report.fstype,
      mountpoints: report.mountpoints,
      ...(report.sizeGiB === undefined ? {} : { sizeGiB: report.sizeGiB }),
      ...accessOf(report, id),
      ...(report.attached && report.reservation === null
        ? { why: 'reservation unknown (no nvme-cli on the host)' }
        : {}),
      ...verifiedFence,
    };
  });
  for (const id of extra) {
    rows.push({
      instanceId: id,
      instanceState: state.get(id) ?? 'unknown',
      attachment: 'detached',
      device: null,
      fstype: null,
      mountpoints: [],
      access: 'none',
      why: 'detached',
    });
  }
  const alert = mountAlertOf(rows);
  return {
    diskId: disk.diskId,
    rows,
    names,
    ...(alert ? { alert } : {}),
    ...(reservation === undefined ? {} : { reservation }),
  };
}
