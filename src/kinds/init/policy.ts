import { z } from 'zod';
import { actionFields, quorumSchema } from '../../workflow/policy-fields.js';

/** `actions.init`: `/disk init` formats a disk, so two approvals unless the file says otherwise. */
export const initPolicySchema = z
  .strictObject({ ...actionFields, quorum: quorumSchema.default(2) })
  .prefault({});
