/**
 * The Cloud Assistant script contract, read by the bot and by the emulator (`src/emulator/scripts.ts`
 * re-exports it; the bot may not import the emulator).
 *
 * A script travels in `RunCommand` with `EnableParameter=true`; its arguments are `Parameters`
 * referenced as `{{name}}` (`params`, the same for every instance) and Cloud Assistant's built-in
 * parameters (`builtins`, such as `{{ACS::InstanceId}}`, substituted per instance). A script that
 * needs something per host derives it from a built-in, so one RunCommand serves every host. Its
 * first line (or the line after a `#!` shebang) is the marker `# shared-disk-bot:<name>:<version>`.
 * Success prints one JSON line; a failure prints one plain-text line and exits with a
 * `SCRIPT_EXIT` code.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Cloud Assistant's built-in parameter for the instance a copy of the command runs on. */
export const INSTANCE_ID_BUILTIN = 'ACS::InstanceId';

/**
 * Version 2 of the reservation scripts takes no `key`: each host derives its own from
 * `{{ACS::InstanceId}}` exactly as `reservationKeyFor` does.
 */
export const SCRIPTS = {
  inspect: { version: 1, params: ['serial'], changesGuest: false },
  'nvme-register': {
    version: 2,
    params: ['serial'],
    builtins: [INSTANCE_ID_BUILTIN],
    changesGuest: true,
  },
  // nvme-register, then the inspect report read after it: an attach's key proof and mount table at once.
  'nvme-register-inspect': {
    version: 1,
    params: ['serial'],
    builtins: [INSTANCE_ID_BUILTIN],
    changesGuest: true,
  },
  'nvme-acquire': {
    version: 2,
    params: ['serial'],
    builtins: [INSTANCE_ID_BUILTIN],
    changesGuest: true,
  },
  'nvme-preempt': {
    version: 2,
    params: ['serial', 'victimKey'],
    builtins: [INSTANCE_ID_BUILTIN],
    changesGuest: true,
  },
  'nvme-report': { version: 1, params: ['serial'], changesGuest: false },
  'inspect-disks': { version: 1, params: ['serials'], changesGuest: false },
  'takeover-mount': { version: 1, params: ['serial', 'mountpoint', 'options'], changesGuest: true },
  'ocfs2-probe': { version: 1, params: ['serial', 'mountpoint', 'cluster'], changesGuest: false },
  'ocfs2-cluster': { version: 1, params: ['cluster', 'nodes', 'install'], changesGuest: true },
  'ocfs2-format': {
    version: 1,
    params: ['serial', 'cluster', 'slots', 'label', 'uuid'],
    changesGuest: true,
  },
  'ocfs2-mount': { version: 1, params: ['serial', 'mountpoint', 'uuid'], changesGuest: true },
  'ocfs2-leave': { version: 1, params: ['serial', 'mountpoint', 'uuid'], changesGuest: true },
  // The rescan re-reads the namespace size only; no data, partition or file system changes.
  rescan: { version: 1, params: ['serial', 'expectGiB', 'waitSec'], changesGuest: false },
  'fs-grow': { version: 1, params: ['serial', 'role'], changesGuest: true },
} as const satisfies Record<
  string,
  {
    version: number;
    params: readonly string[];
    builtins?: readonly string[];
    /** False only for scripts that just read (inspect, report, probe): they run without a re-check. */
    changesGuest: boolean;
  }
>;

export type ScriptName = keyof typeof SCRIPTS;
export type ScriptParams<N extends ScriptName> = Record<(typeof SCRIPTS)[N]['params'][number], string>;

/** The first line of every bot script: `# shared-disk-bot:<name>:<version>`. */
export const SCRIPT_MARKER_PREFIX = '# shared-disk-bot:';

export const scriptMarker = (name: ScriptName): string =>
  `${SCRIPT_MARKER_PREFIX}${name}:${SCRIPTS[name].version}`;

/**
 * Whether a script text may change a guest: true unless it carries the marker of a read-only bot
 * script (a policy's takeover hook, or anything unmarked, counts as changing).
 */
export function scriptChangesGuest(script: string): boolean {
  const [first = '', second = ''] = script.split('\n', 2);
  const marker = first.startsWith('#!') ? second : first;
  const name = (Object.keys(SCRIPTS) as ScriptName[]).find((n) => scriptMarker(n) === marker);
  return name === undefined || SCRIPTS[name].changesGuest;
}

export const SCRIPT_EXIT = {
  ok: 0,
  /** Reservation conflict: key not registered here, reservation held by another key, victim unknown. */
  conflict: 1,
  /** A parameter is missing or malformed. */
  usage: 2,
  /** No NVMe device with that serial on this host (the disk is not attached here). */
  noDevice: 3,
  /** nvme-cli is not installed, so reservations cannot be read or changed on this host. */
  noTool: 4,
  /** nvme-cli ran but the device answered with an error other than a reservation conflict. */
  deviceError: 5,
  /** takeover-mount: the disk holds no file system, so there is nothing to mount. */
  noFilesystem: 6,
  /** ocfs2-format: a signature (file system, partition table, RAID/LVM) is on the disk; nothing written. */
  signature: 7,
  /** Not a bot script (what the emulator answers for anything else). */
  unknownScript: 127,
} as const;

/** NVMe reservation type 3, the one the bot acquires: only registered hosts may write. */
export const RESERVATION_TYPE = 'write-exclusive-registrants-only';

/** Decimal or `0x` hex, non-zero, below 2^64: what `nvme resv-*` accepts as a key. */
export const reservationKeySchema = z
  .string()
  .regex(/^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/)
  .refine((k) => BigInt(k) !== 0n && BigInt(k) < 2n ** 64n, 'key out of range');

export const reservationReportSchema = z.object({
  holder: reservationKeySchema.nullable(),
  /** `instanceId` is known to the emulator only; a real host sees keys, and the bot maps them back. */
  registrants: z.array(z.object({ key: reservationKeySchema, instanceId: z.string().nullish() })),
  type: z.string().nullable(),
});
export type ReservationReport = z.infer<typeof reservationReportSchema>;

export const inspectReportSchema = z.object({
  attached: z.boolean(),
  device: z.string().nullable(),
  serial: z.string(),
  fstype: z.string().nullable(),
  mountpoints: z.array(z.string()),
  readOnly: z.boolean(),
  /** Null when the device is absent, or when nvme-cli is missing on the host (unknown). */
  reservation: reservationReportSchema.nullable(),
  /** Whole GiB the guest sees (sysfs); null when unreadable, absent from scripts before it was reported. */
  sizeGiB: z.number().int().nonnegative().nullable().optional(),
});
export type InspectReport = z.infer<typeof inspectReportSchema>;

/** What `takeover-mount` did: the block device it mounted (disk or partition) and whether it already was. */
export const takeoverReportSchema = z.object({
  device: z.string(),
  fstype: z.string(),
  mountpoint: z.string(),
  options: z.string(),
  already: z.boolean(),
});
export type TakeoverReport = z.infer<typeof takeoverReportSchema>;

/**
 * What `rescan` saw on one node after re-reading the namespace: the size in bytes and whole GiB,
 * and whether that reaches the size the bot expects (`sees`), after `attempts` rescans.
 */
export const rescanReportSchema = z.object({
  device: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  sizeGiB: z.number().int().nonnegative(),
  expectGiB: z.number().int().nonnegative(),
  sees: z.boolean(),
  attempts: z.number().int().positive(),
  method: z.string(),
});
export type RescanReport = z.infer<typeof rescanReportSchema>;

/**
 * `fs-grow` roles, run in this order: `partition` (one node grows the last partition), `reread`
 * (every other node: partx -u), `filesystem` (the same one node grows the file system).
 */
export const FS_GROW_ROLES = ['partition', 'reread', 'filesystem'] as const;
export type FsGrowRole = (typeof FS_GROW_ROLES)[number];

export const fsGrowReportSchema = z.object({
  device: z.string(),
  /** The disk's last partition; null on a whole-disk file system. */
  partition: z.string().nullable(),
  role: z.enum(FS_GROW_ROLES),
  partitionGrown: z.boolean(),
  fstype: z.string().nullable(),
  /** The file system was grown (role filesystem with a file system); false for the device only. */
  grown: z.boolean(),
});
export type FsGrowReport = z.infer<typeof fsGrowReportSchema>;

/**
 * Mount options the bot puts in `takeover-mount` (Cloud Assistant interpolates them into the script
 * text), like `noatime,nodiratime`; mount points match `MOUNTPOINT_PATTERN` (src/commands). The
 * policy parser and the script both check them.
 */
export const SAFE_MOUNT_OPTIONS = /^[A-Za-z0-9_=,.:-]{1,200}$/;

/**
 * Serials are interpolated into the script text by Cloud Assistant: only these characters pass,
 * checked by the bot before sending (`SAFE_SERIAL`) and by the scripts' guards on the host.
 */
export const SERIAL_CHARACTERS = 'A-Za-z0-9_-';
export const SAFE_SERIAL = new RegExp(`^[${SERIAL_CHARACTERS}]{1,64}$`);

/** The serial the guest sees: DescribeDisks' SerialNumber, else the disk id without `d-`. */
export const serialFor = (disk: { diskId: string; serialNumber: string }): string =>
  disk.serialNumber || disk.diskId.replace(/^d-/, '');

/**
 * The reservation key of an instance, derived from its id so every replica, a resumed request and
 * a failover years later all agree without storing keys: 60 bits of SHA-256 (never 0), written as
 * `0x` and the first 15 hex digits of sha256("sdb-resv:" + instance id). The reservation scripts
 * compute the same on the host from `{{ACS::InstanceId}}` (`host_key` in `./bash.ts`).
 */
export function reservationKeyFor(instanceId: string): string {
  const hex = createHash('sha256').update(`sdb-resv:${instanceId}`).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`) === 0n ? '0x1' : `0x${hex}`;
}

/** Keys compare by value: `0x1f` and `31` are the same key to the NVMe controller. */
export const sameKey = (a: string | null | undefined, b: string | null | undefined): boolean =>
  a != null && b != null && BigInt(a) === BigInt(b);
