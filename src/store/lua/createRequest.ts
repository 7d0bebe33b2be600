import { defineScript } from './prelude.js';

export const createRequest = defineScript({
  name: 'createRequest',
  version: 1,
  numberOfKeys: 5,
  header: `
--[[ createRequest: (none) → pending, or → pending → approved when the quorum is 0.
  KEYS[1] request hash     KEYS[2] idx:all      KEYS[3] idx:pending
  KEYS[4] idx:requester    KEYS[5] audit stream
  ARGV[1] id  ARGV[2] requester  ARGV[3] body JSON  ARGV[4] quorum  ARGV[5] planHash
  ARGV[6] at (createdAt, ms)  ARGV[7] expiresAt (ms)  ARGV[8] audit details JSON
  Returns  1 stored as pending, 2 stored as approved (quorum 0: nothing to wait for)
          ALREADY_EXISTS when the id is taken (the caller draws a new id)
  Side effects: writes the hash; adds the id to idx:all and idx:requester (score createdAt) and,
  when pending, to idx:pending (score expiresAt); audit 'created' (and 'approved').
]]`,
  body: `
if redis.call('EXISTS', KEYS[1]) == 1 then return ALREADY_EXISTS end
local id, requester, at = ARGV[1], ARGV[2], ARGV[6]
redis.call('HSET', KEYS[1], 'state', 'pending', 'requester', requester, 'body', ARGV[3],
  'quorum', ARGV[4], 'planHash', ARGV[5], 'createdAt', at, 'updatedAt', at,
  'expiresAt', ARGV[7], 'approvals', 0, 'cursor', 0)
redis.call('ZADD', KEYS[2], at, id)
redis.call('ZADD', KEYS[4], at, id)
audit(KEYS[5], 'created', id, requester, at, '', 'pending', ARGV[8])
if tonumber(ARGV[4]) == 0 then
  redis.call('HSET', KEYS[1], 'state', 'approved', 'decidedBy', requester, 'decidedAt', at)
  audit(KEYS[5], 'approved', id, requester, at, 'pending', 'approved', '{"approvals":0,"quorum":0}')
  return 2
end
redis.call('ZADD', KEYS[3], ARGV[7], id)
return 1`,
});
