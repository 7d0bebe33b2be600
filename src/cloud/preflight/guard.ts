/**
 * The single-node file-system guard (design.md §7, issue 10): a disk that carries ext4, XFS or
 * another single-node file system, or whose file system cannot be read, is not attached to another
 * instance unless the request says `--allow-single-node-fs`, which turns the refusal into a danger
 * warning (and the approval quorum into `singleNodeFs.quorum`, see `workflow/approvers.ts`).
 * Unknown is unsafe: no answer, a timeout, bad output or a stopped guest count as single-node.
 * The same rule runs at filing and, on freshly read facts, right before the AttachDisk calls.
 */
import type { Check } from '../../workflow/request.js';
import { CREATED_BLANK_TAG } from '../../workflow/request-builder.js';
import type { DiskInfo } from '../gateway.js';
import { CLUSTER_FS_ADVICE, isSingleNodeFs } from '../mounts.js';
import { type FilesystemSnapshot, guestViews, mountFact } from './guest-view.js';

export {
  type FilesystemReadOptions,
  type FilesystemSnapshot,
  type GuestView,
  guestViews,
  readFilesystem,
} from './guest-view.js';

export const FILESYSTEM_RULE = 'filesystem';

export { CREATED_BLANK_TAG } from '../../workflow/request-builder.js';

/** Created blank by the bot and never attached since: nobody can have written a file system on it. */
export function isKnownBlank(disk: DiskInfo): boolean {
  return (
    disk.tags[CREATED_BLANK_TAG.key] === CREATED_BLANK_TAG.value &&
    disk.attachments.length === 0 &&
    !disk.detachedTime
  );
}

/** Attached nowhere, not known blank, and more than one instance to add: attach one, inspect, then the rest. */
export function needsTwoPhase(disk: DiskInfo, adding: readonly string[]): boolean {
  return disk.attachments.length === 0 && adding.length > 1 && !isKnownBlank(disk);
}

const check = (code: string, level: Check['level'], message: string, facts: string): Check => ({
  code,
  level,
  message,
  rule: FILESYSTEM_RULE,
  facts,
});

const ASK_OVERRIDE =
  'If only one instance will ever mount it at a time, ask again with --allow-single-node-fs (it needs more approvals).';

/**
 * The file-system rule of an attach: one check (rule `filesystem`), none when nothing is added.
 * `fs` holds inspect's answers from the current attachments; never read (undefined) fails closed.
 */
export function singleNodeFsRule(
  disk: DiskInfo,
  adding: readonly string[],
  allowSingleNodeFs: boolean,
  fs: FilesystemSnapshot | undefined,
): Check[] {
  if (adding.length === 0) return [];
  const targets = adding.join(', ');
  if (fs === undefined)
    return [
      check(
        'filesystem_not_read',
        'error',
        `${disk.diskId}'s file system was not read before attaching it to ${targets}; unknown counts as unsafe, so nothing is attached.`,
        'fs=not_read',
      ),
    ];
  if (disk.attachments.length === 0) {
    if (isKnownBlank(disk))
      return [
        check(
          'filesystem_known_blank',
          'ok',
          `${disk.diskId} was created blank by the bot and never attached, so no file system can be mounted anywhere yet: it may be attached to ${targets} in one step.`,
          'fs=blank',
        ),
      ];
    if (adding.length === 1)
      return [
        check(
          'filesystem_first_attachment',
          'ok',
          `${disk.diskId} is attached nowhere: ${targets} will be its only instance.`,
          'fs=unattached',
        ),
      ];
    const [first, ...rest] = adding;
    return [
      check(
        'filesystem_content_unknown',
        'warning',
        `${disk.diskId} is attached nowhere, so no guest can show what is on it: it is attached to ${first} first and inspected there; ${rest.join(', ')} follow only if it is blank or holds a cluster file system${allowSingleNodeFs ? ' (or, with --allow-single-node-fs, a single-node one)' : ''}.`,
        'fs=unattached',
      ),
    ];
  }
  const views = guestViews(fs);
  const seen = views.flatMap((v) => (v.read ? [v] : []));
  const mounts = views.flatMap((v) => mountFact(v) ?? []).sort();
  const facts = (fstype: string) => [`fs=${fstype}`, ...mounts].join(';');
  const single = seen.find((s) => isSingleNodeFs(s.fstype));
  if (single) {
    const fstype = single.fstype ?? '';
    const mounted = seen.filter((s) => s.mountpoints.length > 0);
    const at = (m: (typeof mounted)[number]) =>
      `mounted at ${m.mountpoints.join(', ')}${m.readOnly ? ' read-only' : ''}${m.instanceId === single.instanceId ? '' : ` on ${m.instanceId}`}`;
    const where = mounted.length > 0 ? `, ${mounted.map(at).join('; ')}` : '';
    const found = `${disk.diskId} holds ${fstype} (seen on ${single.instanceId}${where}), a single-node file system`;
    return allowSingleNodeFs
      ? [
          check(
            'single_node_fs_override',
            'danger',
            `${found}. --allow-single-node-fs: attaching it to ${targets} as well is allowed only if ONE instance mounts it at a time; two mounts corrupt it. ${CLUSTER_FS_ADVICE}`,
            facts(fstype),
          ),
        ]
      : [
          check(
            'single_node_fs',
            'error',
            `${found}: mounted on a second instance it loses data, so attaching it to ${targets} is refused. ${CLUSTER_FS_ADVICE} ${ASK_OVERRIDE}`,
            facts(fstype),
          ),
        ];
  }
  const withFs = seen.find((s) => s.fstype);
  if (withFs?.fstype)
    return [
      check(
        'filesystem_shared_safe',
        'ok',
        `${disk.diskId} holds ${withFs.fstype}, not a single-node file system.`,
        facts(withFs.fstype),
      ),
    ];
  if (seen.length > 0)
    return [check('filesystem_none', 'ok', `${disk.diskId} has no file system yet (raw block).`, 'fs=none')];
  const why = views.map((v) => `${v.instanceId}: ${v.read ? 'read' : v.why}`).join('; ');
  const unread = `Could not read ${disk.diskId}'s file system on any instance it is attached to (${why}), so it may hold ext4, XFS or another single-node file system`;
  return allowSingleNodeFs
    ? [
        check(
          'filesystem_unknown_override',
          'danger',
          `${unread}. --allow-single-node-fs: attaching it to ${targets} is allowed only if ONE instance mounts it at a time.`,
          'fs=unknown',
        ),
      ]
    : [
        check(
          'filesystem_unknown',
          'error',
          `${unread}; unknown counts as unsafe, so attaching it to ${targets} is refused. Make the guest answer Cloud Assistant (or stop using the disk there) and ask again. ${ASK_OVERRIDE}`,
          'fs=unknown',
        ),
      ];
}
