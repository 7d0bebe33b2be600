/**
 * Key schema of the execution subsystem (locks, the shared ECS rate budget, the job queue), next to
 * the workflow's `keys.ts` and under the same prefix. Layout (prefix defaults to `sdb:`):
 *   <prefix>{locks}:fence                 string  fencing-token counter (INCR, never reset)
 *   <prefix>{locks}:disk:<diskId>         hash    owner (request id), token, since; PEXPIRE = lock TTL
 *   <prefix>{locks}:instance:<id>         hash    same, one per instance a request touches
 *   <prefix>{ecs}:rate:<class>            hash    one class of the ECS budget (read, mutate, assistant):
 *                                         GCRA arrival time and the AIMD rate (see lua/rate.ts)
 *   <prefix>{jobs}:<queue>:…              BullMQ's own keys (its `prefix` option)
 * `{locks}` keeps every lock and the counter in one Cluster slot, so one script takes a request's
 * locks all-or-nothing; BullMQ needs `{…}` in its prefix for the same reason.
 */
import { DEFAULT_KEY_PREFIX } from './keys.js';

export type LockResource = { readonly kind: 'disk' | 'instance'; readonly id: string };

export interface ExecutionKeys {
  readonly fence: string;
  lock(resource: LockResource): string;
  /** The bucket of one ECS call class; `{ecs}` keeps the buckets in one Cluster slot. */
  rate(callClass: 'read' | 'mutate' | 'assistant'): string;
  readonly bullPrefix: string;
}

const SAFE_ID = /^[A-Za-z0-9_.-]+$/;

export function executionKeys(prefix: string = DEFAULT_KEY_PREFIX): ExecutionKeys {
  if (/[{}]/.test(prefix))
    throw new TypeError(`key prefix ${JSON.stringify(prefix)} must not contain { or }`);
  return {
    fence: `${prefix}{locks}:fence`,
    lock: ({ kind, id }) => {
      if (!SAFE_ID.test(id))
        throw new TypeError(`${kind} id ${JSON.stringify(id)} cannot be part of a Redis key`);
      return `${prefix}{locks}:${kind}:${id}`;
    },
    rate: (callClass) => `${prefix}{ecs}:rate:${callClass}`,
    bullPrefix: `${prefix}{jobs}`,
  };
}
