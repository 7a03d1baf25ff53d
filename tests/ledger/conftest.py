from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from promocore.ledger import Ledger, ManualClock
from tests.ledger.targets import BACKENDS, SHARED_BACKENDS, Target

START = datetime(2025, 11, 11, 0, 0, tzinfo=UTC)


def make_target(request: pytest.FixtureRequest, backend: str, tmp_path: Path, name: str) -> Target:
    if backend == "sqlite":
        return Target("sqlite", str(tmp_path / "ledger.sqlite3"))
    if backend in ("postgres", "postgres-async"):
        server = request.getfixturevalue("postgres_server")
        return Target(backend, server.conninfo, name)
    if backend in ("redis", "redis-async"):
        server = request.getfixturevalue("redis_server")
        return Target(backend, server.url, name)
    if backend == "redis-cluster":
        cluster = request.getfixturevalue("redis_cluster")
        return Target(backend, cluster.url, name)
    return Target("memory")


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path, unique_name: str) -> Target:
    return make_target(request, request.param, tmp_path, unique_name)


@pytest.fixture(params=SHARED_BACKENDS)
def shared_target(request: pytest.FixtureRequest, tmp_path: Path, unique_name: str) -> Target:
    return make_target(request, request.param, tmp_path, unique_name)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def ledger(target: Target, clock: ManualClock) -> Iterator[Ledger]:
    opened = target.open(clock)
    yield opened
    opened.close()
