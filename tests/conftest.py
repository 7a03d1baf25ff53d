"""Fixtures shared by the whole test suite.

Server fixtures: ``redis_server`` and ``postgres_server`` start one throw-away
server per test session (see :mod:`tests.servers`). When a server binary is
missing, tests that need it are skipped, except under ``CI=true``, where a
missing server fails the run.

Hypothesis runs under the ``promocore-suite`` profile: no per-example deadline
and no "too slow" health check, because the suite runs on shared machines whose
load says nothing about the code under test. Example counts stay as each test
sets them.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, settings

from tests import servers

settings.register_profile(
    "promocore-suite",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("promocore-suite")


def running_in_ci() -> bool:
    """Whether the environment says this is a CI run (``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def server_unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it when running in CI."""
    if running_in_ci():
        pytest.fail(f"{reason} (CI=true: a missing server fails the run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[servers.RedisServer]:
    """A redis-server running for the whole session."""
    binary = servers.find_redis_server()
    if binary is None:
        server_unavailable(
            "redis-server is not installed (apt-get install redis-server, or set"
            " PROMOCORE_REDIS_SERVER)"
        )
    try:
        import redis  # noqa: F401
    except ImportError:
        server_unavailable("redis-py is not installed (pip install 'promocore[redis]')")
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(servers.run_redis(binary))
        except servers.ServerError as error:
            pytest.fail(str(error), pytrace=False)
        yield server


def _redis_binary() -> str:
    binary = servers.find_redis_server()
    if binary is None:
        server_unavailable(
            "redis-server is not installed (apt-get install redis-server, or set"
            " PROMOCORE_REDIS_SERVER)"
        )
    try:
        import redis  # noqa: F401
    except ImportError:
        server_unavailable("redis-py is not installed (pip install 'promocore[redis]')")
    return binary


@pytest.fixture(scope="session")
def redis_cluster() -> Iterator[servers.RedisCluster]:
    """A six-node Redis Cluster (three masters, one replica each) for the whole session."""
    binary = _redis_binary()
    if servers.find_redis_cli(binary) is None:
        server_unavailable("redis-cli is not installed (apt-get install redis-tools)")
    with contextlib.ExitStack() as stack:
        try:
            cluster = stack.enter_context(servers.run_redis_cluster(binary))
        except servers.ServerError as error:
            pytest.fail(str(error), pytrace=False)
        yield cluster


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[servers.PostgresServer]:
    """A PostgreSQL cluster running for the whole session (initdb runs once)."""
    bin_dir = servers.find_postgres_bin()
    if bin_dir is None:
        server_unavailable(
            "PostgreSQL server binaries (initdb, postgres) were not found (apt-get install"
            " postgresql, or set PROMOCORE_PG_BIN)"
        )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        server_unavailable("psycopg is not installed (pip install 'promocore[postgres]')")
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(servers.run_postgres(bin_dir))
        except servers.ServerError as error:
            pytest.fail(str(error), pytrace=False)
        yield server


@pytest.fixture
def unique_name() -> str:
    """A fresh lower-case identifier, to keep tests sharing a server apart."""
    return "t" + uuid.uuid4().hex[:16]
