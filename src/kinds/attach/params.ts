import { z } from 'zod';
import { finishesSchema, namesSchema } from '../names.js';

/** `/disk attach`: what the request stores (read back through this schema, never by casting). */
export const attachParamsSchema = z.object({
  diskId: z.string(),
  instanceIds: z.array(z.string()).min(1),
  allowSingleNodeFs: z.boolean(),
  regionId: z.string(),
  reason: z.string().optional(),
  names: namesSchema,
  finishes: finishesSchema,
});
