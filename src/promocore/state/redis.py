"""A store in Redis (the ``promocore[redis]`` extra); every write is one Lua script.

Keys, under the store's prefix ``P``: ``P rec:<kind>:<id>`` is a hash with the
version ``v``, the JSON payload ``p`` and the due time ``d`` (microseconds since
the Unix epoch, empty when none); ``P due:<kind>`` is a sorted set of the ids of
that kind by due time. Kinds cannot contain ``:``, so keys never clash.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from promocore.ledger.clock import from_micros, to_micros
from promocore.ledger.redis import check_prefix, connect, text
from promocore.state.errors import VersionConflictError
from promocore.state.record import (
    JSONObject,
    Record,
    check_address,
    check_delete,
    check_due_query,
    check_save,
    decode_payload,
)

#: ARGV: prefix, kind, id, expected version, payload, due ("" for none).
_SAVE = """
local P, kind, id, expected = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = P .. 'rec:' .. kind .. ':' .. id
local actual = redis.call('HGET', key, 'v') or '0'
if actual ~= expected then return {'conflict', actual} end
local version = string.format('%d', tonumber(expected) + 1)
redis.call('HSET', key, 'v', version, 'p', ARGV[5], 'd', ARGV[6])
if ARGV[6] == '' then
  redis.call('ZREM', P .. 'due:' .. kind, id)
else
  redis.call('ZADD', P .. 'due:' .. kind, ARGV[6], id)
end
return {'ok', version}
"""

#: ARGV: prefix, kind, id, expected version.
_DELETE = """
local P, kind, id, expected = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = P .. 'rec:' .. kind .. ':' .. id
local actual = redis.call('HGET', key, 'v') or '0'
if actual ~= expected or actual == '0' then return {'conflict', actual} end
redis.call('DEL', key)
redis.call('ZREM', P .. 'due:' .. kind, id)
return {'ok'}
"""

#: ARGV: prefix, kind, before, limit. Returns id, version, payload, due per record.
_DUE = """
local P, kind = ARGV[1], ARGV[2]
local ids = redis.call('ZRANGEBYSCORE', P .. 'due:' .. kind, '-inf', ARGV[3], 'LIMIT', 0, ARGV[4])
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', P .. 'rec:' .. kind .. ':' .. id, 'v', 'p', 'd')
  out[#out + 1] = id
  for j = 1, 3 do out[#out + 1] = f[j] end
end
return out
"""


class RedisStore:
    """A [`Store`][promocore.state.Store] in Redis.

    On Redis Cluster, put a hash tag in the prefix (``"{promo}:"``) so that a
    record and its kind's due index share a slot.

    Args:
        client: A ``redis.Redis`` client or a ``redis://`` URL.
        prefix: Prepended to every key the store uses.
    """

    def __init__(self, client: Any, *, prefix: str = "promocore:") -> None:
        self._prefix = check_prefix(prefix)
        self._owned = isinstance(client, str)
        self._redis = connect(client)
        self._save = self._redis.register_script(_SAVE)
        self._delete = self._redis.register_script(_DELETE)
        self._due = self._redis.register_script(_DUE)

    def _key(self, kind: str, id: str) -> str:
        return f"{self._prefix}rec:{kind}:{id}"

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        version, payload, due = self._redis.hmget(self._key(kind, id), "v", "p", "d")
        if version is None:
            return None
        return _record(kind, id, version, payload, due)

    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        """Write a record if it is still at ``expected_version`` (see `Store.save`)."""
        payload_text = check_save(kind, id, payload, expected_version, due)
        due_text = "" if due is None else str(to_micros(due))
        args = [self._prefix, kind, id, str(expected_version), payload_text, due_text]
        reply = [text(v) for v in self._save(args=args)]
        if reply[0] == "conflict":
            raise VersionConflictError(kind, id, expected_version, int(reply[1]))
        return _record(kind, id, reply[1], payload_text, due_text)

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        reply = [text(v) for v in self._delete(args=[self._prefix, kind, id, expected_version])]
        if reply[0] == "conflict":
            raise VersionConflictError(kind, id, expected_version, int(reply[1]))

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        reply = self._due(args=[self._prefix, kind, to_micros(before), limit])
        return [
            _record(kind, text(reply[i]), reply[i + 1], reply[i + 2], reply[i + 3])
            for i in range(0, len(reply), 4)
            if reply[i + 1] is not None
        ]

    def close(self) -> None:
        """Close the client if the store opened it from a URL."""
        if self._owned:
            self._redis.close()


def _record(kind: str, id: str, version: object, payload: object, due: object) -> Record:
    due_text = "" if due is None else text(due)
    moment = from_micros(int(due_text)) if due_text else None
    return Record(kind, id, int(text(version)), decode_payload(payload), moment)
