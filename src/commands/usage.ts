/**
 * Usage lines, one-line summaries, notes and examples for every subcommand (a request kind's from
 * its grammar). Plain text: callers escape it for mrkdwn and put usage lines in a code block.
 */

import { byKind } from '../kinds/kinds.js';
import { type OtherSubcommand, SUBCOMMANDS, type Subcommand } from './types.js';

const OTHER_USAGE: Readonly<Record<OtherSubcommand, readonly string[]>> = {
  help: ['/disk help [command]'],
  status: ['/disk status <disk>'],
  list: ['/disk list [--zone <zone-id>] [--region <region-id>]'],
  requests: ['/disk requests [--mine | --pending | --all]'],
  cancel: ['/disk cancel <request-id>'],
  watch: ['/disk watch <disk> [--channel #channel]', '/disk watch --list'],
  unwatch: ['/disk unwatch <disk>'],
  freeze: ['/disk freeze --reason "<text>"'],
};

const OTHER_SUMMARIES: Readonly<Record<OtherSubcommand, string>> = {
  help: 'Show how to use /disk, or the details of one command.',
  status: 'Show where a disk is attached and how each instance mounts it (read-only).',
  list: 'List multi-attach disks, optionally in one zone or region (read-only).',
  requests: 'List requests: your own (default), those awaiting approval, or all.',
  cancel: 'Cancel one of your pending requests.',
  watch: 'Watch a shared disk and alert its channel on trouble, or list watched disks.',
  unwatch: 'Stop watching a disk.',
  freeze: 'Start a change freeze at once: no new changes are filed or started (approvers and on-call).',
};

const OTHER_NOTES: Readonly<Record<OtherSubcommand, readonly string[]>> = {
  help: ['`/disk` with no text shows this overview too.'],
  status: ['Read-only: no approval needed.'],
  list: ['Read-only: lists multi-attach disks only.'],
  requests: ['--mine, --pending and --all exclude each other; without a flag you see your own requests.'],
  cancel: ['Only pending requests can be cancelled, and only by whoever asked.'],
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
};

const OTHER_EXAMPLES: Readonly<Record<OtherSubcommand, readonly string[]>> = {
  help: ['/disk help', '/disk help attach'],
  status: ['/disk status d-bp1abc2def3ghi4jkl5m', '/disk status shared-db'],
  list: ['/disk list', '/disk list --zone cn-hangzhou-h'],
  requests: ['/disk requests', '/disk requests --pending'],
  cancel: ['/disk cancel R-01HZX3K7Q9ABCDEF'],
  watch: [
    '/disk watch d-bp1abc2def3ghi4jkl5m',
    '/disk watch d-bp1abc2def3ghi4jkl5m --channel C0STORAGE',
    '/disk watch --list',
  ],
  unwatch: ['/disk unwatch d-bp1abc2def3ghi4jkl5m'],
  freeze: ['/disk freeze --reason "incident INC-42: storage latency"'],
};

const USAGE: Readonly<Record<Subcommand, readonly string[]>> = {
  ...OTHER_USAGE,
  ...byKind((entry) => entry.grammar.usage),
};

/** One line per subcommand, as help lists them. */
export const SUBCOMMAND_SUMMARIES: Readonly<Record<Subcommand, string>> = {
  ...OTHER_SUMMARIES,
  ...byKind((entry) => entry.grammar.summary),
};

/** Extra facts a user needs before running the subcommand; shown by `/disk help <command>`. */
export const SUBCOMMAND_NOTES: Readonly<Record<Subcommand, readonly string[]>> = {
  ...OTHER_NOTES,
  ...byKind((entry) => entry.grammar.notes),
};

/** Example invocations, all valid for the parser (a unit test checks that). */
export const SUBCOMMAND_EXAMPLES: Readonly<Record<Subcommand, readonly string[]>> = {
  ...OTHER_EXAMPLES,
  ...byKind((entry) => entry.grammar.examples),
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
