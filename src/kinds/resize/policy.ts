import { z } from 'zod';
import { actionFields, durationSchema } from '../../workflow/policy-fields.js';

/** `actions.resize`; `offlineWait`: how long an offline resize waits for its instances to run again. */
export const resizePolicySchema = z
  .strictObject({ ...actionFields, offlineWait: durationSchema.prefault('24h') })
  .prefault({});
