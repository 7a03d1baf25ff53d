"""The same review from memory, from DuckDB (CSV and Parquet) and from a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from promocore.analytics.campaign_report import build_review
from promocore.analytics.html_report import render_html
from promocore.analytics.order_stats import ReviewStats
from promocore.analytics.plan import load_review_plan
from promocore.analytics.reduce import reduce_orders
from promocore.analytics.warehouse import connect, read_table, reduce_table
from promocore.errors import ConfigError, ValidationError
from tests import servers
from tests.analytics.review_builders import (
    arrow_orders,
    columns,
    event_columns,
    sample_events,
    sample_orders,
    sample_path,
)

PLAN = load_review_plan(sample_path("review.toml"))


@pytest.fixture(scope="module")
def in_memory() -> ReviewStats:
    return reduce_orders(
        query=PLAN.query(), **columns(sample_orders()), **event_columns(sample_events())
    )


def test_duckdb_reads_the_csv_files_and_agrees_with_memory(in_memory: ReviewStats) -> None:
    con = connect()
    orders = read_table(sample_path("review_orders.csv"), connection=con)
    events = read_table(sample_path("review_events.csv"), connection=con, kind="events")
    assert reduce_table(orders, PLAN.query(), events=events) == in_memory


def test_duckdb_reads_parquet_and_agrees_with_memory(
    in_memory: ReviewStats, tmp_path: Path
) -> None:
    con = connect()
    csv_orders = read_table(sample_path("review_orders.csv"), connection=con)
    csv_events = read_table(sample_path("review_events.csv"), connection=con, kind="events")
    csv_orders.to_parquet(tmp_path / "orders.parquet")
    csv_events.to_parquet(tmp_path / "events.parquet")
    fresh = connect()
    orders = read_table(tmp_path / "orders.parquet", connection=fresh)
    events = read_table(tmp_path / "events.parquet", connection=fresh, kind="events")
    assert reduce_table(orders, PLAN.query(), events=events) == in_memory


def test_postgres_memory_and_duckdb_give_identical_reviews(
    in_memory: ReviewStats, postgres_server: servers.PostgresServer, unique_name: str
) -> None:
    import ibis
    import pyarrow as pa

    pg = ibis.postgres.connect(
        host=postgres_server.host,
        port=postgres_server.port,
        user=postgres_server.user,
        database=postgres_server.database,
    )
    events = sample_events()
    orders = pg.create_table(f"{unique_name}_orders", arrow_orders(sample_orders()))
    event_table = pg.create_table(
        f"{unique_name}_events",
        pa.table(
            {
                "user_id": [e[0] for e in events],
                "event": [e[1] for e in events],
                "campaign": [e[2] for e in events],
            }
        ),
    )
    from_postgres = reduce_table(orders, PLAN.query(), events=event_table)
    assert from_postgres == in_memory
    con = connect()
    from_duckdb = reduce_table(
        read_table(sample_path("review_orders.csv"), connection=con),
        PLAN.query(),
        events=read_table(sample_path("review_events.csv"), connection=con, kind="events"),
    )
    reports = [build_review(s, PLAN) for s in (in_memory, from_postgres, from_duckdb)]
    dicts = [r.to_dict() for r in reports]
    assert dicts[0] == dicts[1] == dicts[2]
    pages = [render_html(r) for r in reports]
    assert pages[0] == pages[1] == pages[2]


def test_read_table_names_the_file_and_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as missing:
        read_table(tmp_path / "nope.parquet")
    assert str(missing.value) == f"{tmp_path / 'nope.parquet'}:\n  no such file"
    no_amount = tmp_path / "orders.csv"
    no_amount.write_text("customer_id,at\nc1,2026-11-01T00:00:00+08:00\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"amount: column is missing"):
        read_table(no_amount)
    garbled = tmp_path / "bad.csv"
    garbled.write_text("customer_id,at,amount\nc1,yesterday,12\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"orders: query failed: .*Line: 2"):
        reduce_table(read_table(garbled), PLAN.query())
    not_parquet = tmp_path / "orders.parquet"
    not_parquet.write_text("hello", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read"):
        read_table(not_parquet)


def test_reduce_table_refuses_a_customer_in_both_arms(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "customer_id,at,amount,discount,campaign,holdout\n"
        "c1,2026-11-02T00:00:00+08:00,100,0,d11-2026,true\n"
        "c1,2026-11-03T00:00:00+08:00,100,0,d11-2026,false\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"holdout\[campaign 'd11-2026'\]: a customer's"):
        reduce_table(read_table(path), PLAN.query())
