"""The Lua scripts of the Redis ledger; each call runs one of them, atomically.

Keys, under the ledger's prefix ``P`` (on Redis Cluster ``P`` holds a hash tag, so every key
below is in one slot and each script touches one slot):

* ``P acct:<account>``: hash ``kind``, ``cur`` (currency), ``lim`` (limit), and the counters
  ``r:<subject>`` (reserved) and ``c:<subject>`` (committed); the subject is empty for budgets
  and stock. One ``HMGET`` reads an item's limit and counters.
* ``P res:<key>``: hash ``fp`` (the request: its items as sent), ``st`` (status), ``exp``
  (expiry), ``g`` (grants) and ``t`` (when it was settled).
* ``P hold:<account>``: sorted set of the keys holding the account, by expiry.
* ``P expiry``: sorted set of every held key, by expiry (for sweeps).
* ``P topup:<key>``: hash ``account``, ``amount``, ``after``.

A request travels as one argument: per item ``account``, ``subject``, ``amount``,
``partial`` (``1``/``0``) and ``currency``, separated by the unit separator (byte 31), items
separated by the record separator (byte 30); names cannot hold control characters, so the
separators never clash. The same text is the request's fingerprint: a retry sends the same
text, another request under the same key does not. Grants are stored the same way, per item
``account``, ``subject``, ``asked``, ``granted``. Purges find settled reservations with
``SCAN``, a little at a time.

Every script gets the ledger's anchor key ``P expiry`` as ``KEYS[1]``, which routes it to the
master owning the slot, and reads the prefix off it (so the prefix never travels as an
argument); the other keys share that slot through the hash tag.

Numbers cross into Redis commands as decimal strings (``fmt``), never as Lua numbers, whose
default formatting would round them. Arithmetic is in doubles, exact below 2**53, which
``MAX_AMOUNT`` (2**53 − 1) keeps to. Expired holds of an account are given
back before an item of it is refused or shortened, and before its balance is read.
"""

from __future__ import annotations

#: ``KEYS[1]`` is ``P expiry``; the prefix is what precedes ``expiry``.
_ANCHORED = """
local P = string.sub(KEYS[1], 1, -7)
"""

_PRELUDE = (
    _ANCHORED
    + """
local function fmt(x) return string.format('%d', x) end

local function split(text, sep)
  local out, start = {}, 1
  while true do
    local at = string.find(text, sep, start, true)
    if not at then
      out[#out + 1] = string.sub(text, start)
      return out
    end
    out[#out + 1] = string.sub(text, start, at - 1)
    start = at + 1
  end
end

local function close(key, grants, status, now)
  for _, item in ipairs(split(grants, '\\30')) do
    local it = split(item, '\\31')
    local a = P .. 'acct:' .. it[1]
    redis.call('HINCRBY', a, 'r:' .. it[2], '-' .. it[4])
    if status == 'committed' then redis.call('HINCRBY', a, 'c:' .. it[2], it[4]) end
    redis.call('ZREM', P .. 'hold:' .. it[1], key)
  end
  redis.call('ZREM', P .. 'expiry', key)
  redis.call('HSET', P .. 'res:' .. key, 'st', status, 't', now)
end

local function reclaim(account, now)
  local keys = redis.call('ZRANGEBYSCORE', P .. 'hold:' .. account, '-inf', now)
  for _, key in ipairs(keys) do
    local f = redis.call('HMGET', P .. 'res:' .. key, 'st', 'g')
    if f[1] == 'held' then close(key, f[2], 'expired', now) end
  end
end

local function settle(key, f, action, now)
  local st = f[1]
  if st == 'held' then
    if tonumber(f[2]) <= tonumber(now) then
      close(key, f[3], 'expired', now)
      st = 'expired'
    elseif action ~= '' then
      close(key, f[3], action, now)
      st = action
    end
  end
  return st
end
"""
)

#: ARGV: key, request, now, expires (empty to commit at once: the expiry is then ``now``).
#: Replies: a status reply of the granted amounts separated by spaces (the common case, the
#: cheapest reply to send and to read); ``found`` + status, expiry, grants; ``reused``;
#: ``unknown`` + index, account; ``refused`` + (index, available) per refused item.
RESERVE = (
    _PRELUDE
    + """
local key, request, now, exp = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local commit = '0'
if exp == '' then commit, exp = '1', now end
local r = P .. 'res:' .. key
local known = redis.call('HMGET', r, 'fp', 'st', 'exp', 'g')
if known[1] then
  if known[1] ~= request then return {'reused'} end
  local action = ''
  if commit == '1' then action = 'committed' end
  local st = settle(key, {known[2], known[3], known[4]}, action, now)
  return {'found', st, known[3], known[4]}
end
local items = split(request, '\\30')
local n = #items
local granted = {}
local short = {'refused'}
for i = 1, n do
  local it = split(items[i], '\\31')
  local acc, sub, asked = it[1], it[2], tonumber(it[3])
  local a = P .. 'acct:' .. acc
  local f = redis.call('HMGET', a, 'lim', 'r:' .. sub, 'c:' .. sub)
  if not f[1] then return {'unknown', i - 1, acc} end
  local avail = tonumber(f[1]) - (tonumber(f[2]) or 0) - (tonumber(f[3]) or 0)
  if asked > avail then
    reclaim(acc, now)
    f = redis.call('HMGET', a, 'lim', 'r:' .. sub, 'c:' .. sub)
    avail = tonumber(f[1]) - (tonumber(f[2]) or 0) - (tonumber(f[3]) or 0)
  end
  if asked <= avail then
    it[4] = it[3]
  elseif it[4] == '1' and avail > 0 then
    it[4] = fmt(avail)
  else
    it[4] = '0'
    short[#short + 1] = i - 1
    short[#short + 1] = fmt(math.max(avail, 0))
  end
  items[i] = it
  granted[i] = it[4]
end
if #short > 1 then return short end
local field = 'r:'
if commit == '1' then field = 'c:' end
local stored = {}
for i = 1, n do
  local it = items[i]
  redis.call('HINCRBY', P .. 'acct:' .. it[1], field .. it[2], it[4])
  if commit ~= '1' then redis.call('ZADD', P .. 'hold:' .. it[1], exp, key) end
  stored[i] = it[1] .. '\\31' .. it[2] .. '\\31' .. it[3] .. '\\31' .. it[4]
end
local g = table.concat(stored, '\\30')
if commit == '1' then
  redis.call('HSET', r, 'fp', request, 'st', 'committed', 'exp', exp, 'g', g, 't', now)
else
  redis.call('HSET', r, 'fp', request, 'st', 'held', 'exp', exp, 'g', g)
  redis.call('ZADD', P .. 'expiry', exp, key)
end
return redis.status_reply(table.concat(granted, ' '))
"""
)

#: ARGV: key, now, action ("committed", "released" or "" to only look).
#: Replies: ``missing``, or ``found`` + status, expiry, grants.
FINISH = (
    _PRELUDE
    + """
local key, now, action = ARGV[1], ARGV[2], ARGV[3]
local f = redis.call('HMGET', P .. 'res:' .. key, 'st', 'exp', 'g')
if not f[1] then return {'missing'} end
return {'found', settle(key, f, action, now), f[2], f[3]}
"""
)

#: ARGV: account, subject, now.
BALANCE = (
    _PRELUDE
    + """
local account, subject, now = ARGV[1], ARGV[2], ARGV[3]
local a = P .. 'acct:' .. account
if redis.call('EXISTS', a) == 0 then return {'unknown'} end
reclaim(account, now)
local f = redis.call('HMGET', a, 'kind', 'cur', 'lim', 'r:' .. subject, 'c:' .. subject)
return {'ok', f[1], f[2], f[3], f[4] or '0', f[5] or '0'}
"""
)

#: ARGV: now, limit.
SWEEP = (
    _PRELUDE
    + """
local now, limit = ARGV[1], ARGV[2]
local keys = redis.call('ZRANGEBYSCORE', P .. 'expiry', '-inf', now, 'LIMIT', 0, limit)
for _, key in ipairs(keys) do
  close(key, redis.call('HGET', P .. 'res:' .. key, 'g'), 'expired', now)
end
return #keys
"""
)

#: ARGV: settled before, then the keys to delete. Deletes those that are settled and were
#: settled before the cutoff; returns how many.
PURGE = (
    _ANCHORED
    + """
local before = tonumber(ARGV[1])
local count = 0
for i = 2, #ARGV do
  local r = P .. 'res:' .. ARGV[i]
  local f = redis.call('HMGET', r, 'st', 't')
  if f[1] and f[1] ~= 'held' and f[2] and tonumber(f[2]) < before then
    redis.call('DEL', r)
    count = count + 1
  end
end
return count
"""
)

#: ARGV: name, kind, currency, limit.
DEFINE = (
    _ANCHORED
    + """
local a = P .. 'acct:' .. ARGV[1]
if redis.call('HSETNX', a, 'kind', ARGV[2]) == 1 then
  redis.call('HSET', a, 'cur', ARGV[3], 'lim', ARGV[4])
end
return redis.call('HMGET', a, 'kind', 'cur', 'lim')
"""
)

#: ARGV: key, account, amount, maximum.
TOP_UP = (
    _ANCHORED
    + """
local key, account, amount = ARGV[1], ARGV[2], ARGV[3]
local t = P .. 'topup:' .. key
local done = redis.call('HMGET', t, 'account', 'amount', 'after')
if done[1] then return {'done', done[1], done[2], done[3]} end
local a = P .. 'acct:' .. account
local limit = redis.call('HGET', a, 'lim')
if not limit then return {'unknown'} end
local after = tonumber(limit) + tonumber(amount)
if after > tonumber(ARGV[4]) then return {'capacity'} end
after = string.format('%d', after)
redis.call('HSET', a, 'lim', after)
redis.call('HSET', t, 'account', account, 'amount', amount, 'after', after)
return {'ok', account, amount, after}
"""
)
