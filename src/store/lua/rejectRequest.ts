import { defineScript } from './prelude.js';

export const rejectRequest = defineScript({
  name: 'rejectRequest',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ rejectRequest: pending → rejected (any single reject ends the request).
  KEYS[1] request hash  KEYS[2] idx:pending  KEYS[3] idx:finished  KEYS[4] audit stream
  ARGV[1] id  ARGV[2] rejecting user id  ARGV[3] at (ms)  ARGV[4] reason
  Guards, in order: NOT_FOUND, WRONG_STATE (not pending), EXPIRED (at >= expiresAt)
  Returns 1
  Side effects: state = rejected, rejBy/rejAt/rejReason, decidedBy/At, updatedAt;
  ZREM idx:pending, ZADD idx:finished (score at); audit 'rejected' with the reason.
]]`,
  body: `
local id, user, at = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'state', 'expiresAt')
if not f[1] then return NOT_FOUND end
if f[1] ~= 'pending' then return WRONG_STATE end
if tonumber(at) >= tonumber(f[2]) then return EXPIRED end
redis.call('HSET', KEYS[1], 'state', 'rejected', 'rejBy', user, 'rejAt', at, 'rejReason', ARGV[4],
  'decidedBy', user, 'decidedAt', at, 'updatedAt', at)
redis.call('ZREM', KEYS[2], id)
redis.call('ZADD', KEYS[3], at, id)
audit(KEYS[4], 'rejected', id, user, at, 'pending', 'rejected', cjson.encode({ reason = ARGV[4] }))
return 1`,
});
