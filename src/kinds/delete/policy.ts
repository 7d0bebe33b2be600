import { z } from 'zod';
import { actionFields, quorumSchema } from '../../workflow/policy-fields.js';

/** `actions.delete`: `/disk delete` cannot be undone, so two approvals unless the file says otherwise. */
export const deletePolicySchema = z
  .strictObject({ ...actionFields, quorum: quorumSchema.default(2) })
  .prefault({});
