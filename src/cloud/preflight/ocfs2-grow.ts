/**
 * Growing an OCFS2 cluster made by `/disk init` (issue 14, item 4): attaching such a disk to more
 * instances adds them to the cluster description on every node, brings their stack online and
 * mounts the file system there, when node slots are left; otherwise attach is refused with
 * `no_free_node_slots`. This module holds the facts (read with `ocfs2-probe` on the current and
 * new instances) and the rule; `jobs/steps/ocfs2-grow.ts` does the work after the attach.
 */
import {
  clusterNameFor,
  fsUuidFor,
  growNodes,
  type Member,
  parseNodes,
} from '../../workflow/ocfs2-cluster.js';
import type { Check } from '../../workflow/request.js';
import type { TargetOutcome } from '../assistant.js';
import type { DiskInfo, InstanceInfo, ReadGateway } from '../gateway.js';
import type { Ocfs2Probe } from '../ocfs2/reports.js';
import { probeOcfs2 } from '../ocfs2/run.js';
import type { InitReadOptions } from './init-world.js';

export const OCFS2_SLOTS_RULE = 'ocfs2_slots';

// Local constructors: importing rules.ts would close an import cycle through world.ts.
const ok = (code: string, message: string): Check => ({ code, level: 'ok', message, rule: OCFS2_SLOTS_RULE });
const error = (code: string, message: string): Check => ({
  code,
  level: 'error',
  message,
  rule: OCFS2_SLOTS_RULE,
});

export interface GrowFacts {
  readonly outcomes: readonly TargetOutcome<Ocfs2Probe>[];
  /** Where the current nodes mount it (inspect), if anywhere. */
  readonly mountpoint: string | null;
}

/** Inspect saw no OCFS2 on the current nodes: growing a cluster is not this attach's business. */
export const NO_OCFS2 = 'no_ocfs2';
export type GrowReading = GrowFacts | typeof NO_OCFS2;

/** Probes the attached instances and the newcomers (hostnames, tools, the volume, the members). */
export async function readGrowFacts(
  gateway: ReadGateway,
  disk: DiskInfo,
  instanceIds: readonly string[],
  mountpoint: string | null,
  regionId: string,
  options: InitReadOptions,
): Promise<GrowFacts> {
  const outcomes = await probeOcfs2(
    gateway,
    disk,
    [...new Set(instanceIds)],
    { mountpoint: mountpoint ?? '/mnt', cluster: clusterNameFor(disk.diskId) },
    { regionId, timeoutSec: options.timeoutSec, ...(options.timing ? { timing: options.timing } : {}) },
  );
  return { outcomes, mountpoint };
}

export interface GrowPlan {
  readonly cluster: string;
  readonly uuid: string;
  readonly slots: number | null;
  readonly members: readonly Member[];
  readonly nodes: readonly Member[];
  readonly added: readonly { instanceId: string; hostname: string; ip: string; number: number }[];
  /** Newcomers that need ocfs2-tools installed (none can be installed: see `problems`). */
  readonly install: boolean;
  readonly problems: readonly string[];
}

/**
 * The grown cluster, or undefined when the disk does not hold the volume `/disk init` made
 * (its UUID is derived from the disk id): then attach is not the bot's cluster business.
 */
export function planGrowth(
  disk: DiskInfo,
  attachedIds: readonly string[],
  newcomerIds: readonly string[],
  instances: ReadonlyMap<string, InstanceInfo>,
  facts: GrowFacts,
): GrowPlan | undefined {
  const uuid = fsUuidFor(disk.diskId);
  const probes = new Map(facts.outcomes.flatMap((o) => (o.ok ? [[o.instanceId, o.value] as const] : [])));
  const volume = [...probes.values()].find((p) => p.ocfs2?.uuid === uuid)?.ocfs2;
  if (!volume) return undefined;
  const listed = attachedIds.map((id) => probes.get(id)?.members ?? '').find((m) => m !== '') ?? '';
  const members = parseNodes(listed);
  const problems: string[] = [];
  const newcomers = newcomerIds.flatMap((id) => {
    const o = facts.outcomes.find((x) => x.instanceId === id);
    if (!o?.ok) {
      problems.push(`${id}: ${o && !o.ok ? o.message : 'not probed'}`);
      return [];
    }
    const ip = instances.get(id)?.privateIp;
    if (!ip) problems.push(`${id}: DescribeInstances gives no private IP`);
    if ((!o.value.tools.mkfs || !o.value.tools.o2cb) && o.value.installer === null)
      problems.push(`${id}: ocfs2-tools is missing and no package manager can install it`);
    return ip ? [{ instanceId: id, hostname: o.value.hostname, ip }] : [];
  });
  const { nodes, added } = growNodes(members, newcomers);
  const install = newcomers.some((n) => {
    const t = probes.get(n.instanceId)?.tools;
    return t !== undefined && (!t.mkfs || !t.o2cb);
  });
  return {
    cluster: clusterNameFor(disk.diskId),
    uuid,
    slots: volume.slots,
    members,
    nodes,
    added,
    install,
    problems,
  };
}

/**
 * Attach preflight: a free node slot for every newcomer, and what will happen after the attach.
 * Facts never read (undefined) fail closed: the slot count is unknown.
 */
export function ocfs2GrowRule(
  disk: DiskInfo,
  adding: readonly string[],
  instances: ReadonlyMap<string, InstanceInfo>,
  facts: GrowReading | undefined,
): Check[] {
  if (adding.length === 0 || facts === NO_OCFS2) return [];
  if (facts === undefined)
    return [
      error(
        'ocfs2_not_read',
        `Whether ${disk.diskId} holds an OCFS2 volume with a free node slot for ${adding.join(', ')} was not read; unknown counts as unsafe.`,
      ),
    ];
  const attached = disk.attachments.map((a) => a.instanceId);
  const plan = planGrowth(disk, attached, adding, instances, facts);
  if (!plan) return [];
  if (plan.slots !== null && plan.nodes.length > plan.slots) {
    return [
      error(
        'no_free_node_slots',
        `No free node slots: the OCFS2 volume on ${disk.diskId} has ${plan.slots} slots and ${plan.members.length} nodes, so ${adding.join(', ')} cannot join (tunefs.ocfs2 -N raises it while the cluster is online; the bot does not).`,
      ),
    ];
  }
  if (plan.problems.length > 0)
    return [error('ocfs2_join', `Cannot join the OCFS2 cluster: ${plan.problems.join('; ')}.`)];
  const where = facts.mountpoint ? ` and mount it at ${facts.mountpoint}` : '';
  const joining = plan.added
    .map((n) => `node ${n.number} ${n.hostname} ${n.ip} (${n.instanceId})`)
    .join(', ');
  return [
    ok(
      'ocfs2_grow',
      `${disk.diskId} holds the OCFS2 volume made by /disk init (cluster ${plan.cluster}, ${plan.nodes.length} of ${plan.slots ?? '?'} slots after this): after the attach, ${joining || 'no new node'} join${plan.added.length === 1 ? 's' : ''} the cluster description on every node${where}.`,
    ),
  ];
}
