"""Upgrading a database made by promocore 0.1 needs no manual step; migrations are idempotent."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from promocore.backends.clock import to_micros
from promocore.backends.migrations import LATEST, MIGRATIONS, sqlite_statements
from promocore.backends.postgres import create_schema, schema_sql, schema_version
from promocore.backends.sqlite import schema_version as sqlite_version
from promocore.ledger import AccountSpec, Draw, ManualClock, ReservationStatus
from promocore.money import Money
from tests import servers

NOW = datetime(2026, 11, 11, tzinfo=UTC)
US = to_micros(NOW)


def make_0_1_postgres(conninfo: str, schema: str) -> None:
    """Create the tables as promocore 0.1 did (no migration record) and use them as it did."""
    with psycopg.connect(conninfo, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
        db.execute(MIGRATIONS[0].postgres.replace("{s}", schema), prepare=False)
        db.execute(
            f"INSERT INTO {schema}.ledger_accounts VALUES ('stock', 'stock', NULL, 10),"
            " ('budget', 'budget', 'CNY', 5000)"
        )
        db.execute(
            f"INSERT INTO {schema}.ledger_counters VALUES ('stock', '', 0, 0), ('budget', '', 0, 0)"
        )
        for key in ("old-held", "old-spent"):
            row = db.execute(
                f"SELECT r_outcome FROM {schema}.ledger_reserve(%s, %s, %s, %s,"
                " %s::text[], %s::text[], %s::bigint[], %s::boolean[])",
                (key, "fp-" + key, US, US + 3_600_000_000, ["stock", "budget"], ["", ""],
                 [2, 700], [False, False]),
            ).fetchone()  # fmt: skip
            assert row == ("ok",)
        db.execute(f"SELECT * FROM {schema}.ledger_settle('old-spent', %s, 'committed')", (US,))
        db.execute(
            f"INSERT INTO {schema}.state_records VALUES ('team', 't1', 3, '{{\"n\": 3}}', NULL)"
        )


def test_a_0_1_postgres_schema_is_upgraded_on_first_use(
    postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    from promocore.ledger.postgres import PostgresLedger
    from promocore.state.postgres import PostgresStore

    conninfo = postgres_server.conninfo
    make_0_1_postgres(conninfo, unique_name)
    assert schema_version(conninfo, schema=unique_name) == 0
    ledger = PostgresLedger(conninfo, schema=unique_name, clock=ManualClock(NOW))
    held = ledger.reservation("old-held")
    assert held is not None and held.status is ReservationStatus.HELD
    assert held.granted("budget") == 700
    spent = ledger.reservation("old-spent")
    assert spent is not None and spent.status is ReservationStatus.COMMITTED
    stock = ledger.balance("stock")
    assert (stock.reserved, stock.committed) == (2, 2)
    assert schema_version(conninfo, schema=unique_name) == LATEST
    done = ledger.reserve_and_commit("new", [Draw.stock("stock", 6)])
    assert done.status is ReservationStatus.COMMITTED
    assert ledger.balance("stock").available == 0
    ledger.commit("old-held")
    clock_later = NOW + timedelta(days=30)
    assert ledger.purge(timedelta(days=1), now=clock_later) == 3
    store = PostgresStore(conninfo, schema=unique_name)
    record = store.get("team", "t1")
    assert record is not None and (record.version, record.payload) == (3, {"n": 3})
    ledger.close()
    store.close()
    with psycopg.connect(conninfo, autocommit=True) as db:  # 0.1's functions still work
        row = db.execute(
            f"SELECT r_outcome FROM {unique_name}.ledger_reserve(%s, %s, %s, %s,"
            " %s::text[], %s::text[], %s::bigint[], %s::boolean[])",
            ("rolling", "fp", US, US + 1, ["budget"], [""], [1], [False]),
        ).fetchone()  # fmt: skip
        assert row == ("ok",)
        versions = db.execute(
            f"SELECT version, name FROM {unique_name}.promocore_migrations ORDER BY version"
        ).fetchall()
    assert [v for v, _ in versions] == [m.version for m in MIGRATIONS]


def test_create_schema_is_idempotent_and_safe_to_run_at_once(
    postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    conninfo = postgres_server.conninfo
    applied: list[list[int]] = []
    lock = threading.Lock()

    def run() -> None:
        versions = create_schema(conninfo, schema=unique_name)
        with lock:
            applied.append(versions)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(applied, key=len) == [[], [], [], [m.version for m in MIGRATIONS]]
    assert create_schema(conninfo, schema=unique_name) == []
    assert schema_version(conninfo, schema=unique_name) == LATEST


def test_schema_sql_is_what_create_schema_applies(
    postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    from promocore.ledger.postgres import PostgresLedger

    text = schema_sql(unique_name)
    assert text.count("promocore_migrations (version, name)") == len(MIGRATIONS)
    with psycopg.connect(postgres_server.conninfo, autocommit=True) as db:
        db.execute(text, prepare=False)
    assert create_schema(postgres_server.conninfo, schema=unique_name) == []
    ledger = PostgresLedger(postgres_server.conninfo, schema=unique_name, migrate=False)
    ledger.define(AccountSpec.budget("b", Money(100, "CNY")))
    assert ledger.balance("b").available == 100
    ledger.close()


def test_a_0_1_sqlite_file_is_upgraded_on_first_use(tmp_path: Path) -> None:
    from promocore.ledger.sqlite import SqliteLedger
    from promocore.state.sqlite import SqliteStore

    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for statement in sqlite_statements(MIGRATIONS[0].sqlite):
        db.execute(statement)
    db.execute("INSERT INTO ledger_accounts VALUES ('stock', 'stock', NULL, 10)")
    db.execute("INSERT INTO ledger_counters VALUES ('stock', '', 3, 0)")
    db.execute(
        "INSERT INTO ledger_reservations VALUES"
        " ('old', 'fp', '[[\"stock\",\"\",3,3]]', 'held', ?, ?, NULL)",
        (US + 3_600_000_000, US),
    )
    db.execute("INSERT INTO state_records VALUES ('team', 't1', 2, '{\"n\":2}', NULL)")
    assert sqlite_version(db) == 0
    db.close()
    ledger = SqliteLedger(path, clock=ManualClock(NOW))
    assert ledger.commit("old").granted("stock") == 3
    assert ledger.balance("stock").committed == 3
    assert ledger.purge(timedelta(0), now=NOW + timedelta(seconds=1)) == 1
    store = SqliteStore(path)
    record = store.get("team", "t1")
    assert record is not None and record.payload == {"n": 2}
    check = sqlite3.connect(path)
    assert sqlite_version(check) == LATEST
    indexes = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "ledger_reservations_closed" in indexes
    check.close()
    ledger.close()
    store.close()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    assert all(m.postgres.strip() and m.sqlite.strip() for m in MIGRATIONS)
    with pytest.raises(Exception, match="schema"):
        schema_sql("Bad; DROP")
