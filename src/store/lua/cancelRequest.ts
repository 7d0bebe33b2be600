import { defineScript } from './prelude.js';

export const cancelRequest = defineScript({
  name: 'cancelRequest',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ cancelRequest: pending → cancelled, by the requester only.
  KEYS[1] request hash  KEYS[2] idx:pending  KEYS[3] idx:finished  KEYS[4] audit stream
  ARGV[1] id  ARGV[2] user id  ARGV[3] at (ms)
  Guards, in order: NOT_FOUND, NOT_REQUESTER, WRONG_STATE (not pending), EXPIRED (at >= expiresAt)
  Returns 1
  Side effects: state = cancelled, decidedBy/At, updatedAt; ZREM idx:pending,
  ZADD idx:finished (score at); audit 'cancelled'.
]]`,
  body: `
local id, user, at = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'state', 'requester', 'expiresAt')
if not f[1] then return NOT_FOUND end
if f[2] ~= user then return NOT_REQUESTER end
if f[1] ~= 'pending' then return WRONG_STATE end
if tonumber(at) >= tonumber(f[3]) then return EXPIRED end
redis.call('HSET', KEYS[1], 'state', 'cancelled', 'decidedBy', user, 'decidedAt', at, 'updatedAt', at)
redis.call('ZREM', KEYS[2], id)
redis.call('ZADD', KEYS[3], at, id)
audit(KEYS[4], 'cancelled', id, user, at, 'pending', 'cancelled', '{}')
return 1`,
});
