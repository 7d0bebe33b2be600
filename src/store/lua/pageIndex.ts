import { defineScript } from './prelude.js';

export const pageIndex = defineScript({
  name: 'pageIndex',
  version: 1,
  numberOfKeys: 1,
  header: `
--[[ pageIndex: one page of an index (read only; a script so rank and range are one snapshot).
  KEYS[1] index zset
  ARGV[1] 'asc' | 'desc'  ARGV[2] cursor id ('' = first page)  ARGV[3] cursor score  ARGV[4] count
  Returns a flat {id, score, id, score, …} of up to count entries after the cursor. When the
  cursor's member is still in the index the page starts right after it (stable under inserts);
  when it left (e.g. approved out of idx:pending) the page starts after its score.
  Side effects: none.
]]`,
  body: `
local desc = ARGV[1] == 'desc'
local count = tonumber(ARGV[4])
local start = 0
if ARGV[2] ~= '' then
  local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
  if score and tonumber(score) == tonumber(ARGV[3]) then
    local rank
    if desc then rank = redis.call('ZREVRANK', KEYS[1], ARGV[2]) else rank = redis.call('ZRANK', KEYS[1], ARGV[2]) end
    start = rank + 1
  elseif desc then
    return redis.call('ZRANGE', KEYS[1], '(' .. ARGV[3], '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, count, 'WITHSCORES')
  else
    return redis.call('ZRANGE', KEYS[1], '(' .. ARGV[3], '+inf', 'BYSCORE', 'LIMIT', 0, count, 'WITHSCORES')
  end
end
if desc then
  return redis.call('ZRANGE', KEYS[1], start, start + count - 1, 'REV', 'WITHSCORES')
end
return redis.call('ZRANGE', KEYS[1], start, start + count - 1, 'WITHSCORES')`,
});
