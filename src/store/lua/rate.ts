import { defineScript } from './prelude.js';

/**
 * The shared ECS budget: one hash per call class (read, mutate, assistant), each a GCRA bucket
 * whose rate shrinks when the cloud throttles and grows back linearly (AIMD). Fields:
 *   tat    theoretical arrival time (ms) of the next free slot
 *   base   rate (calls/s) right after the last decrease; absent = the full policy rate
 *   since  Redis time (ms) of the last decrease
 * Time is Redis' TIME, never a replica's clock: every replica must read the same clock. The last
 * ARGV is empty in production; a test passes its fake clock's milliseconds there.
 */
const CURRENT_RATE = `
local now = tonumber(ARGV[#ARGV])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local f = redis.call('HMGET', KEYS[1], 'tat', 'base', 'since')
local ceiling, increase = tonumber(ARGV[1]), tonumber(ARGV[2])
local rate = ceiling
if f[2] and f[3] then
  rate = math.min(ceiling, tonumber(f[2]) + increase * (now - tonumber(f[3])) / 1000)
end
local tat = tonumber(f[1]) or now
if tat < now then tat = now end
-- A bucket is dropped once it is idle and back at the full rate: nothing left to remember.
local function expire(rateNow, untilMs)
  local recoverMs = 0
  if rateNow < ceiling then recoverMs = math.ceil((ceiling - rateNow) / increase * 1000) end
  redis.call('PEXPIRE', KEYS[1], math.max(math.ceil(untilMs - now), recoverMs) + 1000)
end`;

export const reserveEcsSlot = defineScript({
  name: 'reserveEcsSlot',
  version: 2,
  numberOfKeys: 1,
  header: `
--[[ reserveEcsSlot: books the next slot of one class of the shared ECS budget.
  KEYS[1] the class's bucket hash
  ARGV[1] policy rate (calls/s)  ARGV[2] additive increase (calls/s gained per second since the
  last decrease)  ARGV[3] policy burst (calls allowed back to back at the full rate; scaled down
  with the rate, at least 1)  ARGV[4] '' (Redis TIME) or a test clock's ms
  Returns {wait ms before the call (0 = now), current rate as a string}. The slot is always
          booked, so callers queue fairly instead of polling.
  Side effects: HSET tat; HDEL base/since once the rate is back at the policy rate; PEXPIRE.
]]`,
  body: `${CURRENT_RATE}
local burst = math.max(1, tonumber(ARGV[3]) * rate / ceiling)
local interval = 1000 / rate
local nextTat = tat + interval
local wait = nextTat - now - burst * interval
if wait < 0 then wait = 0 end
redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', nextTat))
if rate >= ceiling then redis.call('HDEL', KEYS[1], 'base', 'since') end
expire(rate, nextTat)
return { math.ceil(wait), string.format('%.3f', rate) }`,
});

export const ecsThrottled = defineScript({
  name: 'ecsThrottled',
  version: 2,
  numberOfKeys: 1,
  header: `
--[[ ecsThrottled: the cloud answered a throttling code; shrink the class's rate (multiplicative
  decrease) and hold every replica's next call of the class back for the retry-after hint.
  KEYS[1] the class's bucket hash
  ARGV[1] policy rate (calls/s)  ARGV[2] additive increase (calls/s per second)  ARGV[3] decrease
  factor (0–1)  ARGV[4] floor (calls/s)  ARGV[5] hold (ms): throttles within this long of the last
  decrease are the same congestion event and do not shrink the rate again  ARGV[6] pause (ms, 0 =
  none)  ARGV[7] policy burst  ARGV[8] '' (Redis TIME) or a test clock's ms
  Returns {1 if the rate was decreased else 0, the rate now as a string}.
  Side effects: HSET base/since on a decrease; HSET tat so no slot starts within the pause; PEXPIRE.
]]`,
  body: `${CURRENT_RATE}
local factor, floor, hold, pause = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local decreased = 0
if not (f[3] and now - tonumber(f[3]) < hold) then
  rate = math.max(math.min(floor, ceiling), rate * factor)
  redis.call('HSET', KEYS[1], 'base', string.format('%.3f', rate), 'since', now)
  decreased = 1
end
if pause > 0 then
  -- The next booking then waits for the pause plus one interval, whatever the burst.
  local burst = math.max(1, tonumber(ARGV[7]) * rate / ceiling)
  local held = now + pause + (burst - 1) * 1000 / rate
  if held > tat then tat = held end
end
redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', tat))
expire(rate, tat)
return { decreased, string.format('%.3f', rate) }`,
});
