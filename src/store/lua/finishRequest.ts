import { defineScript } from './prelude.js';

export const finishRequest = defineScript({
  name: 'finishRequest',
  version: 1,
  numberOfKeys: 3,
  header: `
--[[ finishRequest: running → succeeded | partial | failed. The first terminal write wins.
  KEYS[1] request hash  KEYS[2] idx:finished  KEYS[3] audit stream
  ARGV[1] id  ARGV[2] target state  ARGV[3] outcome code  ARGV[4] outcome message
  ARGV[5] actor  ARGV[6] at (ms)
  Guards, in order: NOT_FOUND, INVALID_TARGET (not succeeded|partial|failed),
          WRONG_STATE (not running, e.g. already finished: nothing is overwritten)
  Returns 1
  Side effects: state, outCode/outMsg, finishedAt, updatedAt; ZADD idx:finished (score at);
  audit 'finished' with the outcome.
]]`,
  body: `
local id, to, at = ARGV[1], ARGV[2], ARGV[6]
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return NOT_FOUND end
if to ~= 'succeeded' and to ~= 'partial' and to ~= 'failed' then return INVALID_TARGET end
if state ~= 'running' then return WRONG_STATE end
redis.call('HSET', KEYS[1], 'state', to, 'outCode', ARGV[3], 'outMsg', ARGV[4], 'finishedAt', at, 'updatedAt', at)
redis.call('ZADD', KEYS[2], at, id)
audit(KEYS[3], 'finished', id, ARGV[5], at, 'running', to, cjson.encode({ code = ARGV[3], message = ARGV[4] }))
return 1`,
});
