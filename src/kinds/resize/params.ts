import { z } from 'zod';
import { namesSchema } from '../names.js';

/** `/disk resize`: what the request stores (read back through this schema, never by casting). */
export const resizeParamsSchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  /** The new size, whole GiB. */
  sizeGiB: z.number().int(),
  offline: z.boolean(),
  /** A snapshot first (false with `--no-snapshot`). */
  snapshot: z.boolean(),
  /** A Retry after the resize went through: verify every node and grow, never ResizeDisk again. */
  afterResize: z.boolean().default(false),
  /** Attached when filed (name resolution): locked with the disk; the rules read the attachments fresh. */
  instanceIds: z.array(z.string()).default([]),
  reason: z.string().optional(),
  names: namesSchema,
});
export type ResizeParams = z.infer<typeof resizeParamsSchema>;
