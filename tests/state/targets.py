"""Where a test store lives, in a form that other processes can open too."""

from __future__ import annotations

from typing import cast

import attrs

from promocore.state import MemoryStore, Store
from tests.ledger.targets import SyncBridge


@attrs.frozen
class StoreTarget:
    """Where a test store lives, in a form that other processes can open too."""

    backend: str
    location: str = ""
    namespace: str = ""

    @property
    def prefix(self) -> str:
        """The Redis key prefix: a hash tag on a cluster."""
        if self.backend == "redis-cluster":
            return "{" + self.namespace + "}:"
        return self.namespace + ":"

    def open(self) -> Store:
        if self.backend == "sqlite":
            from promocore.state.sqlite import SqliteStore

            return SqliteStore(self.location, durable=False)
        if self.backend == "postgres":
            from promocore.state.postgres import PostgresStore

            return PostgresStore(self.location, schema=self.namespace)
        if self.backend in ("redis", "redis-cluster"):
            from promocore.state.redis import RedisStore

            return RedisStore(self.location, prefix=self.prefix)
        if self.backend == "postgres-async":
            from promocore.state.postgres import AsyncPostgresStore

            return cast(
                Store,
                SyncBridge(lambda: AsyncPostgresStore(self.location, schema=self.namespace)),
            )
        if self.backend == "redis-async":
            from promocore.state.redis import AsyncRedisStore

            return cast(
                Store, SyncBridge(lambda: AsyncRedisStore(self.location, prefix=self.prefix))
            )
        return MemoryStore()
