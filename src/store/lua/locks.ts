import { defineScript } from './prelude.js';

/** Variadic: the caller passes the number of keys first (see `../execution-scripts.ts`). */
const VARIADIC = -1;

export const acquireLocks = defineScript({
  name: 'acquireLocks',
  version: 1,
  numberOfKeys: VARIADIC,
  header: `
--[[ acquireLocks: takes every lock of one request, all or nothing, with a fresh fencing token.
  KEYS[1] fence counter  KEYS[2..n] lock hashes (the disk and every instance touched)
  ARGV[1] owner (request id)  ARGV[2] ttl (ms)  ARGV[3] at (ms)
  Guards: a lock held by another owner → nothing is written.
  Returns {'ok', token} or {'held', index of the held key among KEYS[2..n] (1-based), owner, since}
  Side effects: INCR fence; HSET owner/token/since and PEXPIRE ttl on every lock. Re-entrant for the
  same owner (a resumed request), and the new token fences out the previous holder's worker.
]]`,
  body: `
local owner, ttl, at = ARGV[1], ARGV[2], ARGV[3]
for i = 2, #KEYS do
  local f = redis.call('HMGET', KEYS[i], 'owner', 'since')
  if f[1] and f[1] ~= owner then return { 'held', i - 1, f[1], f[2] or '' } end
end
local token = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do
  local since = redis.call('HGET', KEYS[i], 'since') or at
  redis.call('HSET', KEYS[i], 'owner', owner, 'token', token, 'since', since)
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return { 'ok', token }`,
});

export const renewLocks = defineScript({
  name: 'renewLocks',
  version: 1,
  numberOfKeys: VARIADIC,
  header: `
--[[ renewLocks: extends a request's locks while it runs; the fencing check of the lease.
  KEYS[1..n] lock hashes  ARGV[1] owner  ARGV[2] token  ARGV[3] ttl (ms)
  Guards: every lock must still carry this owner and token (a missing or re-taken lock means
          the lease was lost: another worker resumed the request, or the TTL ran out).
  Returns 1 when renewed, 0 when the lease is lost (nothing is written).
  Side effects: PEXPIRE ttl on every lock.
]]`,
  body: `
for i = 1, #KEYS do
  local f = redis.call('HMGET', KEYS[i], 'owner', 'token')
  if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
end
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1`,
});

export const releaseLocks = defineScript({
  name: 'releaseLocks',
  version: 1,
  numberOfKeys: VARIADIC,
  header: `
--[[ releaseLocks: drops the locks a request holds under this token, and only those.
  KEYS[1..n] lock hashes  ARGV[1] owner  ARGV[2] token
  Returns the number of locks released (a lock re-taken by a newer token is left alone).
  Side effects: DEL of each matching lock.
]]`,
  body: `
local n = 0
for i = 1, #KEYS do
  local f = redis.call('HMGET', KEYS[i], 'owner', 'token')
  if f[1] == ARGV[1] and f[2] == ARGV[2] then
    redis.call('DEL', KEYS[i])
    n = n + 1
  end
end
return n`,
});
