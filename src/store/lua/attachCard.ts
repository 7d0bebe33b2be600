import { defineScript } from './prelude.js';

export const attachCard = defineScript({
  name: 'attachCard',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ attachCard: records where the approval card was posted (no state change).
  KEYS[1] request hash  KEYS[2] audit stream
  ARGV[1] id  ARGV[2] channel id  ARGV[3] message ts  ARGV[4] at (ms)
  Returns  1 recorded, 0 the same card was already recorded (idempotent retry)
          NOT_FOUND, CARD_CONFLICT (a different card is recorded: first write wins, so a retry
          after a crash never ends up with two live cards)
  Side effects: HSET cardChannel/cardTs; audit 'card' (state → same state).
]]`,
  body: `
local f = redis.call('HMGET', KEYS[1], 'state', 'cardChannel', 'cardTs')
if not f[1] then return NOT_FOUND end
if f[2] then
  if f[2] == ARGV[2] and f[3] == ARGV[3] then return 0 end
  return CARD_CONFLICT
end
redis.call('HSET', KEYS[1], 'cardChannel', ARGV[2], 'cardTs', ARGV[3])
audit(KEYS[2], 'card', ARGV[1], 'system', ARGV[4], f[1], f[1],
  cjson.encode({ channelId = ARGV[2], ts = ARGV[3] }))
return 1`,
});
