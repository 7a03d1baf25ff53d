"""The campaign review computed where the data lives: ibis expressions over order tables.

[`reduce_table`][promocore.analytics.warehouse.reduce_table] turns an order table (and
optionally an event table) into [`ReviewStats`][promocore.analytics.order_stats.ReviewStats]
with a handful of ``GROUP BY`` queries: counts, exact sums and sums of squares per
campaign, arm, segment, day and cohort. Only those few hundred numbers leave the
database; everything else (intervals, goals, alerts, charts) is computed from them
by the same code as in memory, so the numbers are identical to
[`reduce_orders`][promocore.analytics.reduce.reduce_orders] on the same rows.

The expressions are ibis expressions, so the same code runs on every backend ibis
compiles to: DuckDB (the embedded default, which also reads CSV and Parquet files:
[`read_table`][promocore.analytics.warehouse.read_table]), PostgreSQL, and the
warehouses (Spark, BigQuery, Snowflake, ClickHouse, Trino...). Money sums are cast
to ``DECIMAL(38, 0)`` before they are added or multiplied, so they stay exact on
every engine.

Requires the ``warehouse`` extra (``pip install 'promocore[warehouse]'``); ibis and
DuckDB are imported when these functions are called, not by ``import promocore``.

The order table has the columns ``customer_id``, ``at`` (timestamp with time zone),
``amount`` (integer minor units) and optionally ``discount`` (integer minor units),
``campaign`` (text, null for none) and ``holdout`` (boolean). The event table has
``user_id``, ``event`` (a stage name) and ``campaign``.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from promocore.analytics.order_stats import (
    DAY,
    CohortCell,
    DayStats,
    FunnelCounts,
    GroupStats,
    ReviewQuery,
    ReviewStats,
    epoch_seconds,
    period_of,
)
from promocore.errors import ConfigError, Problem, ValidationError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["connect", "read_table", "reduce_table", "review_sql"]

#: Columns of the order table: required ones first.
ORDER_COLUMNS = ("customer_id", "at", "amount", "discount", "campaign", "holdout")
REQUIRED_ORDER_COLUMNS = ("customer_id", "at", "amount")
EVENT_COLUMNS = ("user_id", "event", "campaign")

_EXACT = "decimal(38, 0)"


def _ibis() -> Any:
    try:
        import ibis
    except ImportError:  # pragma: no cover - exercised without the extra only
        raise ConfigError(
            [Problem("", "needs the warehouse extra: pip install 'promocore[warehouse]'")]
        ) from None
    return ibis


def connect(url: str | None = None) -> Any:
    """Return an ibis connection: in-memory DuckDB by default, else whatever ``url`` names.

    Args:
        url: An ibis connection URL (``duckdb:///file.db``,
            ``postgres://user@host:5432/db``, ``bigquery://project``...), or None.
    """
    ibis = _ibis()
    if url is None:
        return ibis.duckdb.connect()
    return ibis.connect(url)


def read_table(path: str | Path, *, connection: Any = None, kind: str = "orders") -> ir.Table:
    """Open a CSV or Parquet file as a table of a DuckDB connection (no copy for Parquet).

    Args:
        path: The file; ``.csv`` files are read with the columns typed as the
            review expects (instants with their UTC offset), other files as Parquet.
        connection: A DuckDB connection from [`connect`][promocore.analytics.warehouse.connect];
            a new in-memory one by default.
        kind: ``"orders"`` or ``"events"``: which columns to expect.

    Raises:
        ConfigError: the file is missing, unreadable, or lacks a required column.
    """
    source = str(path)
    con = connection if connection is not None else connect()
    if not Path(source).is_file():
        raise ConfigError([Problem("", "no such file")], source)
    try:
        if source.lower().endswith(".csv"):
            present = _csv_header(source)
            types = {k: v for k, v in _csv_types(kind).items() if k in present}
            table = con.read_csv(source, types=types)
        else:
            table = con.read_parquet(source)
    except Exception as exc:  # the engines raise their own error types
        raise ConfigError([Problem("", f"cannot be read: {_first_line(exc)}")], source) from None
    required = REQUIRED_ORDER_COLUMNS if kind == "orders" else EVENT_COLUMNS
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ConfigError([Problem(c, "column is missing") for c in missing], source)
    return table


def _csv_header(path: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return next(csv.reader(f), [])


def _csv_types(kind: str) -> dict[str, str]:
    if kind == "orders":
        return {
            "customer_id": "VARCHAR",
            "at": "TIMESTAMPTZ",
            "amount": "BIGINT",
            "discount": "BIGINT",
            "campaign": "VARCHAR",
            "holdout": "BOOLEAN",
        }
    return {"user_id": "VARCHAR", "event": "VARCHAR", "campaign": "VARCHAR"}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _int(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, Decimal | int | float):
        return int(value)
    raise TypeError(f"expected a number from the database, got {type(value).__name__}")


def _rows(expr: ir.Table) -> list[dict[str, Any]]:
    try:
        rows: list[dict[str, Any]] = expr.to_pyarrow().to_pylist()
    except Exception as exc:  # the engines raise their own error types
        # Values that do not parse (a CSV cell that is no instant) surface here, when read.
        raise ValidationError.single("orders", f"query failed: {_first_line(exc)}") from None
    return rows


def reduce_table(
    orders: ir.Table, query: ReviewQuery, *, events: ir.Table | None = None
) -> ReviewStats:
    """Reduce an order table (and an event table) to the statistics a review needs, in the engine.

    Args:
        orders: The order table (any ibis backend).
        query: Campaigns, the moment of the review and how to group.
        events: The event table for funnels, on the same backend, or None.

    Returns:
        The same [`ReviewStats`][promocore.analytics.order_stats.ReviewStats] as
        [`reduce_orders`][promocore.analytics.reduce.reduce_orders] on the same rows.

    Raises:
        ValidationError: a required column is missing, a customer is both treated
            and held out in one campaign, or the engine refused a query (a value of
            the wrong type, say).
    """
    ibis = _ibis()
    missing = [c for c in REQUIRED_ORDER_COLUMNS if c not in orders.columns]
    if missing:
        raise ValidationError([Problem(f"orders.{c}", "column is missing") for c in missing])
    t = _prepared(ibis, orders, query)
    if _backend_name(ibis, t) == "duckdb":
        # Every query reads the orders: DuckDB keeps the few columns they need in memory.
        try:
            t = t.cache()
        except Exception as exc:  # the engine's own error types
            raise ValidationError.single("orders", f"query failed: {_first_line(exc)}") from None
    groups, days = _campaign_stats(ibis, t, query)
    cohorts = _cohorts(ibis, t, query)
    funnels = () if events is None else _funnels(ibis, events, query)
    return ReviewStats(query=query, groups=groups, days=days, cohorts=cohorts, funnels=funnels)


def _seconds(ibis: Any, at: ir.Value) -> ir.Value:
    """Whole seconds since 1970 (rounded down) of a timestamp column."""
    if _backend_name(ibis, at) == "duckdb":
        # ibis casts a TIMESTAMPTZ to TIMESTAMP first, ten times slower than epoch_us.
        from promocore.analytics._duckdb import epoch_us

        return epoch_us(at) // 1_000_000
    return at.epoch_seconds().cast("int64")


def _backend_name(ibis: Any, expr: ir.Value) -> str | None:
    try:
        return str(ibis.get_backend(expr).name)
    except Exception:  # an unbound expression: no backend to specialise for
        return None


def _prepared(ibis: Any, orders: ir.Table, query: ReviewQuery) -> ir.Table:
    cols = orders.columns
    t = orders.mutate(
        s=_seconds(ibis, orders["at"]),
        amount=orders["amount"].cast("int64"),
        discount=(orders["discount"].fill_null(0) if "discount" in cols else ibis.literal(0)).cast(
            "int64"
        ),
        campaign=(
            orders["campaign"].cast("string").fill_null("")
            if "campaign" in cols
            else ibis.literal("")
        ),
        holdout=(
            orders["holdout"].cast("boolean").fill_null(False)
            if "holdout" in cols
            else ibis.literal(False)
        ),
    )
    t = t.select("customer_id", "s", "amount", "discount", "campaign", "holdout")
    return t.filter(t.s < query.now_s)


def _exact(column: ir.Value) -> ir.Value:
    return column.cast(_EXACT)


def _flag(ibis: Any, condition: ir.Value) -> ir.Value:
    """1 where ``condition`` holds, else 0 (PostgreSQL cannot cast a boolean to an integer)."""
    return ibis.ifelse(condition, 1, 0).cast("int64")


def _campaign_exprs(ibis: Any, t: ir.Table, query: ReviewQuery) -> tuple[ir.Table, ir.Table]:
    """The per-group and per-day queries of the campaigns."""
    windows = ibis.memtable(
        {
            "w_campaign": [c.name for c in query.campaigns],
            "lo": [epoch_seconds(c.start) for c in query.campaigns],
            "hi": [min(epoch_seconds(c.end), query.now_s) for c in query.campaigns],
        }
    )
    c = t.join(windows, t.campaign == windows.w_campaign)
    c = c.filter((c.s >= c.lo) & (c.s < c.hi))
    held = _flag(ibis, c.holdout)
    pairs = c.group_by(["campaign", "customer_id"]).aggregate(
        first_c=c.s.min(),
        lo=c.lo.min(),
        orders=c.count(),
        revenue=_exact(c.amount).sum(),
        revenue_sq=(_exact(c.amount) * _exact(c.amount)).sum(),
        discount=_exact(c.discount).sum(),
        redeemed=_flag(ibis, c.discount > 0).sum(),
        held_any=held.max(),
        held_all=held.min(),
    )
    first = t.group_by("customer_id").aggregate(first_s=t.s.min())
    window = query.repurchase_days * DAY
    later = t.select(r_customer=t.customer_id, r_s=t.s)
    again = (
        pairs.join(
            later,
            [
                pairs.customer_id == later.r_customer,
                later.r_s > pairs.first_c,
                later.r_s <= pairs.first_c + window,
            ],
        )
        .select(a_campaign=pairs.campaign, a_customer=pairs.customer_id)
        .distinct()
    )
    p = pairs.join(first, "customer_id").left_join(
        again,
        [pairs.campaign == again.a_campaign, pairs.customer_id == again.a_customer],
    )
    p = p.mutate(
        segment=ibis.ifelse(p.first_c == p.first_s, "new", "returning"),
        eligible=_flag(ibis, p.first_c + window <= query.now_s),
        repeat=_flag(ibis, p.a_customer.notnull()),
    )
    summary = p.group_by(["campaign", "held_any", "segment"]).aggregate(
        orders=p.orders.sum(),
        revenue=p.revenue.sum(),
        revenue_sq=p.revenue_sq.sum(),
        discount=p.discount.sum(),
        redeemed=p.redeemed.sum(),
        customers=p.count(),
        customer_revenue_sq=(p.revenue * p.revenue).sum(),
        customer_discount_sq=(p.discount * p.discount).sum(),
        customer_revenue_discount=(p.revenue * p.discount).sum(),
        repurchase_eligible=p.eligible.sum(),
        repurchased=(p.eligible * p.repeat).sum(),
        mixed=_flag(ibis, p.held_any != p.held_all).sum(),
    )
    starts = ibis.memtable(
        {
            "d_campaign": [c.name for c in query.campaigns],
            "start_s": [epoch_seconds(c.start) for c in query.campaigns],
        }
    )
    d = c.join(starts, c.campaign == starts.d_campaign)
    d = d.mutate(day=(d.s - d.start_s) // DAY)
    per_day = d.group_by(["campaign", "holdout", "day"]).aggregate(
        orders=d.count(),
        revenue=_exact(d.amount).sum(),
        discount=_exact(d.discount).sum(),
        redeemed=_flag(ibis, d.discount > 0).sum(),
    )
    return summary, per_day


def _campaign_stats(
    ibis: Any, t: ir.Table, query: ReviewQuery
) -> tuple[tuple[GroupStats, ...], tuple[DayStats, ...]]:
    if not query.campaigns:
        return (), ()
    summary, per_day = _campaign_exprs(ibis, t, query)
    groups: list[GroupStats] = []
    problems: list[Problem] = []
    for row in _rows(summary):
        if _int(row.pop("mixed")):
            problems.append(
                Problem(
                    f"holdout[campaign {row['campaign']!r}]",
                    "a customer's orders are both held out and treated",
                )
            )
        groups.append(
            GroupStats(
                campaign=str(row.pop("campaign")),
                holdout=bool(row.pop("held_any")),
                segment=str(row.pop("segment")),
                **{k: _int(v) for k, v in row.items()},
            )
        )
    if problems:
        raise ValidationError(problems)
    days = [
        DayStats(
            campaign=str(row["campaign"]),
            holdout=bool(row["holdout"]),
            day=_int(row["day"]),
            orders=_int(row["orders"]),
            revenue=_int(row["revenue"]),
            discount=_int(row["discount"]),
            redeemed=_int(row["redeemed"]),
        )
        for row in _rows(per_day)
    ]
    return tuple(sorted(groups)), tuple(sorted(days))


def _period_table(ibis: Any, query: ReviewQuery, first: int, last: int) -> ir.Table:
    """A small table from local day (since 1970) to cohort period, for days ``first..last``.

    Joining it is cheaper than computing the calendar per order in SQL, and any
    engine can do it; the periods come from the same
    [`period_of`][promocore.analytics.order_stats.period_of] as in memory.
    """
    import numpy as np

    days = np.arange(first, last + 1, dtype=np.int64)
    periods = period_of(days * DAY - query.offset_s, query, np.where)
    return ibis.memtable({"p_day": days.tolist(), "period": periods.tolist()})


def _cohorts(ibis: Any, t: ir.Table, query: ReviewQuery) -> tuple[CohortCell, ...]:
    (row,) = _rows(t.aggregate(lo=t.s.min(), hi=t.s.max()))
    if row["lo"] is None:
        return ()
    offset = query.offset_s
    first, last = (_int(row["lo"]) + offset) // DAY, (_int(row["hi"]) + offset) // DAY
    summary = _cohort_expr(ibis, t, query, _period_table(ibis, query, first, last))
    return tuple(
        sorted(CohortCell(**{k: _int(v) for k, v in row.items()}) for row in _rows(summary))
    )


def _cohort_expr(ibis: Any, t: ir.Table, query: ReviewQuery, table: ir.Table) -> ir.Table:
    """The per-cohort-and-period query."""
    local = t.mutate(p_local=(t.s + query.offset_s) // DAY)
    periods = local.join(table, local.p_local == table.p_day)
    cp = periods.group_by(["customer_id", "period"]).aggregate(paid=_exact(periods.amount).sum())
    cohort = cp.group_by("customer_id").aggregate(cohort=cp.period.min())
    nxt = cp.select(n_customer=cp.customer_id, n_period=cp.period)
    cells = cp.join(cohort, "customer_id").left_join(
        nxt, [cp.customer_id == nxt.n_customer, nxt.n_period == cp.period + 1]
    )
    cells = cells.mutate(
        offset=cells.period - cells.cohort, kept=_flag(ibis, cells.n_customer.notnull())
    )
    summary = cells.group_by(["cohort", "offset"]).aggregate(
        customers=cells.count(),
        revenue=cells.paid.sum(),
        revenue_sq=(cells.paid * cells.paid).sum(),
        retained=cells.kept.sum(),
    )
    return summary


def _funnels(ibis: Any, events: ir.Table, query: ReviewQuery) -> tuple[FunnelCounts, ...]:
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValidationError([Problem(f"events.{c}", "column is missing") for c in missing])
    summary = _funnel_expr(ibis, events, query)
    return tuple(
        sorted(
            FunnelCounts(
                campaign=str(row["campaign"]),
                counts=tuple(_int(row[f"s{i}"]) for i in range(len(query.stages))),
            )
            for row in _rows(summary)
        )
    )


def _funnel_expr(ibis: Any, events: ir.Table, query: ReviewQuery) -> ir.Table:
    """The per-campaign funnel query."""
    names = [c.name for c in query.campaigns]
    e = events.filter(events.campaign.cast("string").isin(names))
    e = e.filter(e.event.cast("string").isin(list(query.stages)))
    reached: Mapping[str, Any] = {
        f"r{i}": _flag(ibis, e.event.cast("string") == stage).max()
        for i, stage in enumerate(query.stages)
    }
    users = e.group_by([e.campaign.cast("string").name("campaign"), "user_id"]).aggregate(**reached)
    prefix: dict[str, Any] = {}
    running: Any = None
    for i in range(len(query.stages)):
        running = users[f"r{i}"] if running is None else running * users[f"r{i}"]
        prefix[f"s{i}"] = running.sum()
    summary: ir.Table = users.group_by("campaign").aggregate(**prefix)
    return summary


def review_sql(query: ReviewQuery, *, dialect: str) -> dict[str, str]:
    """Return the SQL of the review's queries as ibis compiles them for a dialect.

    Nothing is executed and no driver is needed: this shows what
    [`reduce_table`][promocore.analytics.warehouse.reduce_table] sends to an engine
    (``"duckdb"``, ``"postgres"``, ``"bigquery"``, ``"snowflake"``, ``"clickhouse"``,
    ``"pyspark"``, ``"trino"``...), on tables named ``orders`` and ``events``. The
    small tables of campaign windows and calendar periods appear as ibis in-memory
    tables, which ibis uploads to the engine when the query runs.

    Returns:
        The SQL of the ``groups``, ``days``, ``cohorts`` and ``funnels`` queries.
    """
    ibis = _ibis()
    orders = ibis.table(
        {
            "customer_id": "string",
            "at": "timestamp('UTC')",
            "amount": "int64",
            "discount": "int64",
            "campaign": "string",
            "holdout": "boolean",
        },
        name="orders",
    )
    events = ibis.table({"user_id": "string", "event": "string", "campaign": "string"}, "events")
    t = _prepared(ibis, orders, query)
    summary, per_day = _campaign_exprs(ibis, t, query)
    last = (query.now_s + query.offset_s) // DAY
    cohorts = _cohort_expr(ibis, t, query, _period_table(ibis, query, last - 1, last))
    exprs = {
        "groups": summary,
        "days": per_day,
        "cohorts": cohorts,
        "funnels": _funnel_expr(ibis, events, query),
    }
    return {name: str(ibis.to_sql(e, dialect=dialect)) for name, e in exprs.items()}
