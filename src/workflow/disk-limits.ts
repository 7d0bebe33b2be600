/** What ECS allows a disk the bot creates, and how the bot marks it (multi-attach-facts.md). */

/** Size limits per category and performance level, GiB (multi-attach-facts.md). */
export const SIZE_RANGES: Readonly<Record<string, { min: number; max: number }>> = {
  'cloud_essd:PL0': { min: 1, max: 65_536 },
  'cloud_essd:PL1': { min: 20, max: 65_536 },
  'cloud_essd:PL2': { min: 461, max: 65_536 },
  'cloud_essd:PL3': { min: 1_261, max: 65_536 },
  cloud_auto: { min: 1, max: 65_536 },
  cloud_regional_disk_auto: { min: 10, max: 65_536 },
};

/** ECS defaults an ESSD without a PL to PL1; the plan names it so approvers see what will exist. */
export const DEFAULT_ESSD_PL = 'PL1';

/**
 * Tagged on every disk the bot creates (so the plan shows it): with no attachment and no
 * `DetachedTime` such a disk is known to be blank, and an attach to many instances fans out at once.
 */
export const CREATED_BLANK_TAG = { key: 'shared-disk-bot:content', value: 'blank-at-creation' } as const;
