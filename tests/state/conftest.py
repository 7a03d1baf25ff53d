from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from promocore.state import Store
from tests.state.targets import StoreTarget

BACKENDS = (
    "memory",
    "sqlite",
    "postgres",
    "redis",
    "redis-cluster",
    "postgres-async",
    "redis-async",
)
SHARED_BACKENDS = ("sqlite", "postgres", "redis", "redis-cluster")


def make_target(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, unique_name: str
) -> StoreTarget:
    if backend == "sqlite":
        return StoreTarget("sqlite", str(tmp_path / "state.sqlite3"))
    if backend in ("postgres", "postgres-async"):
        server = request.getfixturevalue("postgres_server")
        return StoreTarget(backend, server.conninfo, unique_name)
    if backend in ("redis", "redis-async"):
        return StoreTarget(backend, request.getfixturevalue("redis_server").url, unique_name)
    if backend == "redis-cluster":
        return StoreTarget(backend, request.getfixturevalue("redis_cluster").url, unique_name)
    return StoreTarget("memory")


@pytest.fixture(params=BACKENDS)
def store_target(request: pytest.FixtureRequest, tmp_path: Path, unique_name: str) -> StoreTarget:
    return make_target(request, request.param, tmp_path, unique_name)


@pytest.fixture(params=SHARED_BACKENDS)
def shared_store_target(
    request: pytest.FixtureRequest, tmp_path: Path, unique_name: str
) -> StoreTarget:
    return make_target(request, request.param, tmp_path, unique_name)


@pytest.fixture
def store(store_target: StoreTarget) -> Iterator[Store]:
    opened = store_target.open()
    yield opened
    opened.close()
