/** `actions.failover` of the policy file: the shared fields, the emergency path and the takeover hook. */
import { z } from 'zod';
import { actionFields, principalsSchema, quorumSchema, WHOLE } from '../../workflow/policy-fields.js';

const emergencySchema = z.strictObject({
  requesters: principalsSchema,
  quorum: quorumSchema.default(0),
  review: z.enum(['required', 'optional'], { error: 'expected required or optional' }).default('required'),
});

/**
 * Run on the standby after fencing and attaching (e.g. mount, start a service), as root through
 * Cloud Assistant with the disk's serial as `{{serial}}` when the text references it. It must be
 * idempotent: a resumed failover runs it again. The ECS emulator runs only the bot's own marked
 * scripts (`# shared-disk-bot:<name>:<version>`), so any other hook fails there with exit 127.
 */
const takeoverHookSchema = z.strictObject({
  script: z
    .string({ error: 'expected the hook script text' })
    .min(1)
    .max(16_000, { error: 'at most 16000 characters' }),
  timeoutSec: z.int({ error: WHOLE }).min(1).max(86_400).default(300),
});

export const failoverPolicySchema = z
  .strictObject({
    ...actionFields,
    emergency: emergencySchema.optional(),
    takeoverHook: takeoverHookSchema.optional(),
  })
  .prefault({});
