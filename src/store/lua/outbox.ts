import { defineScript } from './prelude.js';

/**
 * The Slack outbox (see `../outbox-store.ts`). An entry is one hash: `payload` (the write, opaque
 * JSON), `version` (bumped when a newer state of the same message replaces it), `lane`, `seq`
 * (enqueue order), `createdAt`, `attempts`. Its id sits in its lane's zset (score seq) until Slack
 * accepts it; `claims` (score lease expiry) says which entries a dispatcher is sending right now.
 */

export const outboxPut = defineScript({
  name: 'outboxPut',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ outboxPut: records one write before it is attempted.
  KEYS[1] entry hash  KEYS[2] lane zset  KEYS[3] sequence counter  KEYS[4] delivered marker
  ARGV[1] id  ARGV[2] payload  ARGV[3] lane  ARGV[4] mode  ARGV[5] now (ms)
    mode 'once'    a write sent at most once: ignored if queued or already delivered
         'latest'  the latest state of a message: replaces a queued one (version + 1) or is queued
         'replace' only replaces a queued state; nothing is queued when none is
  Returns 1 queued, 2 replaced, 0 ignored.
]]`,
  body: `
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[4] == 'once' then return 0 end
  redis.call('HSET', KEYS[1], 'payload', ARGV[2])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  return 2
end
if ARGV[4] == 'replace' then return 0 end
if ARGV[4] == 'once' and redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
local seq = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], 'payload', ARGV[2], 'version', 1, 'lane', ARGV[3], 'seq', seq,
  'createdAt', ARGV[5], 'attempts', 0)
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return 1`,
});

export const outboxClaim = defineScript({
  name: 'outboxClaim',
  version: 1,
  numberOfKeys: 2,
  header: `
--[[ outboxClaim: takes one entry to send, unless another dispatcher holds a live lease on it.
  KEYS[1] entry hash  KEYS[2] claims zset
  ARGV[1] id  ARGV[2] now (ms)  ARGV[3] lease (ms)
  Returns {payload, version, createdAt, attempts}, or false (gone or claimed elsewhere).
]]`,
  body: `
local f = redis.call('HMGET', KEYS[1], 'payload', 'version', 'createdAt', 'attempts')
if not f[1] then return false end
local lease = redis.call('ZSCORE', KEYS[2], ARGV[1])
if lease and tonumber(lease) > tonumber(ARGV[2]) then return false end
redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
return { f[1], f[2], f[3], f[4] }`,
});

export const outboxSettle = defineScript({
  name: 'outboxSettle',
  version: 1,
  numberOfKeys: 4,
  header: `
--[[ outboxSettle: ends a claim.
  KEYS[1] entry hash  KEYS[2] lane zset  KEYS[3] claims zset  KEYS[4] delivered marker
  ARGV[1] id  ARGV[2] version sent  ARGV[3] outcome  ARGV[4] marker TTL (ms)
    outcome 'done'    Slack accepted (or refused for good): the entry goes, unless a newer version
                      replaced it meanwhile (that one is sent next); the marker keeps a 'once'
                      write from being queued again
            'drop'    given up: the entry goes whatever its version
            'retry'   not accepted: the entry stays for the next attempt (attempts + 1)
            'release' not attempted: the entry stays as it is
  Returns 1 removed, 0 kept.
]]`,
  body: `
redis.call('ZREM', KEYS[3], ARGV[1])
local version = redis.call('HGET', KEYS[1], 'version')
if not version then return 0 end
if ARGV[3] == 'retry' then
  redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  return 0
end
if ARGV[3] == 'release' or (ARGV[3] == 'done' and version ~= ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
return 1`,
});
