"""The Lua scripts of the Redis ledger; each call runs one of them, atomically.

Keys, under the ledger's prefix ``P``:

* ``P acct:<account>``: hash ``kind``, ``currency``, ``limit``.
* ``P ctr:<account>``: hash ``r:<subject>`` (reserved) and ``c:<subject>``
  (committed); the subject is empty for budgets and stock.
* ``P res:<key>``: hash ``fp``, ``status``, ``exp``, ``n`` and, per item ``i``,
  ``a<i>`` account, ``s<i>`` subject, ``q<i>`` asked, ``g<i>`` granted.
* ``P hold:<account>``: sorted set of the keys holding the account, by expiry.
* ``P expiry``: sorted set of every held key, by expiry (for sweeps).
* ``P topup:<key>``: hash ``account``, ``amount``, ``after``.

Numbers cross into Redis commands as decimal strings (``fmt``), never as Lua
numbers, whose default formatting would round them. Arithmetic is in doubles,
exact below 2**53, which [`MAX_AMOUNT`][promocore.ledger.model.MAX_AMOUNT] keeps to.
"""

from __future__ import annotations

_PRELUDE = """
local P = ARGV[1]

local function fmt(x) return string.format('%d', x) end

local function close(key, status, now)
  local r = P .. 'res:' .. key
  local n = tonumber(redis.call('HGET', r, 'n'))
  for i = 1, n do
    local f = redis.call('HMGET', r, 'a' .. i, 's' .. i, 'g' .. i)
    local counters = P .. 'ctr:' .. f[1]
    redis.call('HINCRBY', counters, 'r:' .. f[2], '-' .. f[3])
    if status == 'committed' then
      redis.call('HINCRBY', counters, 'c:' .. f[2], f[3])
    end
    redis.call('ZREM', P .. 'hold:' .. f[1], key)
  end
  redis.call('ZREM', P .. 'expiry', key)
  redis.call('HSET', r, 'status', status, 'closed', now)
end

local function reclaim(account, now)
  local keys = redis.call('ZRANGEBYSCORE', P .. 'hold:' .. account, '-inf', now)
  for _, key in ipairs(keys) do close(key, 'expired', now) end
end

local function settle(key, now)
  local r = P .. 'res:' .. key
  local cur = redis.call('HMGET', r, 'status', 'exp')
  if cur[1] == 'held' and tonumber(cur[2]) <= tonumber(now) then
    close(key, 'expired', now)
    return 'expired'
  end
  return cur[1]
end

local function view(key, status)
  local r = P .. 'res:' .. key
  local head = redis.call('HMGET', r, 'exp', 'n')
  local out = {'found', status, head[1]}
  for i = 1, tonumber(head[2]) do
    local f = redis.call('HMGET', r, 'a' .. i, 's' .. i, 'q' .. i, 'g' .. i)
    for j = 1, 4 do out[#out + 1] = f[j] end
  end
  return out
end
"""

#: ARGV: prefix, key, fingerprint, now, expires, n, then per item
#: account, subject, amount, partial ("1"/"0").
RESERVE = (
    _PRELUDE
    + """
local key, fp, now, exp = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local n = tonumber(ARGV[6])
local r = P .. 'res:' .. key
local known = redis.call('HGET', r, 'fp')
if known then
  if known ~= fp then return {'reused'} end
  return view(key, settle(key, now))
end
local items = {}
for i = 1, n do
  local b = 6 + (i - 1) * 4
  local item = {acc = ARGV[b + 1], sub = ARGV[b + 2], amt = ARGV[b + 3], partial = ARGV[b + 4]}
  item.limit = redis.call('HGET', P .. 'acct:' .. item.acc, 'limit')
  if not item.limit then return {'unknown', i - 1, item.acc} end
  items[i] = item
end
for i = 1, n do reclaim(items[i].acc, now) end
local short = {'refused'}
for i = 1, n do
  local it = items[i]
  local c = redis.call('HMGET', P .. 'ctr:' .. it.acc, 'r:' .. it.sub, 'c:' .. it.sub)
  local avail = tonumber(it.limit) - (tonumber(c[1]) or 0) - (tonumber(c[2]) or 0)
  local asked = tonumber(it.amt)
  local g = 0
  if asked <= avail then g = asked elseif it.partial == '1' and avail > 0 then g = avail end
  if g == 0 then
    short[#short + 1] = i - 1
    short[#short + 1] = fmt(math.max(avail, 0))
  end
  it.g = fmt(g)
end
if #short > 1 then return short end
local fields = {'fp', fp, 'status', 'held', 'exp', exp, 'n', ARGV[6], 'created', now}
local out = {'ok'}
for i = 1, n do
  local it = items[i]
  for _, v in ipairs({'a' .. i, it.acc, 's' .. i, it.sub, 'q' .. i, it.amt, 'g' .. i, it.g}) do
    fields[#fields + 1] = v
  end
  redis.call('HINCRBY', P .. 'ctr:' .. it.acc, 'r:' .. it.sub, it.g)
  redis.call('ZADD', P .. 'hold:' .. it.acc, exp, key)
  out[#out + 1] = it.g
end
redis.call('HSET', r, unpack(fields))
redis.call('ZADD', P .. 'expiry', exp, key)
return out
"""
)

#: ARGV: prefix, key, now, action ("committed", "released" or "" to only look).
FINISH = (
    _PRELUDE
    + """
local key, now, action = ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', P .. 'res:' .. key) == 0 then return {'missing'} end
local status = settle(key, now)
if status == 'held' and action ~= '' then
  close(key, action, now)
  status = action
end
return view(key, status)
"""
)

#: ARGV: prefix, account, subject, now.
BALANCE = (
    _PRELUDE
    + """
local account, subject, now = ARGV[2], ARGV[3], ARGV[4]
local spec = redis.call('HMGET', P .. 'acct:' .. account, 'kind', 'currency', 'limit')
if not spec[1] then return {'unknown'} end
reclaim(account, now)
local c = redis.call('HMGET', P .. 'ctr:' .. account, 'r:' .. subject, 'c:' .. subject)
return {'ok', spec[1], spec[2], spec[3], c[1] or '0', c[2] or '0'}
"""
)

#: ARGV: prefix, now, limit.
SWEEP = (
    _PRELUDE
    + """
local now, limit = ARGV[2], ARGV[3]
local keys = redis.call('ZRANGEBYSCORE', P .. 'expiry', '-inf', now, 'LIMIT', 0, limit)
for _, key in ipairs(keys) do close(key, 'expired', now) end
return #keys
"""
)

#: ARGV: prefix, name, kind, currency, limit.
DEFINE = """
local P, name = ARGV[1], ARGV[2]
local a = P .. 'acct:' .. name
if redis.call('EXISTS', a) == 0 then
  redis.call('HSET', a, 'kind', ARGV[3], 'currency', ARGV[4], 'limit', ARGV[5])
end
return redis.call('HMGET', a, 'kind', 'currency', 'limit')
"""

#: ARGV: prefix, key, account, amount, maximum.
TOP_UP = """
local P, key, account, amount = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local t = P .. 'topup:' .. key
local done = redis.call('HMGET', t, 'account', 'amount', 'after')
if done[1] then return {'done', done[1], done[2], done[3]} end
local a = P .. 'acct:' .. account
local limit = redis.call('HGET', a, 'limit')
if not limit then return {'unknown'} end
local after = tonumber(limit) + tonumber(amount)
if after > tonumber(ARGV[5]) then return {'capacity'} end
after = string.format('%d', after)
redis.call('HSET', a, 'limit', after)
redis.call('HSET', t, 'account', account, 'amount', amount, 'after', after)
return {'ok', account, amount, after}
"""
