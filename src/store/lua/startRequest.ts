import { defineScript } from './prelude.js';

export const startRequest = defineScript({
  name: 'startRequest',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ startRequest: approved → running (a worker picked the request up).
  KEYS[1] request hash  KEYS[2] audit stream
  ARGV[1] id  ARGV[2] actor (worker id)  ARGV[3] at (ms)  ARGV[4] plan hash to hold, '' = no check
  Guards, in order: NOT_FOUND, WRONG_STATE (not approved: another worker started it),
          PLAN_MISMATCH
  Returns 1
  Side effects: state = running, startedBy/startedAt, updatedAt; audit 'started'.
]]`,
  body: `
local id, actor, at = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'state', 'planHash')
if not f[1] then return NOT_FOUND end
if f[1] ~= 'approved' then return WRONG_STATE end
if ARGV[4] ~= '' and ARGV[4] ~= f[2] then return PLAN_MISMATCH end
redis.call('HSET', KEYS[1], 'state', 'running', 'startedBy', actor, 'startedAt', at, 'updatedAt', at)
audit(KEYS[2], 'started', id, actor, at, 'approved', 'running', '{}')
return 1`,
});
