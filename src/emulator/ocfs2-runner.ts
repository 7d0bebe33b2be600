/**
 * The OCFS2 init scripts (`ocfs2-probe|cluster|format|mount`) run against the emulated hosts: each
 * host's ocfs2-tools, cluster description and o2cb stack, each disk's OCFS2 file system (UUID,
 * label, slots, how many times it was formatted), and mounts in the shared mount table. Failures
 * it models: tools missing and not installable, a signature on the disk (any `fstype`), a format
 * without the stack online, no free node slot at mount, a mount the host refuses (`mountFails`). A node that does not answer is the
 * existing crashed-instance fault.
 */
import { MOUNTPOINT_PATTERN } from '../commands/index.js';
import { SCRIPT_EXIT } from './scripts.js';
import { type Attachment, type Disk, mountKey, type World } from './world.js';

export interface Ocfs2Host {
  tools: boolean;
  /** apt-get can install ocfs2-tools on this image. */
  installable: boolean;
  cluster: string | null;
  nodes: string | null;
  online: boolean;
  fstab: string[];
  /** The "mount refused" fault: every new mount on this host fails (an fstab line is still written). */
  mountFails: boolean;
}

export interface Ocfs2Fs {
  uuid: string;
  label: string;
  slots: number;
  formats: number;
}

interface Ocfs2World {
  hosts: Map<string, Ocfs2Host>;
  fs: Map<string, Ocfs2Fs>;
}

const worlds = new WeakMap<World, Ocfs2World>();

export function ocfs2World(world: World): Ocfs2World {
  let w = worlds.get(world);
  if (!w) {
    w = { hosts: new Map(), fs: new Map() };
    worlds.set(world, w);
  }
  return w;
}

export function ocfs2Host(world: World, instanceId: string): Ocfs2Host {
  const w = ocfs2World(world);
  let h = w.hosts.get(instanceId);
  if (!h) {
    h = {
      tools: true,
      installable: true,
      cluster: null,
      nodes: null,
      online: false,
      fstab: [],
      mountFails: false,
    };
    w.hosts.set(instanceId, h);
  }
  return h;
}

/** The guest's short hostname: Alibaba Cloud's default, `iZ<id>Z`. */
export const emulatedHostname = (instanceId: string): string => `iZ${instanceId.replace(/^i-/, '')}Z`;

type Found = { disk: Disk; attachment: Attachment } | null;
interface Result {
  exitCode: number;
  output: string;
}
const fail = (name: string, exitCode: number, message: string): Result => ({
  exitCode,
  output: `${name}: ${message}\n`,
});
const ok = (value: unknown): Result => ({ exitCode: 0, output: `${JSON.stringify(value)}\n` });

const CLUSTER = /^[A-Za-z0-9]{1,16}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NODE = /^([A-Za-z0-9][A-Za-z0-9-]{0,62}):(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,3})$/;

export const OCFS2_SCRIPTS = [
  'ocfs2-probe',
  'ocfs2-cluster',
  'ocfs2-format',
  'ocfs2-mount',
  'ocfs2-leave',
] as const;
export type Ocfs2ScriptName = (typeof OCFS2_SCRIPTS)[number];
export const isOcfs2Script = (name: string): name is Ocfs2ScriptName =>
  (OCFS2_SCRIPTS as readonly string[]).includes(name);

function probe(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const path = args.mountpoint ?? '';
  if (!MOUNTPOINT_PATTERN.test(path))
    return fail('ocfs2-probe', SCRIPT_EXIT.usage, '"mountpoint" must be an absolute path');
  const host = ocfs2Host(world, instanceId);
  let inUse: { source: string; fstype: string | null } | null = null;
  for (const disk of world.disks.values()) {
    const m = world.mounts.get(mountKey(instanceId, disk.diskId));
    const a = disk.attachments.find((x) => x.instanceId === instanceId);
    if (m?.mountpoints.includes(path) && a) inUse = { source: a.hostDevice, fstype: disk.fstype };
  }
  const device = found?.attachment.hostDevice ?? null;
  const fs = found ? ocfs2World(world).fs.get(found.disk.diskId) : undefined;
  const ocfs2 =
    found?.disk.fstype === 'ocfs2'
      ? { uuid: fs?.uuid ?? '', label: fs?.label ?? '', slots: fs?.slots ?? null }
      : null;
  if (!CLUSTER.test(args.cluster ?? ''))
    return fail('ocfs2-probe', SCRIPT_EXIT.usage, '"cluster" must be 1-16 letters or digits');
  return ok({
    attached: found !== null,
    device,
    serial: args.serial ?? '',
    hostname: emulatedHostname(instanceId),
    addresses: [world.instances.get(instanceId)?.privateIp].filter((x) => x !== undefined),
    signatures: found?.disk.fstype ? [{ device, type: found.disk.fstype, offset: null }] : [],
    mountpoint: { path, inUse: inUse !== null, source: inUse?.source ?? null, fstype: inUse?.fstype ?? null },
    tools: { mkfs: host.tools, o2cb: host.tools },
    installer: host.installable ? 'apt-get' : null,
    ocfs2,
    members: host.cluster === args.cluster ? (host.nodes ?? '') : '',
  });
}

function cluster(world: World, instanceId: string, args: Record<string, string>): Result {
  const name = 'ocfs2-cluster';
  const c = args.cluster ?? '';
  const nodes = args.nodes ?? '';
  const install = args.install ?? '';
  if (!CLUSTER.test(c)) return fail(name, SCRIPT_EXIT.usage, '"cluster" must be 1-16 letters or digits');
  if (install !== 'yes' && install !== 'no')
    return fail(name, SCRIPT_EXIT.usage, '"install" must be yes or no');
  const entries = nodes.split(',').map((e) => NODE.exec(e));
  if (entries.some((e) => e === null))
    return fail(name, SCRIPT_EXIT.usage, '"nodes" must be host:ipv4:number entries separated by commas');
  const names = new Set<string>();
  const numbers = new Set<string>();
  for (const e of entries) {
    const [, n = '', , num = ''] = e ?? [];
    if (names.has(n) || numbers.has(num))
      return fail(name, SCRIPT_EXIT.usage, `o2cb add-node ${n} failed: duplicate name or number`);
    names.add(n);
    numbers.add(num);
  }
  const host = ocfs2Host(world, instanceId);
  let installed = false;
  if (!host.tools) {
    if (install !== 'yes')
      return fail(
        name,
        SCRIPT_EXIT.noTool,
        'ocfs2-tools is not installed on this host (no o2cb or mkfs.ocfs2)',
      );
    if (!host.installable)
      return fail(
        name,
        SCRIPT_EXIT.noTool,
        'ocfs2-tools is not installed and no apt-get, dnf, yum or zypper is here to install it',
      );
    host.tools = true;
    installed = true;
  }
  const hostname = emulatedHostname(instanceId);
  const mine = entries.find((e) => e?.[1] === hostname);
  if (!mine)
    return fail(
      name,
      SCRIPT_EXIT.usage,
      `this host (${hostname}) is not a node of the cluster description; OCFS2 node names must equal hostnames`,
    );
  const written = host.nodes !== nodes || host.cluster !== c;
  const wasOnline = host.online && host.cluster === c;
  host.cluster = c;
  host.nodes = nodes;
  host.online = true;
  return ok({ hostname, number: Number(mine[3]), cluster: c, written, installed, wasOnline, online: true });
}

function format(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const name = 'ocfs2-format';
  const slots = Number(args.slots);
  const uuid = args.uuid ?? '';
  const label = args.label ?? '';
  if (!Number.isInteger(slots) || slots < 1 || slots > 255)
    return fail(name, SCRIPT_EXIT.usage, '"slots" must be a number from 1 to 255');
  if (!UUID.test(uuid)) return fail(name, SCRIPT_EXIT.usage, '"uuid" must be a lowercase UUID');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(label))
    return fail(name, SCRIPT_EXIT.usage, '"label" must be 1-64 letters, digits, . _ or -');
  const host = ocfs2Host(world, instanceId);
  if (!host.tools)
    return fail(name, SCRIPT_EXIT.noTool, 'mkfs.ocfs2 is not installed on this host (ocfs2-tools)');
  if (!found)
    return fail(name, SCRIPT_EXIT.noDevice, `no NVMe device with serial ${args.serial} on this host`);
  if (!host.online || host.cluster !== args.cluster)
    return fail(
      name,
      SCRIPT_EXIT.deviceError,
      `the o2cb cluster ${args.cluster} is not online here: mkfs.ocfs2 needs it to see other nodes' mounts`,
    );
  const { disk, attachment } = found;
  const fs = ocfs2World(world).fs.get(disk.diskId);
  const report = { device: attachment.hostDevice, uuid, label, slots };
  if (disk.fstype === 'ocfs2' && fs?.uuid === uuid) return ok({ ...report, already: true });
  if (disk.fstype !== null) {
    const sig = JSON.stringify({ device: attachment.hostDevice, type: disk.fstype, offset: null });
    return fail(name, SCRIPT_EXIT.signature, `refusing to format: signatures found: [${sig}]`);
  }
  disk.fstype = 'ocfs2';
  world.fsSizes.delete(disk.diskId);
  ocfs2World(world).fs.set(disk.diskId, { uuid, label, slots, formats: (fs?.formats ?? 0) + 1 });
  return ok({ ...report, already: false });
}

function mount(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const name = 'ocfs2-mount';
  const mp = args.mountpoint ?? '';
  const uuid = args.uuid ?? '';
  if (!MOUNTPOINT_PATTERN.test(mp))
    return fail(name, SCRIPT_EXIT.usage, '"mountpoint" must be an absolute path');
  if (!found)
    return fail(name, SCRIPT_EXIT.noDevice, `no NVMe device with serial ${args.serial} on this host`);
  const { disk, attachment } = found;
  const fs = ocfs2World(world).fs.get(disk.diskId);
  if (disk.fstype !== 'ocfs2' || fs?.uuid !== uuid)
    return fail(
      name,
      SCRIPT_EXIT.noFilesystem,
      `no OCFS2 file system with UUID ${uuid} on ${attachment.hostDevice}`,
    );
  const host = ocfs2Host(world, instanceId);
  const line = `UUID=${uuid} ${mp} ocfs2 _netdev,defaults 0 0`;
  const fstabAdded = !host.fstab.includes(line);
  if (fstabAdded) host.fstab.push(line);
  const key = mountKey(instanceId, disk.diskId);
  const current = world.mounts.get(key);
  const already = current?.mountpoints.includes(mp) === true;
  if (!already) {
    if (!host.online)
      return fail(
        name,
        SCRIPT_EXIT.deviceError,
        `mount ${attachment.hostDevice} at ${mp} failed: o2cb is not online`,
      );
    if (host.mountFails)
      return fail(
        name,
        SCRIPT_EXIT.deviceError,
        `mount ${attachment.hostDevice} at ${mp} failed: mount(8) refused it (emulated fault)`,
      );
    const mounted = disk.attachments.filter(
      (a) => (world.mounts.get(mountKey(a.instanceId, disk.diskId))?.mountpoints.length ?? 0) > 0,
    );
    if (mounted.length >= fs.slots)
      return fail(
        name,
        SCRIPT_EXIT.deviceError,
        `mount ${attachment.hostDevice} at ${mp} failed: no free node slots (${fs.slots})`,
      );
    world.mounts.set(key, { mountpoints: [...(current?.mountpoints ?? []), mp], readOnly: false });
  }
  return ok({ device: attachment.hostDevice, mountpoint: mp, fstabAdded, already });
}

/** Unmounts the path and drops the fstab line (both no-ops when absent), as before a DetachDisk. */
function leave(world: World, instanceId: string, found: Found, args: Record<string, string>): Result {
  const mp = args.mountpoint ?? '';
  if (!MOUNTPOINT_PATTERN.test(mp))
    return fail('ocfs2-leave', SCRIPT_EXIT.usage, '"mountpoint" must be an absolute path');
  const host = ocfs2Host(world, instanceId);
  const line = `UUID=${args.uuid} ${mp} ocfs2 _netdev,defaults 0 0`;
  const fstabRemoved = host.fstab.includes(line);
  host.fstab = host.fstab.filter((l) => l !== line);
  let unmounted = false;
  if (found) {
    const key = mountKey(instanceId, found.disk.diskId);
    const m = world.mounts.get(key);
    if (m?.mountpoints.includes(mp)) {
      unmounted = true;
      const rest = m.mountpoints.filter((x) => x !== mp);
      if (rest.length === 0) world.mounts.delete(key);
      else world.mounts.set(key, { ...m, mountpoints: rest });
    }
  }
  return ok({ mountpoint: mp, unmounted, fstabRemoved });
}

export function runOcfs2Script(
  world: World,
  name: Ocfs2ScriptName,
  instanceId: string,
  found: Found,
  args: Record<string, string>,
): Result {
  switch (name) {
    case 'ocfs2-probe':
      return probe(world, instanceId, found, args);
    case 'ocfs2-cluster':
      return cluster(world, instanceId, args);
    case 'ocfs2-format':
      return format(world, instanceId, found, args);
    case 'ocfs2-mount':
      return mount(world, instanceId, found, args);
    case 'ocfs2-leave':
      return leave(world, instanceId, found, args);
  }
}
