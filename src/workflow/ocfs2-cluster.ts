/**
 * Pure OCFS2 planning: the cluster name and file-system UUID of a disk, node numbering, the
 * `nodes` parameter of `ocfs2-cluster`, and the cluster description as the card shows it.
 */
import { createHash } from 'node:crypto';

/** OCFS2 node slots by default: the multi-attach limit, so every possible attachment can mount. */
export const DEFAULT_SLOTS = 16;
export const OCFS2_PORT = 7777;

/** ≤ 16 letters or digits (cluster.conf rule): `sdb` + the disk id's last 13 characters. */
export const clusterNameFor = (diskId: string): string =>
  `sdb${diskId
    .replace(/^d-/, '')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-13)}`;

/** The default label: the disk id, trimmed to OCFS2's 64 characters. */
export const defaultLabelFor = (diskId: string): string => diskId.slice(0, 64);

/**
 * The UUID the bot formats this disk with (`mkfs.ocfs2 -U`): derived from the disk id, so a rerun
 * recognises its own file system by UUID and never formats twice, and every node mounts by it.
 */
export function fsUuidFor(diskId: string): string {
  const h = createHash('sha256').update(`sdb-ocfs2:${diskId}`).digest('hex');
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface ClusterNode {
  readonly instanceId: string;
  /** Short hostname from the guest: OCFS2 node names must equal it. */
  readonly hostname: string;
  /** Private IP from DescribeInstances. */
  readonly ip: string;
  readonly number: number;
}

/**
 * Node numbers follow the attach order (then the instance id), so they are stable while the
 * cluster exists; a node keeps its number when another joins later.
 */
export function numberNodes(
  attachments: readonly { instanceId: string; attachedTime?: string | number }[],
  facts: ReadonlyMap<string, { hostname: string; ip: string }>,
): ClusterNode[] {
  const order = [...attachments].sort(
    (a, b) =>
      String(a.attachedTime ?? '').localeCompare(String(b.attachedTime ?? '')) ||
      a.instanceId.localeCompare(b.instanceId),
  );
  return order.flatMap((a, i) => {
    const f = facts.get(a.instanceId);
    return f ? [{ instanceId: a.instanceId, hostname: f.hostname, ip: f.ip, number: i }] : [];
  });
}

/** The `nodes` parameter of `ocfs2-cluster`: `host:ip:number,…`. */
export const nodesParam = (nodes: readonly { hostname: string; ip: string; number: number }[]): string =>
  nodes.map((n) => `${n.hostname}:${n.ip}:${n.number}`).join(',');

/** What `/etc/ocfs2/cluster.conf` will say, in `o2cb` order, for the card. */
export function describeCluster(cluster: string, nodes: readonly ClusterNode[]): string {
  const lines = [`cluster: name=${cluster} node_count=${nodes.length} heartbeat_mode=local`];
  for (const n of nodes)
    lines.push(`node ${n.number}: name=${n.hostname} ip=${n.ip}:${OCFS2_PORT} (${n.instanceId})`);
  return lines.join('\n');
}

export const SAFE_HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
export const SAFE_IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface Member {
  readonly hostname: string;
  readonly ip: string;
  readonly number: number;
}

/** `host:ip:number,…` (what `ocfs2-probe` reports as members) → members; malformed entries dropped. */
export function parseNodes(text: string): Member[] {
  return text
    .split(',')
    .map((e) => /^([A-Za-z0-9][A-Za-z0-9-]{0,62}):(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,3})$/.exec(e.trim()))
    .flatMap((m) => (m ? [{ hostname: m[1] ?? '', ip: m[2] ?? '', number: Number(m[3]) }] : []));
}

/**
 * A growing cluster: members keep their numbers; each newcomer (not yet listed by hostname) takes
 * the lowest free number, in the order given.
 */
export function growNodes(
  members: readonly Member[],
  newcomers: readonly { instanceId: string; hostname: string; ip: string }[],
): { nodes: Member[]; added: ClusterNode[] } {
  const used = new Set(members.map((m) => m.number));
  const known = new Set(members.map((m) => m.hostname));
  const added: ClusterNode[] = [];
  let next = 0;
  for (const n of newcomers) {
    if (known.has(n.hostname)) continue;
    while (used.has(next)) next++;
    used.add(next);
    known.add(n.hostname);
    added.push({ ...n, number: next });
  }
  return { nodes: [...members, ...added], added };
}
