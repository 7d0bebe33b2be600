/**
 * The one key-schema module: every Redis key of the approval workflow is built here.
 *
 * Layout (prefix defaults to `sdb:`):
 *   <prefix>{wf}:req:<id>             hash   one request (scalars + JSON `body` + `a:<user>` approvals)
 *   <prefix>{wf}:idx:all              zset   every request, score createdAt
 *   <prefix>{wf}:idx:pending          zset   pending requests, score expiresAt (sweeper + listing)
 *   <prefix>{wf}:idx:requester:<uid>  zset   one requester's requests, score createdAt
 *   <prefix>{wf}:idx:finished         zset   requests that left the approval phase for good, score updatedAt
 *   <prefix>{wf}:audit                stream every transition (actor, time, request, from → to, details)
 *   <prefix>{wf}:freeze               string the change freeze in force (JSON: by, at, reason), absent when none
 *
 * Why `{wf}`: Redis Cluster places a key by the hash of its first `{…}` section, so every key
 * above lives in one slot and a transition script may touch the request, its indexes and the audit
 * stream atomically (multi-key scripts across slots fail with CROSSSLOT). The cost is that the
 * workflow lives on one shard, which is fine for its volume (thousands of requests, a few clicks a
 * second). For the same reason the prefix must not contain braces.
 */
export interface WorkflowKeys {
  readonly prefix: string;
  request(id: string): string;
  readonly allIndex: string;
  readonly pendingIndex: string;
  requesterIndex(userId: string): string;
  readonly finishedIndex: string;
  readonly audit: string;
  readonly freeze: string;
}

export const DEFAULT_KEY_PREFIX = 'sdb:';
const HASH_TAG = '{wf}';
const SAFE_PART = /^[A-Za-z0-9_-]+$/;

function part(kind: string, value: string): string {
  if (!SAFE_PART.test(value))
    throw new TypeError(`${kind} ${JSON.stringify(value)} cannot be part of a Redis key`);
  return value;
}

export function workflowKeys(prefix: string = DEFAULT_KEY_PREFIX): WorkflowKeys {
  if (/[{}]/.test(prefix))
    throw new TypeError(`key prefix ${JSON.stringify(prefix)} must not contain { or }`);
  const base = `${prefix}${HASH_TAG}:`;
  return {
    prefix,
    request: (id) => `${base}req:${part('request id', id)}`,
    allIndex: `${base}idx:all`,
    pendingIndex: `${base}idx:pending`,
    requesterIndex: (userId) => `${base}idx:requester:${part('user id', userId)}`,
    finishedIndex: `${base}idx:finished`,
    audit: `${base}audit`,
    freeze: `${base}freeze`,
  };
}
