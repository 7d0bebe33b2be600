/**
 * Contract of the bot's Cloud Assistant scripts, shared by the bot (which sends them) and the
 * emulator (which runs them against its state instead of a shell).
 *
 * A script is sent with `RunCommand` (`Type=RunShellScript`, `EnableParameter=true`) and its
 * arguments travel in `Parameters` (`{"serial":"bp1…"}`), referenced in the script as `{{serial}}`.
 * Its first line (or the line after a `#!` shebang) is the marker `# shared-disk-bot:<name>:<version>`.
 *
 * Outputs (stdout, one JSON line unless noted):
 * - `inspect:1` {serial} → `InspectReport`; exit 0 also when no device has that serial (`attached:false`).
 * - `nvme-register:1` {serial, key} → `ReservationReport` after registering this host's key
 *   (re-registering the same key is a no-op).
 * - `nvme-acquire:1` {serial, key} → `ReservationReport` after taking the reservation, type 3
 *   (Write Exclusive, Registrants Only); holding it already is a no-op.
 * - `nvme-preempt:1` {serial, key, victimKey} → `ReservationReport` after removing every registration
 *   with `victimKey` and making `key` the holder; if the victim is already gone and `key` holds the
 *   reservation it is a no-op, so a retried failover succeeds.
 * - `nvme-report:1` {serial} → `ReservationReport`.
 * - `inspect-disks:1` {serials} (comma-separated) → `{"disks": InspectReport[]}` for the serials
 *   this host sees (the watcher's one call per 100 instances).
 * Failures print one plain-text line and exit with a `SCRIPT_EXIT` code.
 *
 * Keys are NVMe reservation keys: non-zero 64-bit numbers written in decimal or `0x` hex.
 */
export const SCRIPT_MARKER_PREFIX = '# shared-disk-bot:';

export const BOT_SCRIPTS = {
  inspect: { version: 1, params: ['serial'] },
  'nvme-register': { version: 1, params: ['serial', 'key'] },
  'nvme-acquire': { version: 1, params: ['serial', 'key'] },
  'nvme-preempt': { version: 1, params: ['serial', 'key', 'victimKey'] },
  'nvme-report': { version: 1, params: ['serial'] },
  'inspect-disks': { version: 1, params: ['serials'] },
} as const satisfies Record<string, { version: number; params: readonly string[] }>;

export type BotScriptName = keyof typeof BOT_SCRIPTS;

export const SCRIPT_EXIT = {
  ok: 0,
  /** Reservation conflict: key not registered here, reservation held by another key, victim unknown. */
  conflict: 1,
  /** A parameter is missing or malformed. */
  usage: 2,
  /** No NVMe device with that serial on this host (the disk is not attached here). */
  noDevice: 3,
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
}

export const scriptMarker = (name: BotScriptName): string =>
  `${SCRIPT_MARKER_PREFIX}${name}:${BOT_SCRIPTS[name].version}`;

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
