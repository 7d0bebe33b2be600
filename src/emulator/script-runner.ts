/** Runs the bot's scripts (scripts.ts) against the emulated hosts and disks instead of a shell. */

import { SERIAL_CHARACTERS } from '../cloud/scripts/contract.js';
import { MOUNTPOINT_PATTERN } from '../commands/index.js';
import { isOcfs2Script, runOcfs2Script } from './ocfs2-runner.js';
import { isResizeScript, runResizeScript } from './resize-runner.js';
import {
  BOT_SCRIPTS,
  builtinsOf,
  hostKeyFor,
  type InspectReport,
  isBotScriptName,
  isReservationKey,
  KEY_PARAMS,
  parseScriptMarker,
  RESERVATION_TYPE,
  type ReservationReport,
  SCRIPT_EXIT,
  type TakeoverReport,
} from './scripts.js';
import {
  type Attachment,
  type Disk,
  guestSize,
  mountKey,
  type Reservation,
  serialOf,
  type World,
} from './world.js';

/** The scripts' `case` guard on each serial (`*[!chars]*` refuses), as a regular expression. */
const SERIAL_GUARD = new RegExp(`^[${SERIAL_CHARACTERS}]+$`);

export interface ScriptResult {
  exitCode: number;
  output: string;
}

const fail = (exitCode: number, message: string): ScriptResult => ({ exitCode, output: `${message}\n` });
const ok = (value: unknown): ScriptResult => ({
  exitCode: SCRIPT_EXIT.ok,
  output: `${JSON.stringify(value)}\n`,
});

const UNKNOWN_SCRIPT_MESSAGE =
  'shared-disk-bot ECS emulator: this emulator does not run arbitrary commands; it runs only the bot scripts ' +
  `marked "# shared-disk-bot:<name>:<version>" (${Object.entries(BOT_SCRIPTS)
    .map(([n, s]) => `${n}:${s.version}`)
    .join(', ')}).`;

function report(world: World, diskId: string): ReservationReport {
  const r = world.reservations.get(diskId);
  if (!r) return { holder: null, registrants: [], type: null };
  return {
    holder: r.holder,
    registrants: [...r.registrants].map(([instanceId, key]) => ({ key, instanceId })),
    type: r.holder === null ? null : RESERVATION_TYPE,
  };
}

function findDevice(
  world: World,
  instanceId: string,
  serial: string,
): { disk: Disk; attachment: Attachment } | null {
  // The serial is the disk id without `d-`: look the disk up instead of scanning every disk
  // (`--seed large` inspects thousands of targets).
  for (const disk of [world.disks.get(`d-${serial}`), world.disks.get(serial)]) {
    if (!disk || serialOf(disk.diskId) !== serial) continue;
    const attachment = disk.attachments.find((a) => a.instanceId === instanceId);
    if (attachment) return { disk, attachment };
  }
  return null;
}

function reservationOf(world: World, diskId: string): Reservation {
  let r = world.reservations.get(diskId);
  if (!r) {
    r = { registrants: new Map(), holder: null };
    world.reservations.set(diskId, r);
  }
  return r;
}

/** Compares keys by value, so `0x1f` and `31` are the same key, as they are to the NVMe controller. */
const sameKey = (a: string | null | undefined, b: string): boolean =>
  a !== null && a !== undefined && BigInt(a) === BigInt(b);

function reservationScript(
  world: World,
  name: 'nvme-register' | 'nvme-register-inspect' | 'nvme-acquire' | 'nvme-preempt' | 'nvme-report',
  instanceId: string,
  disk: Disk,
  args: Record<string, string>,
): ScriptResult {
  if (name === 'nvme-report') return ok(report(world, disk.diskId));
  // The host's key comes from ITS substituted {{ACS::InstanceId}}, as the real script derives it.
  const key = hostKeyFor(args['acs::instanceid'] ?? '');
  const r = reservationOf(world, disk.diskId);
  const mine = r.registrants.get(instanceId);
  switch (name) {
    case 'nvme-register':
    case 'nvme-register-inspect':
      if (mine !== undefined && !sameKey(mine, key)) {
        return fail(
          SCRIPT_EXIT.conflict,
          `${name}: reservation conflict: this host is registered with another key`,
        );
      }
      r.registrants.set(instanceId, key);
      // The inspect report is read after the registration, so it shows the key.
      return ok(
        name === 'nvme-register' ? report(world, disk.diskId) : inspect(world, instanceId, args.serial ?? ''),
      );
    case 'nvme-acquire':
      if (!sameKey(mine, key))
        return fail(
          SCRIPT_EXIT.conflict,
          `${name}: reservation conflict: key ${key} is not registered by this host`,
        );
      if (r.holder !== null && !sameKey(r.holder, key)) {
        return fail(
          SCRIPT_EXIT.conflict,
          `${name}: reservation conflict: the reservation is held by key ${r.holder}`,
        );
      }
      r.holder = key;
      return ok(report(world, disk.diskId));
    case 'nvme-preempt': {
      const victim = args.victimkey ?? '';
      if (!sameKey(mine, key))
        return fail(
          SCRIPT_EXIT.conflict,
          `${name}: reservation conflict: key ${key} is not registered by this host`,
        );
      if (sameKey(victim, key))
        return fail(SCRIPT_EXIT.usage, `${name}: victimKey must differ from this host's key`);
      const victims = [...r.registrants].filter(([id, k]) => id !== instanceId && sameKey(k, victim));
      if (victims.length === 0) {
        if (sameKey(r.holder, key)) return ok(report(world, disk.diskId));
        return fail(SCRIPT_EXIT.conflict, `${name}: reservation conflict: no registrant holds key ${victim}`);
      }
      for (const [id] of victims) r.registrants.delete(id);
      r.holder = key;
      return ok(report(world, disk.diskId));
    }
  }
}

function inspect(world: World, instanceId: string, serial: string): InspectReport {
  const found = findDevice(world, instanceId, serial);
  const mount = found ? world.mounts.get(mountKey(instanceId, found.disk.diskId)) : undefined;
  return {
    attached: found !== null,
    device: found?.attachment.hostDevice ?? null,
    serial,
    fstype: found?.disk.fstype ?? null,
    mountpoints: mount?.mountpoints ?? [],
    readOnly: mount?.readOnly ?? false,
    reservation: found ? report(world, found.disk.diskId) : null,
    sizeGiB: found ? guestSize(world, instanceId, found.disk) : null,
  };
}

const OPTIONS = /^[A-Za-z0-9_=,.:-]{1,200}$/;

/** Mounts the disk's file system on this host, as the real script does (mount options `ro` → read-only). */
function takeoverMount(
  world: World,
  instanceId: string,
  found: { disk: Disk; attachment: Attachment },
  args: Record<string, string>,
): ScriptResult {
  const mountpoint = args.mountpoint ?? '';
  const options = args.options ?? '';
  if (!MOUNTPOINT_PATTERN.test(mountpoint))
    return fail(SCRIPT_EXIT.usage, 'takeover-mount: "mountpoint" must be an absolute path');
  if (!OPTIONS.test(options))
    return fail(
      SCRIPT_EXIT.usage,
      'takeover-mount: "options" must be mount options like noatime or defaults',
    );
  const { disk, attachment } = found;
  if (disk.fstype === null) {
    return fail(
      SCRIPT_EXIT.noFilesystem,
      `takeover-mount: no file system on ${attachment.hostDevice}: nothing to mount (make one first)`,
    );
  }
  const key = mountKey(instanceId, disk.diskId);
  const mount = world.mounts.get(key);
  const already = mount?.mountpoints.includes(mountpoint) === true;
  if (!already) {
    world.mounts.set(key, {
      mountpoints: [...(mount?.mountpoints ?? []), mountpoint],
      readOnly: mount?.readOnly ?? options.split(',').includes('ro'),
    });
  }
  const report: TakeoverReport = {
    device: attachment.hostDevice,
    fstype: disk.fstype,
    mountpoint,
    options,
    already,
  };
  return ok(report);
}

/**
 * `params` are what this instance's copy of the command sees, by lower-case name: the invocation's
 * Parameters plus the built-ins it references, substituted for this instance; null when
 * EnableParameter was not set (nothing is substituted).
 */
export function runScript(
  world: World,
  instanceId: string,
  content: string,
  params: Record<string, string> | null,
): ScriptResult {
  const marker = parseScriptMarker(content);
  if (!marker || !isBotScriptName(marker.name) || BOT_SCRIPTS[marker.name].version !== marker.version) {
    return fail(SCRIPT_EXIT.unknownScript, UNKNOWN_SCRIPT_MESSAGE);
  }
  const name = marker.name;
  const args = params ?? {};
  for (const p of BOT_SCRIPTS[name].params) {
    const value = args[p.toLowerCase()];
    if (!value) {
      return fail(
        SCRIPT_EXIT.usage,
        `${name}: missing parameter "${p}" (send it in Parameters with EnableParameter=true)`,
      );
    }
    if (KEY_PARAMS.has(p) && !isReservationKey(value)) {
      return fail(SCRIPT_EXIT.usage, `${name}: "${p}" must be a non-zero 64-bit key in decimal or 0x hex`);
    }
  }
  for (const b of builtinsOf(name)) {
    if (!args[b.toLowerCase()]) {
      return fail(
        SCRIPT_EXIT.usage,
        `${name}: the built-in parameter ${b} was not substituted (reference {{${b}}} and send the script with EnableParameter=true)`,
      );
    }
  }
  if (name === 'inspect-disks') {
    const serials = (args.serials ?? '').split(',').filter((s) => s !== '');
    if (serials.some((s) => !SERIAL_GUARD.test(s)))
      return fail(SCRIPT_EXIT.usage, `${name}: parameter "serials" is missing or malformed`);
    return ok({ disks: serials.map((s) => inspect(world, instanceId, s)).filter((r) => r.attached) });
  }
  const serial = args.serial ?? '';
  const found = findDevice(world, instanceId, serial);
  if (isOcfs2Script(name)) return runOcfs2Script(world, name, instanceId, found, args);
  if (isResizeScript(name)) return runResizeScript(world, name, instanceId, found, args);
  if (name === 'inspect') return ok(inspect(world, instanceId, serial));
  if (!found) return fail(SCRIPT_EXIT.noDevice, `${name}: no NVMe device with serial ${serial} on this host`);
  if (name === 'takeover-mount') return takeoverMount(world, instanceId, found, args);
  return reservationScript(world, name, instanceId, found.disk, args);
}
