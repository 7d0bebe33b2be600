/**
 * `/disk init --fs ocfs2` preflight (issue 14), each rule with the fact it rests on: attached to
 * ≥ 1 Running instance and only Running ones; every guest sees the disk by serial; no signature
 * anywhere (named, with where); mount point free on every guest; tools present or installable;
 * slots ≥ attachments; each node's hostname and private IP and the cluster description.
 * The same rules run again in the init steps immediately before the format.
 */

import {
  type ClusterNode,
  describeCluster,
  numberNodes,
  OCFS2_PORT,
  SAFE_HOSTNAME,
  SAFE_IPV4,
} from '../../workflow/ocfs2-cluster.js';
import type { Check } from '../../workflow/request.js';
import type { ParamsOf } from '../../workflow/request-params.js';
import type { TargetOutcome } from '../assistant.js';
import type { DiskInfo, InstanceInfo } from '../gateway.js';
import type { Ocfs2Probe } from '../ocfs2/reports.js';
import { diskRules, error, ok, warning } from './rules.js';
import type { WorldSnapshot } from './world.js';

/** The signatures every guest reported, as `ext4 at 0x438 on /dev/nvme1n1 (i-a)`. */
export function signaturesFound(outcomes: readonly TargetOutcome<Ocfs2Probe>[]): string[] {
  return outcomes.flatMap((o) =>
    o.ok
      ? o.value.signatures.map(
          (s) => `${s.type}${s.offset ? ` at ${s.offset}` : ''} on ${s.device} (${o.instanceId})`,
        )
      : [],
  );
}

/** Guests that did not answer the probe or do not see the disk, with why. */
export function unseen(outcomes: readonly TargetOutcome<Ocfs2Probe>[]): string[] {
  return outcomes.flatMap((o) =>
    !o.ok
      ? [`${o.instanceId}: ${o.message}`]
      : o.value.attached
        ? []
        : [`${o.instanceId}: no device with serial ${o.value.serial}`],
  );
}

/** The cluster's nodes from the probes (hostnames) and DescribeInstances (private IPs). */
export function planNodes(
  disk: DiskInfo,
  instances: ReadonlyMap<string, InstanceInfo>,
  outcomes: readonly TargetOutcome<Ocfs2Probe>[],
): { nodes: ClusterNode[]; problems: string[] } {
  const facts = new Map<string, { hostname: string; ip: string }>();
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const o of outcomes) {
    if (!o.ok) continue;
    const ip = instances.get(o.instanceId)?.privateIp ?? '';
    const host = o.value.hostname;
    if (!SAFE_HOSTNAME.test(host))
      problems.push(`${o.instanceId}: hostname "${host}" is not a valid OCFS2 node name`);
    else if (seen.has(host))
      problems.push(`${o.instanceId} and ${seen.get(host)} share the hostname ${host}`);
    if (!SAFE_IPV4.test(ip))
      problems.push(`${o.instanceId}: DescribeInstances gives no private IPv4 address`);
    seen.set(host, o.instanceId);
    facts.set(o.instanceId, { hostname: host, ip });
  }
  return { nodes: numberNodes(disk.attachments, facts), problems };
}

/** Every guest that answered sees this init's own OCFS2 volume (its UUID) and no other signature. */
function holdsOwnVolume(p: ParamsOf['init'], outcomes: readonly TargetOutcome<Ocfs2Probe>[]): boolean {
  const answered = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  return (
    answered.length > 0 &&
    answered.every(
      (r) =>
        r.ocfs2?.uuid === p.uuid && r.signatures.length > 0 && r.signatures.every((s) => s.type === 'ocfs2'),
    )
  );
}

export function initChecks(p: ParamsOf['init'], world: WorldSnapshot): Check[] {
  const disk = world.disk;
  const diskChecks = diskRules(p.diskId, p.regionId, disk);
  if (!disk || diskChecks.some((c) => c.level === 'error')) return diskChecks;
  const checks = [...diskChecks];
  const ids = disk.attachments.map((a) => a.instanceId);
  if (ids.length === 0) {
    return [
      ...checks,
      error('init_not_attached', `${p.diskId} is attached to no instance; attach it first (/disk attach).`),
    ];
  }
  const notRunning = ids.filter((id) => world.instances.get(id)?.status !== 'Running');
  checks.push(
    notRunning.length > 0
      ? error(
          'init_not_running',
          `Every attached instance must be Running to join the cluster; not Running: ${notRunning.map((id) => `${id} (${world.instances.get(id)?.status ?? 'unknown'})`).join(', ')}.`,
        )
      : ok('init_running', `Attached to ${ids.length} Running instance(s): ${ids.join(', ')}.`),
  );
  checks.push(
    p.slots < ids.length
      ? error(
          'init_slots',
          `--slots ${p.slots} is fewer than the ${ids.length} attached instances; every node needs a slot.`,
        )
      : ok(
          'init_slots',
          `${p.slots} node slots for ${ids.length} instance(s): up to ${p.slots} can mount at once.`,
        ),
  );
  const fs = world.ocfs2;
  if (!fs) {
    checks.push(
      error(
        'init_not_read',
        `The guests attached to ${p.diskId} were not probed, so nobody knows what is on it; unknown counts as unsafe.`,
      ),
    );
    return checks;
  }
  const missing = unseen(fs.outcomes);
  checks.push(
    missing.length > 0
      ? error('init_not_visible', `Not every guest sees the disk: ${missing.join('; ')}.`)
      : ok('init_visible', `Every attached guest sees ${p.diskId} by its serial.`),
  );
  const found = signaturesFound(fs.outcomes);
  const finishing = p.finishes !== undefined && holdsOwnVolume(p, fs.outcomes);
  checks.push(
    finishing
      ? ok(
          'init_finish',
          `Finishes ${p.finishes}: ${p.diskId} holds the OCFS2 volume it formatted (UUID ${p.uuid}) and nothing else; only the mount on every node and the verification run again, nothing is formatted.`,
        )
      : found.length > 0
        ? error(
            'init_signature',
            `The disk is not blank: ${found.join('; ')}. /disk init never wipes; clear it yourself (wipefs) only if the data is not needed.`,
          )
        : ok(
            'init_blank',
            'No file system, partition table or RAID/LVM signature on any guest (blkid -p, wipefs --no-act).',
          ),
  );
  const probes = fs.outcomes.flatMap((o) => (o.ok ? [{ id: o.instanceId, r: o.value }] : []));
  // A node the finished request mounted already has this volume there: that is done, not in the way.
  const busy = probes.filter(
    (x) => x.r.mountpoint.inUse && !(finishing && x.r.mountpoint.source === x.r.device),
  );
  checks.push(
    busy.length > 0
      ? error(
          'init_mountpoint_in_use',
          `${p.mountpoint} is in use: ${busy.map((x) => `${x.id} has ${x.r.mountpoint.source ?? '?'} (${x.r.mountpoint.fstype ?? '?'}) there`).join('; ')}.`,
        )
      : ok('init_mountpoint', `${p.mountpoint} is free on every guest.`),
  );
  const toolless = probes.filter((x) => !x.r.tools.mkfs || !x.r.tools.o2cb);
  const stuck = toolless.filter((x) => x.r.installer === null);
  if (stuck.length > 0) {
    checks.push(
      error(
        'init_tools',
        `ocfs2-tools is missing and no package manager can install it on ${stuck.map((x) => x.id).join(', ')}.`,
      ),
    );
  } else if (toolless.length > 0) {
    checks.push(
      warning(
        'init_tools_install',
        `ocfs2-tools will be installed first on ${toolless.map((x) => `${x.id} (${x.r.installer})`).join(', ')}.`,
      ),
    );
  } else if (probes.length > 0) {
    checks.push(ok('init_tools', 'mkfs.ocfs2 and o2cb are present on every guest.'));
  }
  const { nodes, problems } = planNodes(disk, world.instances, fs.outcomes);
  if (problems.length > 0)
    checks.push(error('init_nodes', `The cluster cannot be described: ${problems.join('; ')}.`));
  const off = probes.filter((x) => {
    const ip = world.instances.get(x.id)?.privateIp;
    return ip !== undefined && x.r.addresses.length > 0 && !x.r.addresses.includes(ip);
  });
  if (off.length > 0)
    checks.push(
      warning(
        'init_ip_mismatch',
        `The guest does not list its DescribeInstances private IP on ${off.map((x) => x.id).join(', ')}.`,
      ),
    );
  if (nodes.length > 0 && problems.length === 0) {
    checks.push(
      ok(
        'init_cluster',
        `Cluster description (/etc/ocfs2/cluster.conf on every node):\n${describeCluster(p.cluster, nodes)}`,
      ),
    );
    checks.push(
      warning(
        'init_port',
        `TCP ${OCFS2_PORT} must be open between the nodes (security group); the bot does not check it.`,
      ),
    );
  }
  return checks;
}
