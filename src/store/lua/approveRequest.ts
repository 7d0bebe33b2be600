import { defineScript } from './prelude.js';

export const approveRequest = defineScript({
  name: 'approveRequest',
  version: 1,
  numberOfKeys: 3,
  header: `
--[[ approveRequest: counts one approval; at quorum pending → approved.
  KEYS[1] request hash  KEYS[2] idx:pending  KEYS[3] audit stream
  ARGV[1] id  ARGV[2] approver user id  ARGV[3] at (ms)  ARGV[4] plan hash the approver saw
  Guards, in order: NOT_FOUND, WRONG_STATE (not pending), EXPIRED (at >= expiresAt),
          SELF_APPROVAL (approver is the requester), DUPLICATE_APPROVAL (already counted),
          PLAN_MISMATCH (hash differs from the stored planHash)
  Returns  {approvals, quorum, 1} when this call moved the request to approved (exactly one
          caller ever sees 1), {approvals, quorum, 0} when the approval was counted below quorum
  Side effects: HSET a:<user> = at, HINCRBY approvals; at quorum state = approved, decidedBy/At,
  ZREM idx:pending; audit 'approved' (pending → approved) or 'approval' (pending → pending).
  Approver membership is checked by the caller at click time (it needs Slack).
]]`,
  body: `
local id, user, at = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'state', 'requester', 'quorum', 'planHash', 'expiresAt')
if not f[1] then return NOT_FOUND end
if f[1] ~= 'pending' then return WRONG_STATE end
if tonumber(at) >= tonumber(f[5]) then return EXPIRED end
if f[2] == user then return SELF_APPROVAL end
if redis.call('HEXISTS', KEYS[1], 'a:' .. user) == 1 then return DUPLICATE_APPROVAL end
if f[4] ~= ARGV[4] then return PLAN_MISMATCH end
redis.call('HSET', KEYS[1], 'a:' .. user, at, 'updatedAt', at)
local count = redis.call('HINCRBY', KEYS[1], 'approvals', 1)
local quorum = tonumber(f[3])
local details = cjson.encode({ approvals = count, quorum = quorum })
if count >= quorum then
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedBy', user, 'decidedAt', at)
  redis.call('ZREM', KEYS[2], id)
  audit(KEYS[3], 'approved', id, user, at, 'pending', 'approved', details)
  return { count, quorum, 1 }
end
audit(KEYS[3], 'approval', id, user, at, 'pending', 'pending', details)
return { count, quorum, 0 }`,
});
