"""Where a test store lives, in a form that other processes can open too."""

from __future__ import annotations

import attrs

from promocore.state import MemoryStore, Store


@attrs.frozen
class StoreTarget:
    """Where a test store lives, in a form that other processes can open too."""

    backend: str
    location: str = ""
    namespace: str = ""

    def open(self) -> Store:
        if self.backend == "sqlite":
            from promocore.state.sqlite import SqliteStore

            return SqliteStore(self.location, durable=False)
        if self.backend == "postgres":
            from promocore.state.postgres import PostgresStore

            return PostgresStore(self.location, schema=self.namespace)
        if self.backend == "redis":
            from promocore.state.redis import RedisStore

            return RedisStore(self.location, prefix=self.namespace + ":")
        return MemoryStore()
