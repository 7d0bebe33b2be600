import { z } from 'zod';
import { finishesSchema, namesSchema } from '../names.js';

/** `/disk init --fs ocfs2`: cluster name and file-system UUID derive from the disk id (see cloud/ocfs2). */
export const initParamsSchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  fs: z.literal('ocfs2'),
  mountpoint: z.string(),
  slots: z.number().int(),
  label: z.string(),
  cluster: z.string(),
  uuid: z.string(),
  reason: z.string().optional(),
  names: namesSchema,
  finishes: finishesSchema,
});
