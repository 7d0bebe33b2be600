import { z } from 'zod';
import { DISK_CATEGORIES } from '../../commands/vocabulary.js';

const tag = z.object({ key: z.string(), value: z.string() });

/** `/disk create`: what the request stores (read back through this schema, never by casting). */
export const createParamsSchema = z.object({
  name: z.string(),
  sizeGiB: z.number().int(),
  category: z.enum(DISK_CATEGORIES),
  performanceLevel: z.enum(['PL0', 'PL1', 'PL2', 'PL3']).optional(),
  regionId: z.string(),
  zoneId: z.string().optional(),
  provisionedIops: z.number().int().optional(),
  burstingEnabled: z.boolean(),
  /** `--allow-duplicate-name` (stored before the flag existed: false). */
  allowDuplicateName: z.boolean().default(false),
  tags: z.array(tag),
  reason: z.string().optional(),
});
