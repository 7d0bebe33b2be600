/**
 * fast-check generators of valid `/disk` commands, one per subcommand, for the property tests:
 * each command renders to text (`renderDiskCommand`) that parses back to it. Lengths go up to each
 * limit the grammar allows, when the caller sizes arbitraries to their maxLength.
 */
import fc from 'fast-check';
import {
  type DiskCommand,
  type DiskCommandKind,
  LIMITS,
  MAX_ATTACHMENTS,
  regionTypo,
  SUBCOMMANDS,
  type Tag,
} from '../../src/commands/index.js';

/**
 * fast-check 4 sizes arbitraries "small" by default (at most about 10 elements or characters), so
 * a maxLength of 300 or 20 would never be reached; with this, an arbitrary given a maxLength
 * generates every length up to it. Arbitraries fix their size when built, so this runs on import,
 * before any of them is built (here or in the importing test file).
 */
fc.configureGlobal({ ...fc.readConfigureGlobal(), defaultSizeToMaxWhenMaxSpecified: true });

const lowerAlnum = (max: number) => fc.stringMatching(new RegExp(`^[a-z0-9]{1,${max}}$`));
const diskId = lowerAlnum(22).map((s) => `d-${s}`);
const instanceId = lowerAlnum(22).map((s) => `i-${s}`);
export const instances = fc.uniqueArray(instanceId, { minLength: 1, maxLength: MAX_ATTACHMENTS });
// A made-up region within two edits of a real one is answered with "did you mean" (seed 17695
// drew `me-eat-0`, one edit from me-east-1), so only far-off ones are valid commands.
const region = fc
  .stringMatching(/^[a-z]{2}-[a-z]{3,10}(-[0-9])?$/)
  .filter((r) => regionTypo(r) === undefined);
const zoneIn = (r: string) => fc.stringMatching(/^(-[a-z]|[a-z])$/).map((suffix) => `${r}${suffix}`);
const name = fc.oneof(
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._:-]{1,40}$/),
  fc.constantFrom('数据盘', 'ÉtéDisk', 'pg-shared'),
);
const TEXT_CHARS = [
  ...'abcXYZ 019',
  '"',
  "'",
  '“',
  '”',
  '‘',
  '’',
  '\\',
  '—',
  '-',
  '=',
  '\n',
  '\t',
  'é',
  '数',
  '😀',
  '<',
  '>',
  '&',
];
const text = (maxLength: number) =>
  fc
    .string({ unit: fc.constantFrom(...TEXT_CHARS), minLength: 1, maxLength })
    .filter((s) => s === s.trim() && s.length > 0);
export const TAG_KEY_CHARS = 20;
export const TAG_VALUE_CHARS = 30;
export const tagKey = fc
  .string({ unit: fc.constantFrom(...'abkZ09_.:/ -'), minLength: 1, maxLength: TAG_KEY_CHARS })
  .filter((k) => k === k.trim() && !/^(aliyun|acs:|https?:\/\/)/i.test(k));
export const tagValue = fc.oneof(
  fc.constant(''),
  text(TAG_VALUE_CHARS).filter((v) => !/^(acs:|https?:\/\/)/i.test(v)),
);
export const tags: fc.Arbitrary<Tag[]> = fc.uniqueArray(
  // fc.record builds null-prototype objects; the parser builds plain ones.
  fc.tuple(tagKey, tagValue).map(([key, value]) => ({ key, value })),
  { maxLength: LIMITS.maxTags, selector: (t) => t.key },
);
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops keys whose value is undefined: commands never carry `undefined` fields. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const createCommand = fc
  .record({
    name,
    sizeGiB: fc.integer({ min: 1, max: 65_536 }),
    category: fc.constantFrom('cloud_essd', 'cloud_auto', 'cloud_regional_disk_auto' as const),
    region: opt(region),
    withZone: fc.boolean(),
    pl: opt(fc.constantFrom('PL0', 'PL1', 'PL2', 'PL3' as const)),
    iops: opt(fc.integer({ min: 0, max: 50_000 })),
    burst: fc.boolean(),
    allowDuplicateName: fc.boolean(),
    tags,
    reason: opt(text(120)),
  })
  .chain((r) =>
    (r.withZone && r.category !== 'cloud_regional_disk_auto'
      ? zoneIn(r.region ?? 'cn-hangzhou').map((z) => z as string | undefined)
      : fc.constant(undefined)
    ).map(
      (zoneId): DiskCommand =>
        compact({
          kind: 'create' as const,
          name: r.name,
          sizeGiB: r.sizeGiB,
          category: r.category,
          performanceLevel: r.category === 'cloud_essd' ? r.pl : undefined,
          zoneId,
          regionId: r.region,
          provisionedIops: r.category === 'cloud_auto' ? r.iops : undefined,
          burstingEnabled: r.category === 'cloud_auto' && r.burst,
          allowDuplicateName: r.allowDuplicateName,
          tags: r.tags,
          reason: r.reason,
        }),
    ),
  );

export const MOUNTPOINT_CHARS = 200;
/** Absolute paths of plain segments (no `.`/`..` parts), up to the 200 characters `--mount` takes. */
export const mountpoint = fc
  .array(fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,30}$/), { minLength: 1, maxLength: 12 })
  .map((segments) => `/${segments.join('/')}`.slice(0, MOUNTPOINT_CHARS))
  .filter((path) => !path.endsWith('/'));
const initCommand = fc
  .record({
    diskId,
    mountpoint,
    slots: opt(fc.integer({ min: 1, max: 255 })),
    label: opt(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/)),
    reason: opt(text(120)),
  })
  .map((r): DiskCommand => compact({ kind: 'init' as const, fs: 'ocfs2' as const, ...r }));
/** `--size` of a resize: any whole GiB the grammar takes, its two ends included. */
export const resizeSize = fc.oneof(
  fc.constantFrom(LIMITS.minSizeGiB, LIMITS.maxSizeGiB),
  fc.integer({ min: LIMITS.minSizeGiB, max: LIMITS.maxSizeGiB }),
);
const resizeCommand = fc
  .record({
    diskId,
    sizeGiB: resizeSize,
    offline: fc.boolean(),
    noSnapshot: fc.boolean(),
    reason: opt(text(120)),
  })
  .map((r): DiskCommand => compact({ kind: 'resize' as const, ...r }));
/** `--retention-days`: every whole number of days CreateSnapshot takes, its bounds included. */
export const retentionDays = fc.integer({ min: 1, max: 65_536 });
const snapshotCommand = fc
  .record({ diskId, retentionDays: opt(retentionDays), reason: opt(text(120)) })
  .map((r): DiskCommand => compact({ kind: 'snapshot' as const, ...r }));
const deleteCommand = fc
  .record({ diskId, skipFinalSnapshot: fc.boolean(), reason: opt(text(120)) })
  .map((r): DiskCommand => compact({ kind: 'delete' as const, ...r }));
/** A channel as Slack puts a picked one in the text is turned into its id; the bare id reads back. */
const channelId = fc.stringMatching(/^[CG][A-Z0-9]{2,12}$/);

/**
 * One generator per command kind, keyed by kind: a kind added to the grammar (a request kind's line
 * in src/kinds/kinds.ts, or a subcommand of src/commands) does not compile until it has one here.
 */
const COMMANDS_BY_KIND: { readonly [K in DiskCommandKind]: fc.Arbitrary<DiskCommand> } = {
  help: opt(fc.constantFrom(...SUBCOMMANDS)).map(
    (topic): DiskCommand => compact({ kind: 'help' as const, topic }),
  ),
  create_form: fc.constant<DiskCommand>({ kind: 'create_form' }),
  create: createCommand,
  attach: fc
    .record({ diskId, instanceIds: instances, allowSingleNodeFs: fc.boolean(), reason: opt(text(120)) })
    .map((r): DiskCommand => compact({ kind: 'attach' as const, ...r })),
  attach_form: fc
    .record({ diskId, allowSingleNodeFs: fc.boolean(), reason: opt(text(120)) })
    .map((r): DiskCommand => compact({ kind: 'attach_form' as const, ...r })),
  detach: fc
    .record({ diskId, instanceIds: instances, force: fc.boolean(), reason: opt(text(120)) })
    .map((r): DiskCommand => compact({ kind: 'detach' as const, ...r })),
  status: diskId.map((id): DiskCommand => ({ kind: 'status', diskId: id })),
  list: fc
    .record({ regionId: opt(region), withZone: fc.boolean() })
    .chain((r) =>
      (r.withZone ? zoneIn(r.regionId ?? 'eu-central-1') : fc.constant(undefined)).map(
        (zoneId): DiskCommand => compact({ kind: 'list' as const, zoneId, regionId: r.regionId }),
      ),
    ),
  failover: fc
    .record({
      diskId,
      pair: fc.uniqueArray(instanceId, { minLength: 2, maxLength: 2 }),
      emergencyReason: opt(text(120)),
    })
    .map(
      (r): DiskCommand =>
        compact({
          kind: 'failover' as const,
          diskId: r.diskId,
          fromInstanceId: r.pair[0] as string,
          toInstanceId: r.pair[1] as string,
          emergencyReason: r.emergencyReason,
        }),
    ),
  requests: fc
    .constantFrom('mine', 'pending', 'all' as const)
    .map((filter): DiskCommand => ({ kind: 'requests', filter })),
  cancel: fc
    .stringMatching(/^R-[A-Z0-9]{8,26}$/)
    .map((requestId): DiskCommand => ({ kind: 'cancel', requestId })),
  init: initCommand,
  snapshot: snapshotCommand,
  delete: deleteCommand,
  watch: fc.oneof(
    fc.constant<DiskCommand>({ kind: 'watch', list: true }),
    fc
      .record({ diskId, channelId: opt(channelId) })
      .map((r): DiskCommand => compact({ kind: 'watch' as const, list: false as const, ...r })),
  ),
  unwatch: diskId.map((id): DiskCommand => ({ kind: 'unwatch', diskId: id })),
  freeze: text(120).map((reason): DiskCommand => ({ kind: 'freeze', reason })),
  unfreeze: opt(text(120)).map((reason): DiskCommand => compact({ kind: 'unfreeze' as const, reason })),
  resize: resizeCommand,
};

export const validCommand: fc.Arbitrary<DiskCommand> = fc.oneof(...Object.values(COMMANDS_BY_KIND));
