import { z } from 'zod';

/** What a `/disk snapshot` request stores. */
export const snapshotParamsSchema = z.object({
  diskId: z.string(),
  regionId: z.string(),
  retentionDays: z.number().int().optional(),
  reason: z.string().optional(),
});
export type SnapshotParams = z.infer<typeof snapshotParamsSchema>;
