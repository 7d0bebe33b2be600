import { z } from 'zod';
import { namesSchema } from '../names.js';

/** `/disk detach`: what the request stores (read back through this schema, never by casting). */
export const detachParamsSchema = z.object({
  diskId: z.string(),
  instanceIds: z.array(z.string()).min(1),
  /** `--force`: detach even where the disk is mounted read-write (stored before the flag existed: false). */
  force: z.boolean().default(false),
  regionId: z.string(),
  reason: z.string().optional(),
  names: namesSchema,
});
