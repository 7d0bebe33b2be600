/**
 * How the admin panel words one instance's mount of a disk. A read-write mount on a node fenced
 * out of the disk's NVMe reservation cannot write, so it is not shown as plain `rw`.
 */
export interface MountFacts {
  readonly mounts: readonly {
    instanceId: string;
    diskId: string;
    fstype?: string | null;
    mountpoints: string[];
    readOnly: boolean;
  }[];
  readonly reservations?: readonly {
    diskId: string;
    holder: string | null;
    registrants: { instanceId: string }[];
  }[];
}

export function mountText(state: MountFacts, instanceId: string, diskId: string): string {
  const m = state.mounts.find((x) => x.instanceId === instanceId && x.diskId === diskId);
  if (!m) return 'not mounted';
  const r = state.reservations?.find((x) => x.diskId === diskId);
  const fenced =
    r !== undefined && r.holder !== null && !r.registrants.some((x) => x.instanceId === instanceId);
  const mode = m.readOnly ? 'ro' : fenced ? 'rw, fenced: cannot write' : 'rw';
  return `${m.fstype || '?'} at ${m.mountpoints.join(', ')} (${mode})`;
}
