/**
 * `/disk init <disk> --fs ocfs2 --mount <path>`: flags, positionals, the schema from the tokenized
 * form, help and canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { diskRefSchema, oneOf, reasonSchema, required, wholeNumber } from '../../commands/fields.js';
import { DISK_POSITIONAL, MOUNTPOINT_PATTERN, REASON_FLAG, valueFlag } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { InitCommand } from './command.js';

/** Only OCFS2 today; one file-system interface each leaves room for GFS2 later. */
const schema = z
  .object({
    diskId: diskRefSchema,
    fs: required(
      oneOf(
        new Map([['ocfs2', 'ocfs2' as const]]),
        'must be ocfs2 (the only cluster file system built so far)',
      ),
      'The file system is required: add --fs ocfs2.',
    ),
    mountpoint: required(
      z
        .string()
        .trim()
        .max(200, 'must be at most 200 characters')
        .regex(
          MOUNTPOINT_PATTERN,
          'must be an absolute path like /shared (letters, digits, . _ - and /; no . or .. parts)',
        ),
      'The mount point is required: add --mount <path>, e.g. --mount /shared.',
    ),
    slots: wholeNumber(1, 255, 'must be a whole number of node slots between 1 and 255').optional(),
    label: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, . _ or -')
      .optional(),
    reason: reasonSchema.optional(),
  })
  .transform(
    (v): InitCommand => ({
      kind: 'init',
      diskId: v.diskId,
      fs: v.fs,
      mountpoint: v.mountpoint,
      ...(v.slots === undefined ? {} : { slots: v.slots }),
      ...(v.label === undefined ? {} : { label: v.label }),
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

export const initGrammar: KindGrammar<InitCommand> = {
  flags: {
    fs: valueFlag('fs', '--fs ocfs2'),
    mount: valueFlag('mountpoint', '--mount /shared'),
    slots: valueFlag('slots', '--slots 16'),
    label: valueFlag('label', '--label shared'),
    reason: REASON_FLAG,
  },
  positionals: { fields: [DISK_POSITIONAL], required: 1 },
  schema,
  usage: ['/disk init <disk> --fs ocfs2 --mount <path> [--slots <n>] [--label <label>] [--reason "<text>"]'],
  summary:
    'Format a blank shared disk with OCFS2 and mount it on every attached instance (goes to approval).',
  notes: [
    'Refused if any guest sees a file system, partition table or RAID/LVM signature on the disk: nothing is ever wiped.',
    'Writes the same cluster description to every node, brings o2cb online, formats on one node, mounts everywhere with _netdev.',
    '--slots defaults to 16 (the attach limit) and must cover every attached instance.',
  ],
  examples: ['/disk init d-bp1abc2def3ghi4jkl5m --fs ocfs2 --mount /shared --reason "shared uploads"'],
  owns: ownsKinds({ init: true }),
  render: (command) => [
    'init',
    command.diskId,
    '--fs',
    command.fs,
    ...flagWords('mount', command.mountpoint),
    ...flagWords('slots', command.slots),
    ...flagWords('label', command.label),
    ...flagWords('reason', command.reason),
  ],
};
