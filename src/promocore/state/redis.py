"""A store in Redis or Redis Cluster (the ``promocore[redis]`` extra); every write is one script.

Keys, under the store's prefix ``P``: ``P rec:<kind>:<id>`` is a hash with the
version ``v``, the JSON payload ``p``, the due time ``d`` (microseconds since
the Unix epoch, empty when none) and the token ``w`` of the save that wrote it;
``P due:<kind>`` is a sorted set of the ids of that kind by due time. Kinds cannot
contain ``:``, so keys never clash. On Redis Cluster the prefix holds a hash tag, so
all of them share a slot. Connections, ``EVALSHA``, redirections, failovers and
``WAIT`` are handled by [`RedisRunner`][promocore.backends.redis.RedisRunner]: a save
whose reply was lost is sent again, and the token tells it that the record it finds
one version ahead is its own write.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from promocore.backends.clock import from_micros, to_micros
from promocore.backends.redis import (
    DEFAULT_RETRY_FOR,
    DEFAULT_WAIT_TIMEOUT,
    AsyncRedisRunner,
    RedisRunner,
    Script,
    check_durability,
    check_prefix,
    connect,
    connect_async,
    hash_tag,
    is_cluster,
    text,
)
from promocore.errors import ValidationError
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

#: ARGV: prefix, kind, id, expected version, payload, due ("" for none), token.
_SAVE = """
local P, kind, id, expected = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = P .. 'rec:' .. kind .. ':' .. id
local found = redis.call('HMGET', key, 'v', 'w')
local actual = found[1] or '0'
local version = string.format('%d', tonumber(expected) + 1)
if actual ~= expected then
  if actual == version and found[2] == ARGV[7] then return {'ok', version} end
  return {'conflict', actual}
end
redis.call('HSET', key, 'v', version, 'p', ARGV[5], 'd', ARGV[6], 'w', ARGV[7])
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


class _RedisStoreCodec:
    def __init__(self, prefix: str, cluster: bool) -> None:
        self._prefix = check_prefix(prefix)
        if cluster and hash_tag(self._prefix) is None:
            raise ValidationError.single(
                "prefix", "must hold a hash tag on Redis Cluster, such as '{promo}:'"
            )
        self._anchor = self._prefix + "store"

    def _key(self, kind: str, id: str) -> str:
        return f"{self._prefix}rec:{kind}:{id}"

    def _save_args(
        self, kind: str, id: str, payload: JSONObject, expected_version: int, due: datetime | None
    ) -> tuple[list[object], str, str]:
        payload_text = check_save(kind, id, payload, expected_version, due)
        due_text = "" if due is None else str(to_micros(due))
        token = os.urandom(8).hex()
        args: list[object] = [
            self._prefix, kind, id, str(expected_version), payload_text, due_text, token
        ]  # fmt: skip
        return args, payload_text, due_text

    def _saved(
        self,
        kind: str,
        id: str,
        expected_version: int,
        payload_text: str,
        due_text: str,
        reply: Any,
    ) -> Record:
        head, version = (text(v) for v in reply)
        if head == "conflict":
            raise VersionConflictError(kind, id, expected_version, int(version))
        return _record(kind, id, version, payload_text, due_text)

    def _records(self, kind: str, reply: Any) -> list[Record]:
        return [
            _record(kind, text(reply[i]), reply[i + 1], reply[i + 2], reply[i + 3])
            for i in range(0, len(reply), 4)
            if reply[i + 1] is not None
        ]


_SAVE_SCRIPT = Script(_SAVE)
_DELETE_SCRIPT = Script(_DELETE)
_DUE_SCRIPT = Script(_DUE)


class RedisStore(_RedisStoreCodec):
    """A [`Store`][promocore.state.Store] in Redis or Redis Cluster.

    On Redis Cluster the prefix must hold a hash tag (``"{promo}:"``), so that a record and
    its kind's due index share a slot; use separate prefixes to spread stores over masters.

    Args:
        client: A ``redis.Redis`` or ``redis.cluster.RedisCluster`` client, or a URL
            (``redis://host:6379/0``; ``redis+cluster://host:7000`` for a cluster).
        prefix: Prepended to every key the store uses.
        replicas: How many replicas must confirm each write (``WAIT``); 0 to not wait.
        wait_timeout: How long to wait for them.
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "promocore:",
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        check_durability(replicas, wait_timeout, retry_for)
        self._owned = isinstance(client, str)
        redis = connect(client)
        super().__init__(prefix, is_cluster(redis))
        self._run = RedisRunner(
            redis, self._anchor, replicas=replicas, wait_timeout=wait_timeout, retry_for=retry_for
        )

    def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        version, payload, due = self._run.read("HMGET", self._key(kind, id), "v", "p", "d")
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
        args, payload_text, due_text = self._save_args(kind, id, payload, expected_version, due)
        reply = self._run.run(_SAVE_SCRIPT, args)
        return self._saved(kind, id, expected_version, payload_text, due_text, reply)

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        reply = self._run.run(_DELETE_SCRIPT, [self._prefix, kind, id, expected_version])
        if text(reply[0]) == "conflict":
            raise VersionConflictError(kind, id, expected_version, int(text(reply[1])))

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        reply = self._run.run(_DUE_SCRIPT, [self._prefix, kind, to_micros(before), limit])
        return self._records(kind, reply)

    def close(self) -> None:
        """Close the client if the store opened it from a URL."""
        if self._owned:
            self._run.close()


class AsyncRedisStore(_RedisStoreCodec):
    """An [`AsyncStore`][promocore.state.protocol.AsyncStore] in Redis (``redis.asyncio``).

    The same scripts and keys as [`RedisStore`][promocore.state.redis.RedisStore].

    Args:
        client: A ``redis.asyncio.Redis`` or ``redis.asyncio.cluster.RedisCluster`` client, or
            a URL as for ``RedisStore``.
        prefix: Prepended to every key the store uses.
        replicas: How many replicas must confirm each write (``WAIT``; not on a cluster).
        wait_timeout: How long to wait for them.
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "promocore:",
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        check_durability(replicas, wait_timeout, retry_for)
        self._owned = isinstance(client, str)
        redis = connect_async(client)
        super().__init__(prefix, is_cluster(redis))
        self._run = AsyncRedisRunner(
            redis, self._anchor, replicas=replicas, wait_timeout=wait_timeout, retry_for=retry_for
        )

    async def get(self, kind: str, id: str) -> Record | None:
        """Return the record, or ``None`` (see `Store.get`)."""
        check_address(kind, id)
        found = await self._run.read("HMGET", self._key(kind, id), "v", "p", "d")
        version, payload, due = found
        if version is None:
            return None
        return _record(kind, id, version, payload, due)

    async def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        """Write a record if it is still at ``expected_version`` (see `Store.save`)."""
        args, payload_text, due_text = self._save_args(kind, id, payload, expected_version, due)
        reply = await self._run.run(_SAVE_SCRIPT, args)
        return self._saved(kind, id, expected_version, payload_text, due_text, reply)

    async def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        """Delete a record if it is still at ``expected_version``."""
        check_delete(kind, id, expected_version)
        reply = await self._run.run(_DELETE_SCRIPT, [self._prefix, kind, id, expected_version])
        if text(reply[0]) == "conflict":
            raise VersionConflictError(kind, id, expected_version, int(text(reply[1])))

    async def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        """Return records of ``kind`` due at or before ``before`` (see `Store.due`)."""
        check_due_query(kind, before, limit)
        reply = await self._run.run(_DUE_SCRIPT, [self._prefix, kind, to_micros(before), limit])
        return self._records(kind, reply)

    async def close(self) -> None:
        """Close the client if the store opened it from a URL."""
        if self._owned:
            await self._run.close()


def _record(kind: str, id: str, version: object, payload: object, due: object) -> Record:
    due_text = "" if due is None else text(due)
    moment = from_micros(int(due_text)) if due_text else None
    return Record(kind, id, int(text(version)), decode_payload(payload), moment)
