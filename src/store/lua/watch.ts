import { defineScript } from './prelude.js';

/**
 * The watch's transitions (issue 13). Every key lives under the workflow's `{wf}` hash tag so the
 * commit can append to the audit stream in the same script.
 */

export const watchLease = defineScript({
  name: 'watchLease',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ watchLease: takes or renews the one-watcher lease.
  KEYS[1] lease hash (owner, token)  KEYS[2] fence counter
  ARGV[1] owner (replica id)  ARGV[2] token held (0 when none)  ARGV[3] ttl (ms)
  Guards: a lease held by another owner, or by this owner under another token, is left alone.
  Returns the token (a new one after INCR fence when the lease was free), or 0 when not the leader.
  Side effects: HSET owner/token and PEXPIRE ttl.
]]`,
  body: `
local f = redis.call('HMGET', KEYS[1], 'owner', 'token')
if f[1] then
  if f[1] == ARGV[1] and f[2] == ARGV[2] then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return tonumber(f[2])
  end
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'token', token)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return token`,
});

export const watchRelease = defineScript({
  name: 'watchRelease',
  version: 1,
  numberOfKeys: 1,
  header: `
--[[ watchRelease: a stopping leader frees the lease at once so another replica takes over.
  KEYS[1] lease hash  ARGV[1] owner  ARGV[2] token
  Returns 1 when released, 0 when the lease was not this owner's (nothing written).
]]`,
  body: `
local f = redis.call('HMGET', KEYS[1], 'owner', 'token')
if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
});

export const watchCommit = defineScript({
  name: 'watchCommit',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ watchCommit: records one watcher cycle; a stale leader's cycle writes nothing.
  KEYS[1] lease hash  KEYS[2] state hash (disk → JSON)  KEYS[3] incidents hash (disk:kind → JSON)
  KEYS[4] audit stream
  ARGV[1] token  ARGV[2] at (ms)  ARGV[3] states: JSON [[diskId, stateJson], …]
  ARGV[4] opened: JSON [[field, incidentJson, diskId, kind, channel], …]  ARGV[5] resolved: JSON [[field, diskId, kind], …]
  ARGV[6] reminded: JSON [[field, incidentJson], …]  ARGV[7] notices: JSON [[diskId, detailsJson], …]
  Guards: the lease must carry this token.
  Returns 1 when written, 0 when the lease was lost (nothing written).
  Side effects: HSET states; HSETNX opened incidents, HDEL resolved, HSET reminded (only if still open);
  XADD watch_incident_opened / watch_incident_resolved / watch_attachment_changed to the audit stream.
]]`,
  body: `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
local at = ARGV[2]
for _, s in ipairs(cjson.decode(ARGV[3])) do redis.call('HSET', KEYS[2], s[1], s[2]) end
for _, o in ipairs(cjson.decode(ARGV[4])) do
  if redis.call('HSETNX', KEYS[3], o[1], o[2]) == 1 then
    audit(KEYS[4], 'watch_incident_opened', o[3], 'watch', at, '', '', cjson.encode({ kind = o[4], channel = o[5] }))
  end
end
for _, r in ipairs(cjson.decode(ARGV[5])) do
  if redis.call('HDEL', KEYS[3], r[1]) == 1 then
    audit(KEYS[4], 'watch_incident_resolved', r[2], 'watch', at, '', '', cjson.encode({ kind = r[3] }))
  end
end
for _, m in ipairs(cjson.decode(ARGV[6])) do
  if redis.call('HEXISTS', KEYS[3], m[1]) == 1 then redis.call('HSET', KEYS[3], m[1], m[2]) end
end
for _, n in ipairs(cjson.decode(ARGV[7])) do
  audit(KEYS[4], 'watch_attachment_changed', n[1], 'watch', at, '', '', n[2])
end
return 1`,
});

export const watchNotified = defineScript({
  name: 'watchNotified',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ watchNotified: marks an open incident's alert as posted.
  KEYS[1] lease hash  KEYS[2] incidents hash  ARGV[1] token  ARGV[2] field (disk:kind)
  Guards: the lease must carry this token; the incident must still be open.
  Returns 1 when marked, 0 otherwise (nothing written).
]]`,
  body: `
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
local v = redis.call('HGET', KEYS[2], ARGV[2])
if not v then return 0 end
local marked = string.gsub(v, '^{"notified":false', '{"notified":true', 1)
redis.call('HSET', KEYS[2], ARGV[2], marked)
return 1`,
});

export const watchRemove = defineScript({
  name: 'watchRemove',
  version: 1,
  numberOfKeys: 3,
  header: `
--[[ watchRemove: stops watching a disk and forgets its state and open incidents.
  KEYS[1] watches hash  KEYS[2] state hash  KEYS[3] incidents hash
  ARGV[1] diskId  ARGV[2..n] incident fields of that disk
  Returns 1 when the disk was watched, 0 when it was not.
]]`,
  body: `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
for i = 2, #ARGV do redis.call('HDEL', KEYS[3], ARGV[i]) end
return removed`,
});
