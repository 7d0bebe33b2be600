/**
 * Contract of the bot's Cloud Assistant scripts, shared by the bot (which sends them) and the
 * emulator (which runs them against its state instead of a shell).
 *
 * A script is sent with `RunCommand` (`Type=RunShellScript`, `EnableParameter=true`) and its
 * arguments travel in `Parameters` (`{"serial":"bp1…"}`), referenced in the script as `{{serial}}`.
 * Per-host values come from Cloud Assistant's built-in parameters (`builtins`), which the service
 * substitutes for each instance: the reservation scripts reference `{{ACS::InstanceId}}` and derive
 * the host's key from it (`hostKeyFor`), so one RunCommand registers every host.
 * Its first line (or the line after a `#!` shebang) is the marker `# shared-disk-bot:<name>:<version>`.
 *
 * Outputs (stdout, one JSON line unless noted):
 * - `inspect:1` {serial} → `InspectReport`; exit 0 also when no device has that serial (`attached:false`).
 * - `nvme-register:2` {serial} + ACS::InstanceId → `ReservationReport` after registering this host's
 *   key (re-registering the same key is a no-op).
 * - `nvme-register-inspect:1` {serial} + ACS::InstanceId → `InspectReport` read after registering
 *   this host's key as `nvme-register` does (same failures), so its `reservation` shows the key.
 * - `nvme-acquire:2` {serial} + ACS::InstanceId → `ReservationReport` after taking the reservation
 *   with this host's key, type 3 (Write Exclusive, Registrants Only); holding it already is a no-op.
 * - `nvme-preempt:2` {serial, victimKey} + ACS::InstanceId → `ReservationReport` after removing every
 *   registration with `victimKey` and making this host's key the holder; if the victim is already
 *   gone and this host holds the reservation it is a no-op, so a retried failover succeeds.
 * - `nvme-report:1` {serial} → `ReservationReport`.
 * - `inspect-disks:1` {serials} (comma-separated) → `{"disks": InspectReport[]}` for the serials
 *   this host sees (the watcher's one call per 100 instances).
 * - `takeover-mount:1` {serial, mountpoint, options} → `TakeoverReport` after mounting the disk's
 *   file system there (already mounted there is a no-op); exit 6 when the disk has no file system.
 * - `rescan:1` {serial, expectGiB, waitSec} → `{device, sizeBytes, sizeGiB, expectGiB, sees, attempts,
 *   method}`: the size this guest sees after a namespace rescan (a stale-size guest keeps the old one).
 * - `fs-grow:1` {serial, role} → `{device, partition, role, partitionGrown, fstype, grown}`: role
 *   `filesystem` grows the file system to the size this node sees, refused (exit 5) while any
 *   attached node sees less; roles `partition` and `reread` change nothing (no partitions modelled).
 * Failures print one plain-text line and exit with a `SCRIPT_EXIT` code.
 *
 * Keys are NVMe reservation keys: non-zero 64-bit numbers written in decimal or `0x` hex.
 */
import { createHash } from 'node:crypto';

// The one script contract the bot also reads (issue 18): names, versions, markers, parameters, built-ins.
export {
  INSTANCE_ID_BUILTIN,
  SCRIPT_MARKER_PREFIX,
  SCRIPTS as BOT_SCRIPTS,
  scriptMarker,
} from '../cloud/scripts/contract.js';

import { SCRIPTS as BOT_SCRIPTS } from '../cloud/scripts/contract.js';

export type BotScriptName = keyof typeof BOT_SCRIPTS;

/** The built-in parameters a script references (none for most). */
export const builtinsOf = (name: BotScriptName): readonly string[] => {
  const spec = BOT_SCRIPTS[name];
  return 'builtins' in spec ? spec.builtins : [];
};

/**
 * The key a host registers: `0x` and the first 15 hex digits of sha256("sdb-resv:" + instance id),
 * `0x1` if those are all zero. The same derivation the bot's scripts run on a real host.
 */
export function hostKeyFor(instanceId: string): string {
  const hex = createHash('sha256').update(`sdb-resv:${instanceId}`).digest('hex').slice(0, 15);
  return /^0+$/.test(hex) ? '0x1' : `0x${hex}`;
}

export const SCRIPT_EXIT = {
  ok: 0,
  /** Reservation conflict: key not registered here, reservation held by another key, victim unknown. */
  conflict: 1,
  /** A parameter is missing or malformed. */
  usage: 2,
  /** No NVMe device with that serial on this host (the disk is not attached here). */
  noDevice: 3,
  /** A tool the script needs is missing on the host (nvme-cli, sha256sum; ocfs2-tools in the OCFS2 model). */
  noTool: 4,
  /** takeover-mount: the disk holds no file system. */
  noFilesystem: 6,
  /** A guest command failed (the o2cb stack, mkfs, mount). */
  deviceError: 5,
  /** ocfs2-format: a signature is on the disk; nothing written. */
  signature: 7,
  /** Not a bot script: the emulator runs nothing else. */
  unknownScript: 127,
} as const;

export const RESERVATION_TYPE = 'write-exclusive-registrants-only';

export interface ReservationReport {
  /** Key of the holder, or null when nobody holds the reservation. */
  holder: string | null;
  registrants: { key: string; instanceId: string }[];
  type: typeof RESERVATION_TYPE | null;
}

export interface InspectReport {
  attached: boolean;
  /** Guest device, `/dev/nvmeXn1`, found by serial. */
  device: string | null;
  serial: string;
  fstype: string | null;
  mountpoints: string[];
  readOnly: boolean;
  /** Null when the device is absent. */
  reservation: ReservationReport | null;
  /** Whole GiB this guest sees (it lags the disk after a resize until the rescan); null when absent. */
  sizeGiB: number | null;
}

export interface TakeoverReport {
  device: string;
  fstype: string;
  mountpoint: string;
  options: string;
  already: boolean;
}

/** Parameters that are NVMe reservation keys (the others are checked by their own scripts). */
export const KEY_PARAMS: ReadonlySet<string> = new Set(['key', 'victimKey']);

export function isBotScriptName(name: string): name is BotScriptName {
  return Object.hasOwn(BOT_SCRIPTS, name);
}

/** Reads the marker from the first line, or from the second when the first is a shebang. */
export function parseScriptMarker(content: string): { name: string; version: number } | null {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const line = lines[0]?.startsWith('#!') ? lines[1] : lines[0];
  const m = /^# shared-disk-bot:([a-z0-9-]+):(\d+)\s*$/.exec(line ?? '');
  return m?.[1] && m[2] ? { name: m[1], version: Number(m[2]) } : null;
}

const KEY = /^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/;

export function isReservationKey(key: string): boolean {
  return KEY.test(key) && BigInt(key) !== 0n && BigInt(key) < 2n ** 64n;
}
