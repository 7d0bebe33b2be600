/**
 * What one guest showed the inspect script, reduced to the facts the data-safety rules judge:
 * readable or not (and why not), the disk's file system, and where this guest mounts it.
 */
import type { AssistantTiming, TargetOutcome } from '../assistant.js';
import type { DiskInfo, ReadGateway } from '../gateway.js';
import { inspectDisk } from '../mounts.js';
import type { InspectReport } from '../scripts/index.js';

/** What inspect saw on some of the disk's instances (one RunCommand). */
export interface FilesystemSnapshot {
  readonly outcomes: readonly TargetOutcome<InspectReport>[];
}

export interface FilesystemReadOptions {
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
}

export type GuestView =
  | {
      readonly instanceId: string;
      readonly read: true;
      readonly fstype: string | null;
      readonly mountpoints: readonly string[];
      readonly readOnly: boolean;
    }
  | { readonly instanceId: string; readonly read: false; readonly why: string };

/**
 * One RunCommand of the inspect script on `instanceIds` (default: every current attachment).
 * Never throws for a guest problem: an instance that does not answer is an unreadable view.
 */
export async function readFilesystem(
  gateway: ReadGateway,
  disk: DiskInfo,
  regionId: string,
  options: FilesystemReadOptions,
  instanceIds: readonly string[] = disk.attachments.map((a) => a.instanceId),
): Promise<FilesystemSnapshot> {
  return { outcomes: await inspectDisk(gateway, disk, instanceIds, { regionId, ...options }) };
}

/** An answer without the device counts as unreadable: that guest cannot show what is on the disk. */
export function guestViews(fs: FilesystemSnapshot): GuestView[] {
  return fs.outcomes.map((o): GuestView => {
    if (!o.ok) return { instanceId: o.instanceId, read: false, why: `${o.code}: ${o.message}` };
    if (!o.value.attached)
      return { instanceId: o.instanceId, read: false, why: 'the disk is not visible in the guest' };
    return {
      instanceId: o.instanceId,
      read: true,
      fstype: o.value.fstype,
      mountpoints: o.value.mountpoints,
      readOnly: o.value.readOnly,
    };
  });
}

/** `i-1:/data,/srv(rw)` for a mounted view; undefined when not mounted or not read. */
export function mountFact(view: GuestView): string | undefined {
  if (!view.read || view.mountpoints.length === 0) return undefined;
  return `${view.instanceId}:${[...view.mountpoints].sort().join(',')}(${view.readOnly ? 'ro' : 'rw'})`;
}

/** "mounted at /data (read-write)" for messages. */
export const mountText = (view: { mountpoints: readonly string[]; readOnly: boolean }): string =>
  `mounted at ${view.mountpoints.join(', ')} (${view.readOnly ? 'read-only' : 'read-write'})`;
