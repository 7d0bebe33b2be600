import { z } from 'zod';

/** What a `/disk delete` request stores. */
export const deleteParamsSchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  skipFinalSnapshot: z.boolean(),
  reason: z.string().optional(),
});
export type DeleteParams = z.infer<typeof deleteParamsSchema>;
