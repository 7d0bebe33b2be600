/**
 * Usage lines, one-line summaries, notes and examples for every subcommand. Plain text: callers
 * escape it for mrkdwn and put usage lines in a code block.
 */

import { deleteHelp } from '../kinds/delete/grammar.js';
import { RESIZE_EXAMPLES, RESIZE_NOTES, RESIZE_SUMMARY, RESIZE_USAGE } from '../kinds/resize/grammar.js';
import { snapshotHelp } from '../kinds/snapshot/grammar.js';
import { SUBCOMMANDS, type Subcommand } from './types.js';

const USAGE: Record<Subcommand, readonly string[]> = {
  help: ['/disk help [command]'],
  create: [
    '/disk create <name> --size <GiB> [--category essd|autopl|regional] [--pl PL0|PL1|PL2|PL3]',
    '             [--zone <zone-id>] [--region <region-id>] [--iops <n>] [--burst]',
    '             [--tag key=value]... [--allow-duplicate-name] [--reason "<text>"]',
    '/disk create                      (no arguments: opens a form)',
  ],
  attach: [
    '/disk attach <disk> <instance>... [--allow-single-node-fs] [--reason "<text>"]',
    '/disk attach <disk>               (no instances: opens a form with an instance picker)',
  ],
  detach: ['/disk detach <disk> <instance>... [--force] [--reason "<text>"]'],
  status: ['/disk status <disk>'],
  list: ['/disk list [--zone <zone-id>] [--region <region-id>]'],
  failover: ['/disk failover <disk> --from <instance> --to <instance> [--emergency "<reason>"]'],
  requests: ['/disk requests [--mine | --pending | --all]'],
  cancel: ['/disk cancel <request-id>'],
  init: ['/disk init <disk> --fs ocfs2 --mount <path> [--slots <n>] [--label <label>] [--reason "<text>"]'],
  snapshot: snapshotHelp.usage,
  delete: deleteHelp.usage,
  watch: ['/disk watch <disk> [--channel #channel]', '/disk watch --list'],
  unwatch: ['/disk unwatch <disk>'],
  freeze: ['/disk freeze --reason "<text>"'],
  unfreeze: ['/disk unfreeze [--reason "<text>"]'],
  resize: RESIZE_USAGE,
};

/** One line per subcommand, as help lists them. */
export const SUBCOMMAND_SUMMARIES: Readonly<Record<Subcommand, string>> = {
  help: 'Show how to use /disk, or the details of one command.',
  create: 'Request a new multi-attach shared disk (goes to approval).',
  attach: 'Request attaching a shared disk to up to 16 instances (goes to approval).',
  detach: 'Request detaching a shared disk from instances (goes to approval).',
  status: 'Show where a disk is attached and how each instance mounts it (read-only).',
  list: 'List multi-attach disks, optionally in one zone or region (read-only).',
  failover: 'Fence the old node and hand a shared disk over to a standby instance.',
  requests: 'List requests: your own (default), those awaiting approval, or all.',
  cancel: 'Cancel one of your pending requests.',
  init: 'Format a blank shared disk with OCFS2 and mount it on every attached instance (goes to approval).',
  snapshot: snapshotHelp.summary,
  delete: deleteHelp.summary,
  watch: 'Watch a shared disk and alert its channel on trouble, or list watched disks.',
  unwatch: 'Stop watching a disk.',
  freeze: 'Start a change freeze at once: no new changes are filed or started (approvers and on-call).',
  unfreeze: 'Request the end of the change freeze (goes to approval).',
  resize: RESIZE_SUMMARY,
};

/** Extra facts a user needs before running the subcommand; shown by `/disk help <command>`. */
export const SUBCOMMAND_NOTES: Readonly<Record<Subcommand, readonly string[]>> = {
  help: ['`/disk` with no text shows this overview too.'],
  create: [
    'Categories: essd (cloud_essd, the default), autopl (cloud_auto), regional (cloud_regional_disk_auto); the API names work too.',
    '--pl applies to essd only; --iops and --burst to autopl only; --zone is not used with regional.',
    'Size is whole GiB; the allowed range per category and performance level is checked before approval.',
    'Up to 19 tags; keys may not start with "aliyun", "acs:" or "shared-disk-bot:" (the bot tags every disk it creates as created blank).',
    'A name another disk in the region already has is refused (that disk is named) unless --allow-duplicate-name is given: name-based commands cannot tell two disks of one name apart.',
  ],
  attach: [
    'At most 16 instances, all in the disk’s zone and on NVMe instance types.',
    'Without instances, a form offers the eligible ones (NVMe, same zone, Running, not yet attached) to pick from.',
    'A disk holding a single-node file system (ext4, XFS, …), or one whose file system cannot be read, is refused on a second instance unless --allow-single-node-fs is given; that needs extra approvals.',
    'A disk attached nowhere whose content is unknown is attached to the first instance, inspected, and attached to the rest only if it is blank or holds a cluster file system.',
  ],
  detach: [
    'Names every instance explicitly; instances the disk is not attached to are skipped.',
    'If the disk is attached to none of them, nothing is requested.',
    'Each instance is inspected first: a disk mounted read-write there is refused ("unmount first", naming the mountpoints) unless --force is given; that needs extra approvals. A read-only mount is a warning.',
  ],
  status: ['Read-only: no approval needed.'],
  list: ['Read-only: lists multi-attach disks only.'],
  failover: [
    '--from and --to must be different instances; fencing of the old node is never skipped.',
    '--emergency "<reason>" starts at once (on-call only) and opens a post-incident review.',
  ],
  requests: ['--mine, --pending and --all exclude each other; without a flag you see your own requests.'],
  cancel: ['Only pending requests can be cancelled, and only by whoever asked.'],
  init: [
    'Refused if any guest sees a file system, partition table or RAID/LVM signature on the disk: nothing is ever wiped.',
    'Writes the same cluster description to every node, brings o2cb online, formats on one node, mounts everywhere with _netdev.',
    '--slots defaults to 16 (the attach limit) and must cover every attached instance.',
  ],
  snapshot: snapshotHelp.notes,
  delete: deleteHelp.notes,
  watch: [
    'Disks the bot created or attached are watched already, in the channel of that request.',
    'Alerts (once per incident, with "resolved" and reminders): attachments changed outside the bot, a single-node file system mounted twice, the primary down (with a Fail over button), reservation anomalies, a node that does not see the disk’s size after a resize.',
    'Without --channel the alerts go to the channel where you run the command.',
  ],
  unwatch: ['Open incidents of the disk are dropped without a "resolved" message.'],
  freeze: [
    'Takes effect at once, no approval; audited and announced in the approvals channel.',
    'Refuses new create, attach, detach, init, snapshot and delete requests and keeps approved ones from starting; running ones finish.',
    'Failover (emergency included) stays allowed unless the policy sets freeze.allowFailover: false.',
  ],
  unfreeze: [
    'Opens a request (policy action unfreeze); its approval lifts the freeze. Answered "not frozen" when there is none.',
  ],
  resize: RESIZE_NOTES,
};

/** Example invocations, all valid for the parser (a unit test checks that). */
export const SUBCOMMAND_EXAMPLES: Readonly<Record<Subcommand, readonly string[]>> = {
  help: ['/disk help', '/disk help attach'],
  create: [
    '/disk create pg-shared --size 500 --pl PL1 --zone cn-hangzhou-h --reason "shared WAL for the pg cluster"',
    '/disk create scratch-auto --size 200 --category autopl --iops 5000 --burst --tag team=storage',
    '/disk create',
  ],
  attach: [
    '/disk attach d-bp1abc2def3ghi4jkl5m i-bp1node1 i-bp1node2 --reason "add the second node"',
    '/disk attach shared-db db-node-2',
    '/disk attach shared-db',
  ],
  detach: [
    '/disk detach d-bp1abc2def3ghi4jkl5m i-bp1node2 --reason "node retired"',
    '/disk detach shared-db db-node-2 --force --reason "node hung, data on node1"',
  ],
  status: ['/disk status d-bp1abc2def3ghi4jkl5m', '/disk status shared-db'],
  list: ['/disk list', '/disk list --zone cn-hangzhou-h'],
  failover: [
    '/disk failover d-bp1abc2def3ghi4jkl5m --from i-bp1node1 --to i-bp1node2',
    '/disk failover d-bp1abc2def3ghi4jkl5m --from i-bp1node1 --to i-bp1node2 --emergency "node1 hung, pages firing"',
  ],
  requests: ['/disk requests', '/disk requests --pending'],
  cancel: ['/disk cancel R-01HZX3K7Q9ABCDEF'],
  init: ['/disk init d-bp1abc2def3ghi4jkl5m --fs ocfs2 --mount /shared --reason "shared uploads"'],
  snapshot: snapshotHelp.examples,
  delete: deleteHelp.examples,
  watch: [
    '/disk watch d-bp1abc2def3ghi4jkl5m',
    '/disk watch d-bp1abc2def3ghi4jkl5m --channel C0STORAGE',
    '/disk watch --list',
  ],
  unwatch: ['/disk unwatch d-bp1abc2def3ghi4jkl5m'],
  freeze: ['/disk freeze --reason "incident INC-42: storage latency"'],
  unfreeze: ['/disk unfreeze', '/disk unfreeze --reason "INC-42 resolved"'],
  resize: RESIZE_EXAMPLES,
};

const GENERAL_NOTES = [
  '<disk> and <instance> take an id (d-…, i-…) or a name that is unique in the region.',
  'Flags also work with — or – instead of -- (phones autocorrect it), and as --flag=value.',
  'Quote values with spaces: --reason "disk for the db".',
];

/**
 * The usage of one subcommand (its lines joined with newlines), or with no argument the usage of
 * every subcommand followed by the general notes. Plain text, meant for a code block.
 */
export function usageFor(sub?: Subcommand): string {
  if (sub !== undefined) return USAGE[sub].join('\n');
  return [...SUBCOMMANDS.flatMap((s) => USAGE[s]), '', ...GENERAL_NOTES].join('\n');
}
