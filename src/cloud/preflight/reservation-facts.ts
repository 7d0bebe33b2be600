/**
 * The NVMe reservation as the guests read it, and the failover card's checks on who holds the disk
 * (issue 21): a check states only what was read.
 * The attachment comes from ECS; the NVMe reservation only from a guest that answered the inspect
 * script. A node fenced out of the reservation is attached but cannot write, so it never shows as
 * holding the disk, and a failover to or from a fenced node says so.
 */
import type { Check } from '../../workflow/request.js';
import type { DiskInfo } from '../gateway.js';
import { type ReservationReport, reservationKeyFor, sameKey } from '../scripts/index.js';
import type { FilesystemSnapshot } from './guest-view.js';
import { error, ok, warning } from './rules.js';

/** The reservation as the first guest that could read it reported it; undefined when none could. */
export function reservationRead(filesystem: FilesystemSnapshot | undefined): ReservationReport | undefined {
  for (const o of filesystem?.outcomes ?? []) if (o.ok && o.value.reservation) return o.value.reservation;
  return undefined;
}

const registered = (r: ReservationReport, instanceId: string): boolean =>
  r.registrants.some((x) => sameKey(x.key, reservationKeyFor(instanceId)));

/** Fenced: a reservation is held and this instance's key is not registered, so it cannot write. */
export const fencedOut = (r: ReservationReport | undefined, instanceId: string): boolean =>
  r !== undefined && r.holder !== null && !registered(r, instanceId);
const holds = (r: ReservationReport, instanceId: string): boolean =>
  r.holder !== null && sameKey(r.holder, reservationKeyFor(instanceId));

function holderWords(r: ReservationReport, attached: readonly string[]): string {
  if (r.holder === null) return 'nobody holds the reservation';
  const holder = attached.find((id) => holds(r, id));
  return holder
    ? `${holder} holds the reservation`
    : `key ${r.holder}, which no attached instance owns, holds it`;
}

/** The file system a guest that answered saw on the disk; undefined when none did. */
export function fstypeRead(filesystem: FilesystemSnapshot | undefined): string | undefined {
  for (const o of filesystem?.outcomes ?? []) if (o.ok && o.value.fstype) return o.value.fstype;
  return undefined;
}

/**
 * Fencing a source that ECS still shows Running: the checks above may all be green, yet that node
 * loses write access, and on OCFS2 the cluster evicts it, so the card says so.
 */
function fencingCost(from: string, fromStatus: string | undefined, fstype: string | undefined): Check[] {
  if (fromStatus !== 'Running') return [];
  const ocfs2 =
    fstype === 'ocfs2'
      ? ' OCFS2 will evict it from the cluster: its mount fails until it is unmounted and rejoins.'
      : '';
  return [
    warning(
      'fences_running_node',
      `${from} is Running: this failover fences it, so it loses write access to the disk at once.${ocfs2} Approve only if it is really down, or its applications are stopped.`,
    ),
  ];
}

/** `from` and `to` as the attachment and, when read, the reservation show them. */
export function failoverHolderChecks(
  p: { readonly diskId: string; readonly fromInstanceId: string; readonly toInstanceId: string },
  disk: DiskInfo,
  reservation: ReservationReport | undefined,
  source: { readonly status?: string; readonly fstype?: string } = {},
): Check[] {
  const attached = disk.attachments.map((a) => a.instanceId);
  const { fromInstanceId: from, toInstanceId: to } = p;
  if (!attached.includes(from)) {
    return [
      error(
        'from_not_attached',
        `${from} is not attached to ${p.diskId}: there is nothing to fail over from. Check --from.`,
      ),
    ];
  }
  const cost = fencingCost(from, source.status, source.fstype);
  if (!reservation)
    return [
      ok('from_attached', `${from} is attached to the disk (its NVMe reservation was not read).`),
      ...cost,
    ];
  const checks: Check[] = [];
  if (holds(reservation, from)) {
    checks.push(
      ok('from_attached', `${from} is attached and holds the NVMe reservation: it is the writer now.`),
      ...cost,
    );
  } else if (registered(reservation, from)) {
    checks.push(
      ok('from_attached', `${from} is attached and registered, but ${holderWords(reservation, attached)}.`),
      ...cost,
    );
  } else {
    checks.push(
      warning(
        'from_fenced',
        `${from} is attached but already fenced out of the NVMe reservation: it cannot write to the disk, so there is no writer to take over from (${holderWords(reservation, attached)}). Check \`/disk status ${p.diskId}\` before approving.`,
      ),
    );
  }
  if (attached.includes(to) && !registered(reservation, to)) {
    checks.push(
      warning(
        'to_fenced',
        `${to} is fenced out of the NVMe reservation: it cannot write until this failover registers it again.`,
      ),
    );
  }
  return checks;
}
