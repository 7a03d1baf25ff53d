from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from promocore.state import MemoryStore, Store

BACKENDS = ("memory", "sqlite", "postgres", "redis")


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


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path, unique_name: str) -> StoreTarget:
    backend: str = request.param
    if backend == "sqlite":
        return StoreTarget("sqlite", str(tmp_path / "state.sqlite3"))
    if backend == "postgres":
        from promocore.state.postgres import create_schema

        server = request.getfixturevalue("postgres_server")
        create_schema(server.conninfo, schema=unique_name)
        return StoreTarget("postgres", server.conninfo, unique_name)
    if backend == "redis":
        return StoreTarget("redis", request.getfixturevalue("redis_server").url, unique_name)
    return StoreTarget("memory")


@pytest.fixture
def store(store_target: StoreTarget) -> Iterator[Store]:
    opened = store_target.open()
    yield opened
    opened.close()
