import { defineScript } from './prelude.js';

export const openReview = defineScript({
  name: 'openReview',
  version: 1,
  numberOfKeys: 3,
  header: `
--[[ openReview: (none) → open. The post-incident review of an emergency request.
  KEYS[1] review hash  KEYS[2] idx:reviews:open  KEYS[3] audit stream
  ARGV[1] request id  ARGV[2] item JSON (disk, summary, reason, requester, channel)  ARGV[3] at (ms)
  ARGV[4] actor
  Returns 1 opened, 0 already exists (open or acknowledged: a redelivered event changes nothing)
  Side effects: HSET state=open, body, openedAt; ZADD idx:reviews:open (score at);
  audit 'review_opened' with the item.
]]`,
  body: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'open', 'body', ARGV[2], 'openedAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
audit(KEYS[3], 'review_opened', ARGV[1], ARGV[4], ARGV[3], '', '', ARGV[2])
return 1`,
});

export const acknowledgeReview = defineScript({
  name: 'acknowledgeReview',
  version: 1,
  numberOfKeys: 3,
  header: `
--[[ acknowledgeReview: open → acknowledged. The first acknowledgement wins.
  KEYS[1] review hash  KEYS[2] idx:reviews:open  KEYS[3] audit stream
  ARGV[1] request id  ARGV[2] user  ARGV[3] at (ms)
  Guards, in order: NOT_FOUND, WRONG_STATE (already acknowledged: nothing is overwritten)
  Returns 1
  Side effects: HSET state=acknowledged, ackBy, ackAt; ZREM idx:reviews:open;
  audit 'review_acknowledged'.
]]`,
  body: `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return NOT_FOUND end
if state ~= 'open' then return WRONG_STATE end
redis.call('HSET', KEYS[1], 'state', 'acknowledged', 'ackBy', ARGV[2], 'ackAt', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
audit(KEYS[3], 'review_acknowledged', ARGV[1], ARGV[2], ARGV[3], '', '', '{}')
return 1`,
});

export const recordIncident = defineScript({
  name: 'recordIncident',
  version: 1,
  numberOfKeys: 1,
  header: `
--[[ recordIncident: appends one incident (e.g. a single-node file system mounted twice) to the
  audit stream; no state changes, so it is not a transition of any request.
  KEYS[1] audit stream
  ARGV[1] event  ARGV[2] subject (request id, or the disk id)  ARGV[3] actor  ARGV[4] at (ms)
  ARGV[5] details JSON
  Returns 1
]]`,
  body: `
audit(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], '', '', ARGV[5])
return 1`,
});
