import { defineScript } from './prelude.js';

export const advanceStep = defineScript({
  name: 'advanceStep',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ advanceStep: moves the step cursor of a running request (compare-and-set; no state change).
  KEYS[1] request hash  KEYS[2] audit stream
  ARGV[1] id  ARGV[2] expected cursor  ARGV[3] new cursor  ARGV[4] actor  ARGV[5] at (ms)
  ARGV[6] details JSON (e.g. the cloud RequestId of the step)
  Guards, in order: NOT_FOUND, WRONG_STATE (not running), STEP_MISMATCH (cursor is not the
          expected one: a duplicate worker), INVALID_TARGET (new cursor not after the old one)
  Returns the new cursor
  Side effects: HSET cursor, updatedAt; audit 'step' (running → running).
]]`,
  body: `
local id, at = ARGV[1], ARGV[5]
local f = redis.call('HMGET', KEYS[1], 'state', 'cursor')
if not f[1] then return NOT_FOUND end
if f[1] ~= 'running' then return WRONG_STATE end
if tonumber(f[2]) ~= tonumber(ARGV[2]) then return STEP_MISMATCH end
local to = tonumber(ARGV[3])
if to <= tonumber(f[2]) then return INVALID_TARGET end
redis.call('HSET', KEYS[1], 'cursor', to, 'updatedAt', at)
audit(KEYS[2], 'step', id, ARGV[4], at, 'running', 'running', ARGV[6])
return to`,
});
