/** The parsed `/disk create` command, and its form (no arguments). Pure: the grammar's vocabulary only. */
import type { DiskCategory, PerformanceLevel, Tag } from '../../commands/vocabulary.js';

export interface CreateCommand {
  kind: 'create';
  name: string;
  sizeGiB: number;
  category: DiskCategory;
  performanceLevel?: PerformanceLevel;
  zoneId?: string;
  regionId?: string;
  provisionedIops?: number;
  burstingEnabled: boolean;
  /** `--allow-duplicate-name`: create even when another disk in the region has this name. */
  allowDuplicateName: boolean;
  tags: Tag[];
  reason?: string;
}

/** `/disk create` with no arguments: a form. */
export interface CreateFormCommand {
  kind: 'create_form';
}
