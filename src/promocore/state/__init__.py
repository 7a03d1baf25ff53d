"""State of the promotion games, kept with optimistic versions.

Bargain sessions, presale orders, group-buy teams and commission records are
state machines: pure transitions over frozen attrs values. A :class:`Store`
keeps their current state as :class:`Record` payloads (JSON objects) with a
kind, an id, a version and an optional due time. Writes are compare-and-set:
:meth:`Store.save` names the version it read, and a writer that lost a race
gets a :class:`VersionConflictError` and tries again, which :func:`update` and
:meth:`TypedStore.update` do for you. :class:`TypedStore` with a :class:`Codec`
stores attrs objects directly.

Backends: :class:`MemoryStore` (default, one process), and
:class:`~promocore.state.sqlite.SqliteStore`,
:class:`~promocore.state.postgres.PostgresStore` and
:class:`~promocore.state.redis.RedisStore` (imported from their modules).
"""

from promocore.state.errors import (
    RecordDecodeError,
    RecordNotFoundError,
    StoreError,
    VersionConflictError,
)
from promocore.state.memory import MemoryStore
from promocore.state.protocol import Store
from promocore.state.record import JSONObject, Record
from promocore.state.retry import Change, retry_on_conflict, update
from promocore.state.typed import Codec, TypedStore, Versioned, make_converter

__all__ = [
    "Change",
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
    "retry_on_conflict",
    "update",
]
