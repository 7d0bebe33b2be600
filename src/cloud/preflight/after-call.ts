/**
 * The moments after a cloud call (issue 18): once AttachDisk or DetachDisk has landed, the rules
 * of the call itself judge nothing (the named instances are already attached, or already gone), yet
 * guest commands follow — NVMe key registration and the OCFS2 join after an attach, the shrunk
 * cluster description after a detach. These rules judge the nodes such a command touches, on facts
 * read at that moment: the node exists, is Running and still has the disk; for OCFS2 its guest
 * answers, sees the disk, and the volume is still the one `/disk init` made (its UUID); a newcomer
 * holds the device with no other file system and mounted nowhere but the cluster's mount point.
 * The targets come from the same fresh facts the step then acts on, so a node that lost the disk
 * gets no command. Facts never read are errors (fail closed).
 */
import { clusterNameFor, fsUuidFor } from '../../workflow/ocfs2-cluster.js';
import type { Check } from '../../workflow/request.js';
import type { DiskInfo, InstanceInfo, ReadGateway } from '../gateway.js';
import { type FilesystemSnapshot, guestViews, readFilesystem } from './guest-view.js';
import { type GrowReading, NO_OCFS2, readGrowFacts } from './ocfs2-grow.js';
import { diskRules, missingRule } from './rules.js';
import {
  distinct,
  emptyWorld,
  type GuestReading,
  type LoadWorldOptions,
  type WorldSnapshot,
} from './world.js';

export const AFTER_CALL_RULE = 'after_call';
/** The code of a node not Running at a moment after the call; its `facts` is `node=<instance id>`. */
export const NODE_NOT_RUNNING = 'node_not_running';

const error = (code: string, message: string, facts?: string): Check => ({
  code,
  level: 'error',
  message,
  rule: AFTER_CALL_RULE,
  ...(facts ? { facts } : {}),
});

/** The instance a `node_not_running` check names. */
export const nodeOf = (check: Check): string | undefined => /^node=(.+)$/.exec(check.facts ?? '')?.[1];

const attachedIds = (disk: DiskInfo): string[] => disk.attachments.map((a) => a.instanceId);

/** The named instances that still have the disk, and the attached ones not named. */
export function splitNodes(disk: DiskInfo, named: readonly string[]): { named: string[]; others: string[] } {
  const attached = attachedIds(disk);
  const wanted = distinct(named);
  return {
    named: wanted.filter((id) => attached.includes(id)),
    others: attached.filter((id) => !wanted.includes(id)),
  };
}

/**
 * The facts of a moment after the call: the disk by id, every instance named or attached
 * (DescribeInstances), then `guests` — none for key registration (the script's own report checks
 * each host), inspect and probe for the OCFS2 moments.
 */
export async function loadAfterCallWorld(
  gateway: ReadGateway,
  p: { readonly diskId: string; readonly regionId: string; readonly instanceIds: readonly string[] },
  options: LoadWorldOptions,
  guests: (gateway: ReadGateway, disk: DiskInfo, options: LoadWorldOptions) => Promise<GuestReading>,
): Promise<WorldSnapshot> {
  const [disk] = await gateway.describeDisks({ regionId: p.regionId, diskIds: [p.diskId] });
  const ids = distinct([...p.instanceIds, ...(disk ? attachedIds(disk) : [])]);
  const list =
    ids.length > 0 ? await gateway.describeInstances({ regionId: p.regionId, instanceIds: ids }) : [];
  const read = disk ? await guests(gateway, disk, options) : {};
  return {
    ...emptyWorld(options),
    ...(disk ? { disk } : {}),
    ...read,
    instances: new Map(list.map((i) => [i.instanceId, i])),
  };
}

/**
 * The OCFS2 facts after a call: inspect on every attached node (file system and mountpoints of the
 * device), then, when a node other than `named` shows OCFS2, `ocfs2-probe` on every attached node at
 * their mount point. One invocation each; the grow step plans from this same reading.
 */
export async function readClusterNodes(
  gateway: ReadGateway,
  disk: DiskInfo,
  named: readonly string[],
  regionId: string,
  options: LoadWorldOptions,
): Promise<GuestReading> {
  const attached = attachedIds(disk);
  if (attached.length === 0) return { ocfs2Grow: NO_OCFS2 };
  const filesystem = await readFilesystem(gateway, disk, regionId, options.guests, attached);
  // The cluster's own nodes tell whether there is a cluster to join, and where it is mounted.
  const members = splitNodes(disk, named).others;
  const seen = guestViews(filesystem).flatMap((v) =>
    v.read && v.fstype === 'ocfs2' && members.includes(v.instanceId) ? [v] : [],
  );
  if (seen.length === 0) return { filesystem, ocfs2Grow: NO_OCFS2 };
  const mountpoint = seen.flatMap((v) => v.mountpoints)[0] ?? null;
  const ocfs2Grow = await readGrowFacts(gateway, disk, attached, mountpoint, regionId, options.guests);
  return { filesystem, ocfs2Grow };
}

/**
 * Each node exists and is Running: one error per node that is not. Callers pass the nodes the
 * moment's facts show attached, the ones the guest command goes to.
 */
export function nodeStateRule(
  nodes: readonly string[],
  instances: ReadonlyMap<string, InstanceInfo>,
  what: string,
): Check[] {
  return nodes.flatMap((id) => {
    const status = instances.get(id)?.status;
    if (status === 'Running') return [];
    const now = status ? `is ${status}` : 'no longer exists';
    return [error(NODE_NOT_RUNNING, `${id} ${now}, so ${what} was not run there.`, `node=${id}`)];
  });
}

/**
 * The guests of `nodes` still show the volume `/disk init` made: the probe answered and sees the
 * device, the OCFS2 UUID is the one derived from the disk id; on `newcomers`, when the cluster is
 * mounted, the device carries no other file system and is mounted at no other path (inspect), and
 * the cluster's mount point holds nothing but this device (probe). Missing facts fail closed.
 */
export function clusterVolumeRule(
  disk: DiskInfo,
  nodes: readonly string[],
  grow: GrowReading | undefined,
  fs: FilesystemSnapshot | undefined,
  what: string,
  newcomers: readonly string[] = [],
): Check[] {
  if (nodes.length === 0) return [];
  if (grow === undefined || (newcomers.length > 0 && fs === undefined))
    return [
      error(
        'ocfs2_not_read',
        `The OCFS2 volume on ${disk.diskId} was not read on ${nodes.join(', ')} before ${what}; unknown counts as unsafe.`,
      ),
    ];
  const uuid = fsUuidFor(disk.diskId);
  if (grow === NO_OCFS2)
    return [
      error(
        'ocfs2_volume_changed',
        `No node shows the OCFS2 volume of cluster ${clusterNameFor(disk.diskId)} on ${disk.diskId} any more, so ${what} was not run.`,
      ),
    ];
  const views = new Map((fs ? guestViews(fs) : []).map((v) => [v.instanceId, v]));
  const problems = nodes.flatMap((id): string[] => {
    const probe = grow.outcomes.find((o) => o.instanceId === id);
    if (!probe?.ok)
      return [`${id}: the guest did not answer (${probe && !probe.ok ? probe.message : 'not probed'})`];
    if (!probe.value.attached) return [`${id}: the guest does not see the disk`];
    const volume = probe.value.ocfs2;
    if (volume?.uuid !== uuid)
      return [
        `${id}: the device holds ${volume ? `OCFS2 ${volume.uuid} (${volume.label})` : 'no OCFS2 volume'}, not ${uuid}`,
      ];
    if (!newcomers.includes(id) || grow.mountpoint === null) return [];
    const view = views.get(id);
    if (!view?.read)
      return [`${id}: inspect did not answer (${view && !view.read ? view.why : 'not inspected'})`];
    const elsewhere = view.mountpoints.filter((m) => m !== grow.mountpoint);
    if (view.fstype !== 'ocfs2')
      return [`${id}: inspect sees ${view.fstype ?? 'no file system'} on the device`];
    if (elsewhere.length > 0) return [`${id}: the device is mounted at ${elsewhere.join(', ')}`];
    const at = probe.value.mountpoint;
    if (at.inUse && at.source !== probe.value.device)
      return [`${id}: ${grow.mountpoint} holds ${at.source ?? '?'} (${at.fstype ?? '?'})`];
    return [];
  });
  return problems.length === 0
    ? []
    : [error('ocfs2_node_unfit', `Not fit for ${what}: ${problems.join('; ')}.`, `uuid=${uuid}`)];
}

/** The moments after AttachDisk: the NVMe key registration, then the OCFS2 join (description, mount). */
export const AFTER_ATTACH: ReadonlySet<string> = new Set(['nvme-register', 'ocfs2-cluster', 'ocfs2-mount']);
/** The moment after DetachDisk: the nodes that stay get the shrunk cluster description. */
export const AFTER_DETACH: ReadonlySet<string> = new Set(['ocfs2-cluster']);

const WHAT: Record<string, string> = {
  'nvme-register': 'the NVMe key registration',
  'ocfs2-cluster': 'the OCFS2 cluster description rewrite',
  'ocfs2-mount': 'the OCFS2 mount',
};

interface Named {
  readonly diskId: string;
  readonly regionId: string;
  readonly instanceIds: readonly string[];
}

/** The disk rules and the named instances' existence: the common start of both kinds' checks. */
function diskAndNamed(p: Named, world: WorldSnapshot): { disk?: DiskInfo; checks: Check[] } {
  const diskChecks = diskRules(p.diskId, p.regionId, world.disk);
  const checks = [...diskChecks, ...missingRule(p.instanceIds, world, p.regionId)];
  const usable = world.disk !== undefined && !diskChecks.some((c) => c.level === 'error');
  return usable && world.disk ? { disk: world.disk, checks } : { checks };
}

/**
 * Attach, after the call: key registration judges the named instances that have the disk; the
 * description rewrite every attached node, and the volume on them (when the volume `/disk init`
 * made is there: otherwise the step writes nothing); the mount the newcomers.
 */
export function afterAttachChecks(p: Named, world: WorldSnapshot, moment: string): Check[] {
  const { disk, checks } = diskAndNamed(p, world);
  if (!disk) return checks;
  const { named, others } = splitNodes(disk, p.instanceIds);
  const what = WHAT[moment] ?? moment;
  if (moment === 'nvme-register') return [...checks, ...nodeStateRule(named, world.instances, what)];
  const grow = world.ocfs2Grow;
  const growing =
    moment === 'ocfs2-mount' ||
    grow === undefined ||
    (grow !== NO_OCFS2 && grow.outcomes.some((o) => o.ok && o.value.ocfs2?.uuid === fsUuidFor(disk.diskId)));
  if (!growing) return checks;
  const nodes = moment === 'ocfs2-mount' ? named : [...others, ...named];
  return [
    ...checks,
    ...nodeStateRule(nodes, world.instances, what),
    ...clusterVolumeRule(disk, nodes, grow, world.filesystem, what, named),
  ];
}

/**
 * Detach, after the call: no leaving node still has the disk (the shrunk description would drop a
 * node that can still mount), and every node that stays is Running and shows the volume.
 */
export function afterDetachChecks(p: Named, world: WorldSnapshot, moment: string): Check[] {
  const { disk, checks } = diskAndNamed(p, world);
  if (!disk) return checks;
  const { named: still, others: staying } = splitNodes(disk, p.instanceIds);
  const what = WHAT[moment] ?? moment;
  if (still.length > 0)
    checks.push(
      error(
        'node_still_attached',
        `${still.join(', ')} still ${still.length === 1 ? 'has' : 'have'} the disk attached, so ${what} was not run (it would drop a node that can still mount the volume).`,
      ),
    );
  return [
    ...checks,
    ...nodeStateRule(staying, world.instances, what),
    ...clusterVolumeRule(disk, staying, world.ocfs2Grow, world.filesystem, what),
  ];
}

/** Detach's OCFS2 facts after the call: `ocfs2-probe` on the nodes that stay (one invocation). */
export async function readStayingNodes(
  gateway: ReadGateway,
  disk: DiskInfo,
  named: readonly string[],
  regionId: string,
  options: LoadWorldOptions,
): Promise<GuestReading> {
  const staying = splitNodes(disk, named).others;
  if (staying.length === 0) return { ocfs2Grow: { outcomes: [], mountpoint: null } };
  return { ocfs2Grow: await readGrowFacts(gateway, disk, staying, null, regionId, options.guests) };
}
