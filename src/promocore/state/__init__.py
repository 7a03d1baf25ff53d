"""State of the promotion games, kept with optimistic versions.

Bargain sessions, presale orders, group-buy teams and commission records are
state machines: pure transitions over frozen attrs values. A
[`Store`][promocore.state.protocol.Store] keeps their current state as
[`Record`][promocore.state.record.Record] payloads (JSON objects) with a kind, an id, a version and
an optional due time. Writes are compare-and-set:
[`Store.save`][promocore.state.protocol.Store.save] names the version it read, and a writer that
lost a race gets a [`VersionConflictError`][promocore.state.errors.VersionConflictError] and tries
again, which the game [`Runner`][promocore.games.runtime.Runner] does for you.
[`TypedStore`][promocore.state.typed.TypedStore] with a [`Codec`][promocore.state.typed.Codec]
stores attrs objects directly.

Backends: [`MemoryStore`][promocore.state.memory.MemoryStore] (default, one process), and
[`SqliteStore`][promocore.state.sqlite.SqliteStore],
[`PostgresStore`][promocore.state.postgres.PostgresStore] and
[`RedisStore`][promocore.state.redis.RedisStore] (imported from their modules).
"""

from promocore.state.errors import (
    RecordDecodeError,
    RecordNotFoundError,
    StoreError,
    VersionConflictError,
)
from promocore.state.memory import MemoryStore
from promocore.state.protocol import AsyncStore, Store
from promocore.state.record import JSONObject, Record
from promocore.state.typed import Codec, TypedStore, Versioned, make_converter

__all__ = [
    "AsyncStore",
    "Codec",
    "JSONObject",
    "MemoryStore",
    "Record",
    "RecordDecodeError",
    "RecordNotFoundError",
    "Store",
    "StoreError",
    "TypedStore",
    "VersionConflictError",
    "Versioned",
    "make_converter",
]
