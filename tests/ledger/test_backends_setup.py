"""Constructor and schema checks that need no server."""

from __future__ import annotations

from datetime import datetime

import pytest

from promocore.errors import ValidationError
from promocore.ledger import ManualClock


def test_postgres_arguments_are_checked() -> None:
    pytest.importorskip("psycopg")
    from promocore.ledger.postgres import PostgresLedger, schema_sql

    with pytest.raises(ValidationError, match=r"^schema: "):
        schema_sql("Bad; DROP")
    with pytest.raises(ValidationError, match=r"^schema: "):
        PostgresLedger("host=localhost", schema="x y")
    with pytest.raises(ValidationError, match=r"^conninfo: "):
        PostgresLedger("")
    assert "CREATE TABLE IF NOT EXISTS shop.ledger_accounts" in schema_sql("shop")


def test_redis_prefix_is_checked() -> None:
    pytest.importorskip("redis")
    from promocore.ledger.redis import RedisLedger

    with pytest.raises(ValidationError, match=r"^prefix: "):
        RedisLedger("redis://localhost:1/0", prefix="")


def test_manual_clock_needs_an_aware_start() -> None:
    with pytest.raises(ValidationError, match=r"^start: must be timezone-aware"):
        ManualClock(datetime(2025, 1, 1))
