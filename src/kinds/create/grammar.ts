/**
 * `/disk create <name> --size <GiB> …`: flags, positionals, the schema from the tokenized form,
 * help and canonical text. Pure; read by src/commands through the kinds list.
 */
import { z } from 'zod';
import { flagWords } from '../../commands/canonical.js';
import { FAST_DISK_NAME, FAST_SIZE } from '../../commands/fast-fields.js';
import {
  CATEGORY_ALIASES,
  coded,
  crossCheck,
  diskNameSchema,
  oneOf,
  PL_ALIASES,
  reasonSchema,
  regionIdSchema,
  required,
  sizeSchema,
  tagsSchema,
  wholeNumber,
  zoneIdSchema,
  zoneInRegion,
} from '../../commands/fields.js';
import { quoteValue } from '../../commands/tokenize.js';
import { LIMITS, REASON_FLAG, REGION_FLAG, valueFlag, ZONE_FLAG } from '../../commands/vocabulary.js';
import { type KindGrammar, ownsKinds } from '../grammar.js';
import type { CreateCommand, CreateFormCommand } from './command.js';

const CATEGORY_ALIAS = {
  cloud_essd: 'essd',
  cloud_auto: 'autopl',
  cloud_regional_disk_auto: 'regional',
} as const;

const schema = z
  .object({
    name: diskNameSchema,
    size: required(sizeSchema, 'The size is required: add --size <GiB>, e.g. --size 100.'),
    category: oneOf(CATEGORY_ALIASES, 'must be one of essd, autopl, regional').optional(),
    pl: oneOf(PL_ALIASES, 'must be one of PL0, PL1, PL2, PL3').optional(),
    zone: zoneIdSchema.optional(),
    region: regionIdSchema.optional(),
    iops: wholeNumber(0, LIMITS.maxProvisionedIops, 'must be a whole number between 0 and 50000').optional(),
    burst: z.boolean(),
    allowDuplicateName: z.boolean(),
    tags: tagsSchema,
    reason: reasonSchema.optional(),
  })
  .transform(
    crossCheck((v, ctx) => {
      const category = v.category ?? 'cloud_essd';
      if (v.pl !== undefined && category !== 'cloud_essd') {
        coded(ctx, 'conflicting_flags', `--pl applies only to --category essd, not ${category}.`, ['pl']);
      }
      if (v.iops !== undefined && category !== 'cloud_auto') {
        coded(ctx, 'conflicting_flags', `--iops applies only to --category autopl, not ${category}.`, [
          'iops',
        ]);
      }
      if (v.burst && category !== 'cloud_auto') {
        coded(ctx, 'conflicting_flags', `--burst applies only to --category autopl, not ${category}.`, [
          'burst',
        ]);
      }
      if (v.zone !== undefined && category === 'cloud_regional_disk_auto') {
        coded(
          ctx,
          'conflicting_flags',
          '--zone cannot be used with --category regional: a regional disk spans zones.',
          ['zone'],
        );
      }
      zoneInRegion(v, ctx);
    }),
  )
  .transform(
    (v): CreateCommand => ({
      kind: 'create',
      name: v.name,
      sizeGiB: v.size,
      category: v.category ?? 'cloud_essd',
      ...(v.pl === undefined ? {} : { performanceLevel: v.pl }),
      ...(v.zone === undefined ? {} : { zoneId: v.zone }),
      ...(v.region === undefined ? {} : { regionId: v.region }),
      ...(v.iops === undefined ? {} : { provisionedIops: v.iops }),
      burstingEnabled: v.burst,
      allowDuplicateName: v.allowDuplicateName,
      tags: v.tags,
      ...(v.reason === undefined ? {} : { reason: v.reason }),
    }),
  );

function render(command: CreateCommand | CreateFormCommand): string[] {
  if (command.kind === 'create_form') return ['create'];
  return [
    'create',
    quoteValue(command.name),
    '--size',
    String(command.sizeGiB),
    '--category',
    CATEGORY_ALIAS[command.category],
    ...flagWords('pl', command.performanceLevel),
    ...flagWords('zone', command.zoneId),
    ...flagWords('region', command.regionId),
    ...flagWords('iops', command.provisionedIops),
    ...(command.burstingEnabled ? ['--burst'] : []),
    ...(command.allowDuplicateName ? ['--allow-duplicate-name'] : []),
    ...command.tags.flatMap((tag) => ['--tag', quoteValue(`${tag.key}=${tag.value}`)]),
    ...flagWords('reason', command.reason),
  ];
}

export const createGrammar: KindGrammar<CreateCommand | CreateFormCommand> = {
  flags: {
    size: valueFlag('size', '--size 100'),
    category: valueFlag('category', '--category essd'),
    pl: valueFlag('pl', '--pl PL1'),
    zone: ZONE_FLAG,
    region: REGION_FLAG,
    iops: valueFlag('iops', '--iops 5000'),
    burst: { kind: 'switch', field: 'burst' },
    'allow-duplicate-name': { kind: 'switch', field: 'allowDuplicateName' },
    tag: { kind: 'repeat', field: 'tags', example: '--tag team=storage' },
    reason: REASON_FLAG,
  },
  positionals: {
    fields: [
      {
        field: 'name',
        label: 'the disk name',
        missing: 'The disk name is required: /disk create <name> --size <GiB>.',
      },
    ],
    required: 1,
  },
  schema,
  usage: [
    '/disk create <name> --size <GiB> [--category essd|autopl|regional] [--pl PL0|PL1|PL2|PL3]',
    '             [--zone <zone-id>] [--region <region-id>] [--iops <n>] [--burst]',
    '             [--tag key=value]... [--allow-duplicate-name] [--reason "<text>"]',
    '/disk create                      (no arguments: opens a form)',
  ],
  summary: 'Request a new multi-attach shared disk (goes to approval).',
  notes: [
    'Categories: essd (cloud_essd, the default), autopl (cloud_auto), regional (cloud_regional_disk_auto); the API names work too.',
    '--pl applies to essd only; --iops and --burst to autopl only; --zone is not used with regional.',
    'Size is whole GiB; the allowed range per category and performance level is checked before approval.',
    'Up to 19 tags; keys may not start with "aliyun", "acs:" or "shared-disk-bot:" (the bot tags every disk it creates as created blank).',
    'A name another disk in the region already has is refused (that disk is named) unless --allow-duplicate-name is given: name-based commands cannot tell two disks of one name apart.',
  ],
  examples: [
    '/disk create pg-shared --size 500 --pl PL1 --zone cn-hangzhou-h --reason "shared WAL for the pg cluster"',
    '/disk create scratch-auto --size 200 --category autopl --iops 5000 --burst --tag team=storage',
    '/disk create',
  ],
  whenBare: { kind: 'create_form' },
  fastFields: [FAST_DISK_NAME, FAST_SIZE],
  owns: ownsKinds({ create: true, create_form: true }),
  render,
};
