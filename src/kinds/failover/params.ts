import { z } from 'zod';
import { namesSchema } from '../names.js';

/** `/disk failover`: what the request stores (read back through this schema, never by casting). */
export const failoverParamsSchema = z.object({
  diskId: z.string(),
  fromInstanceId: z.string(),
  toInstanceId: z.string(),
  regionId: z.string(),
  fencingMode: z.enum(['reservation', 'detach']),
  emergencyReason: z.string().optional(),
  /** Copied from the policy when the request is opened, so the approved plan hash covers it. */
  takeoverHook: z.object({ script: z.string(), timeoutSec: z.number().int() }).optional(),
  /** The policy's `fencing.takeover`, copied like the hook: mount on the standby after the fence. */
  takeoverMount: z.object({ mount: z.string(), options: z.string() }).optional(),
  names: namesSchema,
});
