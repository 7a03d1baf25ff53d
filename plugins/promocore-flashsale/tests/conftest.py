"""Ledgers the flash-sale tests run against.

SQLite always; PostgreSQL and Redis too when promocore's repository test servers
(``tests/servers.py`` and the ``postgres_server`` and ``redis_server`` fixtures of
``tests/conftest.py``) are there, as they are in the promocore repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from flashsale_targets import LedgerTarget

_REPOSITORY = Path(__file__).resolve().parents[3]
SHARED_BACKENDS: tuple[str, ...] = ("sqlite",)  # the distribution tested on its own
if (_REPOSITORY / "tests" / "servers.py").is_file():
    if str(_REPOSITORY) not in sys.path:
        sys.path.insert(0, str(_REPOSITORY))
    from tests.conftest import postgres_server, redis_server, unique_name  # noqa: F401

    SHARED_BACKENDS = ("sqlite", "postgres", "redis")


@pytest.fixture(params=SHARED_BACKENDS)
def shared_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerTarget:
    """Where a ledger that several processes open lives."""
    backend = request.param
    if backend == "sqlite":
        return LedgerTarget("sqlite", str(tmp_path / "flash.sqlite3"))
    name = request.getfixturevalue("unique_name")
    if backend == "postgres":
        from promocore.ledger.postgres import create_schema

        server = request.getfixturevalue("postgres_server")
        create_schema(server.conninfo, schema=name)
        return LedgerTarget("postgres", server.conninfo, name)
    return LedgerTarget("redis", request.getfixturevalue("redis_server").url, name)
