/**
 * The single-node file-system guard (design.md §7): a disk that carries ext4, XFS or another
 * single-node file system on any instance it is attached to is not attached to another one unless
 * the request says `--allow-single-node-fs`, which turns the refusal into a danger warning (and the
 * approval quorum into `singleNodeFs.quorum`, see `workflow/approvers.ts`).
 */
import type { Check } from '../../workflow/request.js';
import type { AssistantTiming, TargetOutcome } from '../assistant.js';
import type { DiskInfo, EcsGateway } from '../gateway.js';
import { CLUSTER_FS_ADVICE, inspectDisk, isSingleNodeFs } from '../mounts.js';
import type { InspectReport } from '../scripts/index.js';

// Local constructors: importing rules.ts would close an import cycle through world.ts.
const ok = (code: string, message: string): Check => ({ code, level: 'ok', message });
const warning = (code: string, message: string): Check => ({ code, level: 'warning', message });
const error = (code: string, message: string): Check => ({ code, level: 'error', message });

/** What inspect saw on the instances the disk is attached to now. */
export interface FilesystemSnapshot {
  readonly outcomes: readonly TargetOutcome<InspectReport>[];
}

export interface FilesystemReadOptions {
  readonly timeoutSec: number;
  readonly timing?: AssistantTiming;
}

/** One RunCommand of the inspect script on every current attachment. */
export async function readFilesystem(
  gateway: EcsGateway,
  disk: DiskInfo,
  regionId: string,
  options: FilesystemReadOptions,
): Promise<FilesystemSnapshot> {
  const ids = disk.attachments.map((a) => a.instanceId);
  return { outcomes: await inspectDisk(gateway, disk, ids, { regionId, ...options }) };
}

export function singleNodeFsRule(
  disk: DiskInfo,
  adding: readonly string[],
  allowSingleNodeFs: boolean,
  fs: FilesystemSnapshot | undefined,
): Check[] {
  if (adding.length === 0 || fs === undefined) return [];
  if (disk.attachments.length === 0) {
    return adding.length > 1
      ? [
          warning(
            'filesystem_unknown',
            `${disk.diskId} is attached nowhere, so its file system cannot be read; if it holds ext4, XFS or another single-node file system, mount it on one instance only.`,
          ),
        ]
      : [];
  }
  const seen = fs.outcomes.flatMap((o) =>
    o.ok && o.value.attached ? [{ id: o.instanceId, r: o.value }] : [],
  );
  const single = seen.find((s) => isSingleNodeFs(s.r.fstype));
  const targets = adding.join(', ');
  if (single) {
    const fstype = single.r.fstype ?? '';
    const where = single.r.mountpoints.length > 0 ? `, mounted at ${single.r.mountpoints.join(', ')}` : '';
    const found = `${disk.diskId} holds ${fstype} (seen on ${single.id}${where}), a single-node file system`;
    return allowSingleNodeFs
      ? [
          {
            code: 'single_node_fs_override',
            level: 'danger',
            message: `${found}. --allow-single-node-fs: attaching it to ${targets} as well is allowed only if ONE instance mounts it at a time; two mounts corrupt it. ${CLUSTER_FS_ADVICE}`,
          },
        ]
      : [
          error(
            'single_node_fs',
            `${found}: mounted on a second instance it loses data, so attaching it to ${targets} is refused. ${CLUSTER_FS_ADVICE} If only one instance will ever mount it at a time, ask again with --allow-single-node-fs (it needs more approvals).`,
          ),
        ];
  }
  const withFs = seen.find((s) => s.r.fstype);
  if (withFs)
    return [
      ok('filesystem_shared_safe', `${disk.diskId} holds ${withFs.r.fstype}, not a single-node file system.`),
    ];
  if (seen.length > 0) return [ok('filesystem_none', `${disk.diskId} has no file system yet (raw block).`)];
  const why = fs.outcomes
    .map((o) => (o.ok ? `${o.instanceId}: disk not visible` : `${o.instanceId}: ${o.code}`))
    .join('; ');
  return [
    warning(
      'filesystem_unknown',
      `Could not read ${disk.diskId}'s file system on any instance it is attached to (${why}); if it holds ext4, XFS or another single-node file system, do not mount it on two instances.`,
    ),
  ];
}
