"""PostgreSQL connections: own pools, the application's pool or connection, pipelines."""

from __future__ import annotations

import psycopg
import psycopg_pool
import pytest

from promocore.backends.postgres import PostgresDatabase
from promocore.errors import ValidationError
from promocore.ledger import AccountSpec, Draw
from promocore.ledger.postgres import PostgresLedger
from tests import servers


def test_a_pipeline_runs_each_statement_in_its_own_transaction(
    postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    db = PostgresDatabase(postgres_server.conninfo, unique_name)
    results = db.pipeline([("SELECT txid_current()", ())] * 3)
    assert len({rows[0][0] for rows in results}) == 3
    db.close()


def test_the_application_s_pool_and_connection_serve_the_ledger(
    postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    with psycopg_pool.ConnectionPool(
        postgres_server.conninfo, min_size=1, max_size=2, kwargs={"autocommit": True}
    ) as pool:
        pooled = PostgresLedger(pool, schema=unique_name)
        pooled.define(AccountSpec.stock("stock", 5))
        pooled.reserve_and_commit("a", [Draw.stock("stock", 2)])
        pooled.close()  # the application's pool stays open
        with pool.connection() as conn:
            assert not conn.closed
    with psycopg.connect(postgres_server.conninfo) as conn:  # not in autocommit mode
        own = PostgresLedger(conn, schema=unique_name)
        own.reserve_and_commit("b", [Draw.stock("stock", 1)])
        conn.rollback()  # the ledger's work was part of the application's transaction
        assert own.balance("stock").committed == 2
        own.reserve_and_commit("c", [Draw.stock("stock", 1)])
        conn.commit()
        assert own.balance("stock").committed == 3
        own.close()


def test_a_source_must_be_a_string_pool_or_connection() -> None:
    with pytest.raises(ValidationError, match=r"^source: "):
        PostgresLedger(42)
    with pytest.raises(ValidationError, match=r"^max_size: "):
        PostgresLedger("host=localhost", min_size=3, max_size=2)
