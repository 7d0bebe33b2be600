/**
 * The shape of each subcommand for the scanner: which flags it takes (and what kind), and which
 * positional arguments, with the labels and "missing" sentences used in error messages.
 */

import { deleteFlags } from '../kinds/delete/grammar.js';
import { RESIZE_FLAGS, RESIZE_POSITIONALS } from '../kinds/resize/grammar.js';
import { snapshotFlags } from '../kinds/snapshot/grammar.js';
import type { Subcommand } from './types.js';

/** value: takes one value; switch: no value; repeat: may repeat, values collected; choice: one of a set. */
export type FlagKind = 'value' | 'switch' | 'repeat' | 'choice';
export interface FlagSpec {
  readonly kind: FlagKind;
  /** The field of the tokenized form this flag fills. */
  readonly field: string;
  /** Shown in "needs a value" messages. */
  readonly example?: string;
}

const value = (field: string, example: string): FlagSpec => ({ kind: 'value', field, example });
const REASON = value('reason', '--reason "disk for the db"');
const ZONE = value('zone', '--zone cn-hangzhou-h');
const REGION = value('region', '--region cn-hangzhou');

export const FLAGS: Readonly<Record<Subcommand, Readonly<Record<string, FlagSpec>>>> = {
  help: {},
  create: {
    size: value('size', '--size 100'),
    category: value('category', '--category essd'),
    pl: value('pl', '--pl PL1'),
    zone: ZONE,
    region: REGION,
    iops: value('iops', '--iops 5000'),
    burst: { kind: 'switch', field: 'burst' },
    'allow-duplicate-name': { kind: 'switch', field: 'allowDuplicateName' },
    tag: { kind: 'repeat', field: 'tags', example: '--tag team=storage' },
    reason: REASON,
  },
  attach: { 'allow-single-node-fs': { kind: 'switch', field: 'allowSingleNodeFs' }, reason: REASON },
  detach: { force: { kind: 'switch', field: 'force' }, reason: REASON },
  status: {},
  list: { zone: ZONE, region: REGION },
  failover: {
    from: value('from', '--from i-bp1node1 (or the instance name)'),
    to: value('to', '--to i-bp1node2 (or the instance name)'),
    emergency: value('emergency', '--emergency "node1 hung"'),
  },
  requests: {
    mine: { kind: 'choice', field: 'filters' },
    pending: { kind: 'choice', field: 'filters' },
    all: { kind: 'choice', field: 'filters' },
  },
  cancel: {},
  init: {
    fs: value('fs', '--fs ocfs2'),
    mount: value('mountpoint', '--mount /shared'),
    slots: value('slots', '--slots 16'),
    label: value('label', '--label shared'),
    reason: REASON,
  },
  snapshot: snapshotFlags,
  delete: deleteFlags,
  watch: {
    channel: value('channel', '--channel #storage-alerts'),
    list: { kind: 'switch', field: 'list' },
  },
  unwatch: {},
  freeze: { reason: value('reason', '--reason "incident INC-42"') },
  unfreeze: { reason: REASON },
  resize: RESIZE_FLAGS,
};

export interface PositionalSpec {
  /** Single positionals, in order, each with its label and the sentence used when it is missing. */
  readonly fields: readonly { readonly field: string; readonly label: string; readonly missing: string }[];
  /** A trailing list (`<instance>...`), if any. */
  readonly rest?: { readonly field: string; readonly label: string; readonly missing: string };
  /** The trailing list may be empty (`/disk attach <disk>` opens a picker instead). */
  readonly restOptional?: boolean;
  /** How many of `fields` are required. */
  readonly required: number;
}

const DISK_ID = {
  field: 'diskId',
  label: 'the disk',
  missing: 'The disk is required: its id or its name, e.g. d-bp1abc2def3ghi4jkl5m or shared-db.',
};
const INSTANCES = {
  field: 'instanceIds',
  label: 'the instance',
  missing: 'At least one instance is required after the disk: an id or a name, e.g. i-bp1node1 or db-node-1.',
};

export const POSITIONALS: Readonly<Record<Subcommand, PositionalSpec>> = {
  help: { fields: [{ field: 'topic', label: 'the help topic', missing: '' }], required: 0 },
  create: {
    fields: [
      {
        field: 'name',
        label: 'the disk name',
        missing: 'The disk name is required: /disk create <name> --size <GiB>.',
      },
    ],
    required: 1,
  },
  attach: { fields: [DISK_ID], rest: INSTANCES, restOptional: true, required: 1 },
  detach: { fields: [DISK_ID], rest: INSTANCES, required: 1 },
  status: { fields: [DISK_ID], required: 1 },
  list: { fields: [], required: 0 },
  failover: { fields: [DISK_ID], required: 1 },
  requests: { fields: [], required: 0 },
  cancel: {
    fields: [
      {
        field: 'requestId',
        label: 'the request id',
        missing: 'The request id is required, e.g. R-01HZX3K7Q9ABCDEF.',
      },
    ],
    required: 1,
  },
  init: { fields: [DISK_ID], required: 1 },
  snapshot: { fields: [DISK_ID], required: 1 },
  delete: { fields: [DISK_ID], required: 1 },
  watch: { fields: [DISK_ID], required: 0 },
  unwatch: { fields: [DISK_ID], required: 1 },
  freeze: { fields: [], required: 0 },
  unfreeze: { fields: [], required: 0 },
  resize: RESIZE_POSITIONALS,
};
