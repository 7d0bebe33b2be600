/**
 * The shape of each subcommand for the scanner: which flags it takes (and what kind), and which
 * positional arguments, with the labels and "missing" sentences used in error messages. A request
 * kind's come from its grammar (src/kinds/<kind>/grammar.ts, through the kinds list).
 */

import { byKind, isRequestKind, KINDS } from '../kinds/kinds.js';
import type { DiskCommand, OtherSubcommand, Subcommand } from './types.js';
import {
  DISK_POSITIONAL,
  type FlagSpec,
  type PositionalSpec,
  REGION_FLAG,
  valueFlag,
  ZONE_FLAG,
} from './vocabulary.js';

const OTHER_FLAGS: Readonly<Record<OtherSubcommand, Readonly<Record<string, FlagSpec>>>> = {
  help: {},
  status: {},
  list: { zone: ZONE_FLAG, region: REGION_FLAG },
  requests: {
    mine: { kind: 'choice', field: 'filters' },
    pending: { kind: 'choice', field: 'filters' },
    all: { kind: 'choice', field: 'filters' },
  },
  cancel: {},
  watch: {
    channel: valueFlag('channel', '--channel #storage-alerts'),
    list: { kind: 'switch', field: 'list' },
  },
  unwatch: {},
  freeze: { reason: valueFlag('reason', '--reason "incident INC-42"') },
};

export const FLAGS: Readonly<Record<Subcommand, Readonly<Record<string, FlagSpec>>>> = {
  ...OTHER_FLAGS,
  ...byKind((entry) => entry.grammar.flags),
};

const OTHER_POSITIONALS: Readonly<Record<OtherSubcommand, PositionalSpec>> = {
  help: { fields: [{ field: 'topic', label: 'the help topic', missing: '' }], required: 0 },
  status: { fields: [DISK_POSITIONAL], required: 1 },
  list: { fields: [], required: 0 },
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
  watch: { fields: [DISK_POSITIONAL], required: 0 },
  unwatch: { fields: [DISK_POSITIONAL], required: 1 },
  freeze: { fields: [], required: 0 },
};

export const POSITIONALS: Readonly<Record<Subcommand, PositionalSpec>> = {
  ...OTHER_POSITIONALS,
  ...byKind((entry) => entry.grammar.positionals),
};

/** The command when nothing follows the subcommand (bare `/disk create` opens a form), if it has one. */
export const bareCommandOf = (sub: Subcommand): DiskCommand | undefined =>
  isRequestKind(sub) ? KINDS[sub].grammar.whenBare : undefined;
