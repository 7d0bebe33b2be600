import { defineScript } from './prelude.js';

export const expireRequest = defineScript({
  name: 'expireRequest',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ expireRequest: pending → expired (the sweeper; safe to run on every replica at once).
  KEYS[1] request hash  KEYS[2] idx:pending  KEYS[3] idx:finished  KEYS[4] audit stream
  ARGV[1] id  ARGV[2] at (ms, injected clock)
  Guards, in order: NOT_FOUND, WRONG_STATE (not pending: another replica or a click got there
          first), NOT_EXPIRED (at < expiresAt)
  Returns 1
  Side effects: state = expired, decidedBy = system, decidedAt, updatedAt; ZREM idx:pending,
  ZADD idx:finished (score at); audit 'expired' by 'system'.
]]`,
  body: `
local id, at = ARGV[1], ARGV[2]
local f = redis.call('HMGET', KEYS[1], 'state', 'expiresAt')
if not f[1] then return NOT_FOUND end
if f[1] ~= 'pending' then return WRONG_STATE end
if tonumber(at) < tonumber(f[2]) then return NOT_EXPIRED end
redis.call('HSET', KEYS[1], 'state', 'expired', 'decidedBy', 'system', 'decidedAt', at, 'updatedAt', at)
redis.call('ZREM', KEYS[2], id)
redis.call('ZADD', KEYS[3], at, id)
audit(KEYS[4], 'expired', id, 'system', at, 'pending', 'expired', cjson.encode({ expiresAt = tonumber(f[2]) }))
return 1`,
});
