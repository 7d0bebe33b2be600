/**
 * Name resolution of `/disk resize`: the disk by id or name, and the instances it is attached to
 * (their ids lock with the disk; their names give the result its name column). Written against
 * the resolver's two lookups so it imports nothing of `src/app`.
 */
import type { DiskInfo } from '../../cloud/gateway.js';
import type { ResizeCommand } from './command.js';

type Lookup<T, P> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: P };

export async function resolveResize<P>(
  command: ResizeCommand,
  disk: (ref: string) => Promise<Lookup<{ diskId: string; disk?: DiskInfo }, P>>,
  instances: (
    ids: readonly string[],
  ) => Promise<Lookup<{ ids: string[]; names: Readonly<Record<string, string>> }, P>>,
): Promise<Lookup<ResizeCommand, P>> {
  const found = await disk(command.diskId);
  if (!found.ok) return found;
  const attached = found.value.disk?.attachments.map((a) => a.instanceId) ?? [];
  const named =
    attached.length > 0 ? await instances(attached) : { ok: true as const, value: { ids: [], names: {} } };
  const diskName = found.value.disk?.diskName;
  return {
    ok: true,
    value: {
      ...command,
      diskId: found.value.diskId,
      instanceIds: attached,
      names: {
        ...(named.ok ? named.value.names : {}),
        ...(diskName ? { [found.value.diskId]: diskName } : {}),
      },
    },
  };
}
