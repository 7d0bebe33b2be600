import { z } from 'zod';

/** `/disk unfreeze`: lifts the change freeze; no cloud call. */
export const unfreezeParamsSchema = z.object({ reason: z.string().optional() });
