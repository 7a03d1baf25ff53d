"""The in-memory reducer against the review's definitions written out by hand, and DuckDB
against the in-memory reducer on the same random logs."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.analytics.order_stats import (
    CampaignWindow,
    ReviewQuery,
    epoch_seconds,
    period_of,
)
from promocore.analytics.reduce import reduce_orders
from promocore.errors import ValidationError
from tests.analytics.review_builders import (
    CST,
    QUERY,
    T0,
    Order,
    arrow_orders,
    columns,
    order_logs,
    reference,
    reference_funnels,
)


@given(order_logs())
@settings(max_examples=150, deadline=None)
def test_reduce_orders_follows_the_definitions(orders: list[Order]) -> None:
    assert reduce_orders(query=QUERY, **columns(orders)) == reference(orders, QUERY)


@given(order_logs(), st.sampled_from(["week", "month"]))
@settings(max_examples=60, deadline=None)
def test_weekly_cohorts_follow_the_definitions(orders: list[Order], period: str) -> None:
    query = ReviewQuery(
        campaigns=QUERY.campaigns, now=QUERY.now, period=period, utc_offset=timedelta(hours=-5)
    )
    assert reduce_orders(query=query, **columns(orders)).cohorts == reference(orders, query).cohorts


@given(st.integers(0, 4_000_000_000), st.sampled_from([-11, -5, 0, 8, 13]))
def test_periods_match_the_calendar(seconds: int, hours: int) -> None:
    offset = timedelta(hours=hours)
    for period in ("week", "month"):
        query = ReviewQuery(campaigns=(), now=T0, period=period, utc_offset=offset)
        number = int(period_of(np.array([seconds]), query, np.where)[0])
        start, after = query.period_start(number), query.period_start(number + 1)
        moment = datetime.fromtimestamp(seconds, CST)
        assert start <= moment < after


def test_hand_checked_campaign() -> None:
    t = datetime(2026, 1, 2, 10, tzinfo=CST)
    orders = [
        Order("a", t - timedelta(days=40), 5_000, 0, "", False),  # a's first order: a returns
        Order("a", t, 20_000, 3_000, "x", False),
        Order("a", t + timedelta(days=3), 9_000, 0, "", False),  # a repurchases within 7 days
        Order("b", t, 30_000, 3_000, "x", False),  # b is new
        Order("b", t + timedelta(days=1), 10_000, 0, "x", False),
        Order("c", t, 8_000, 0, "x", True),  # held out
    ]
    stats = reduce_orders(query=QUERY, **columns(orders))
    returning = stats.group("x", holdout=False, segment="returning")
    new = stats.group("x", holdout=False, segment="new")
    assert (returning.orders, returning.revenue, returning.repurchased) == (1, 20_000, 1)
    assert (new.orders, new.revenue, new.customers, new.repurchased) == (2, 40_000, 1, 1)
    assert new.customer_revenue_sq == 40_000**2
    assert new.customer_revenue_discount == 40_000 * 3_000
    assert new.revenue_sq == 30_000**2 + 10_000**2
    held = stats.group("x", holdout=True)
    assert (held.customers, held.revenue, held.segment) == (1, 8_000, "all")
    assert [(d.day, d.orders, d.discount) for d in stats.days_of("x", holdout=False)] == [
        (1, 2, 6_000),
        (2, 1, 0),
    ]


def test_orders_outside_the_window_or_after_now_do_not_count() -> None:
    x = QUERY.campaigns[0]
    orders = [
        Order("a", x.start - timedelta(seconds=1), 100, 0, "x", False),
        Order("a", x.end, 100, 0, "x", False),
        Order("a", x.start, 100, 0, "x", False),
    ]
    assert reduce_orders(query=QUERY, **columns(orders)).group("x", holdout=False).orders == 1
    late = ReviewQuery(campaigns=QUERY.campaigns, now=x.start)
    assert reduce_orders(query=late, **columns(orders)).groups == ()


def test_a_customer_both_treated_and_held_out_is_refused() -> None:
    t = QUERY.campaigns[0].start
    orders = [Order("a", t, 100, 0, "x", False), Order("a", t, 100, 0, "x", True)]
    with pytest.raises(ValidationError, match=r"holdout\[campaign 'x'\]\[0\]: a customer's orders"):
        reduce_orders(query=QUERY, **columns(orders))


def test_bad_columns_are_refused_with_their_names() -> None:
    t = QUERY.campaigns[0].start
    with pytest.raises(ValidationError) as info:
        reduce_orders(
            query=QUERY,
            customer_ids=["a", "b"],
            at=[t, datetime(2026, 1, 1)],
            amounts=[100.5, 3],
            discounts=[1, -1],
        )
    messages = [str(p) for p in info.value.problems]
    assert "at[1]: must carry a UTC offset (e.g. 2026-11-11T10:00:00+08:00)" in messages
    assert "amounts: floats are refused for money; pass integer minor units or Money" in messages
    assert "discounts[1]: must be >= 0 (got -1)" in messages
    with pytest.raises(ValidationError, match="holdout: has 1 entries but customer_ids has 2"):
        reduce_orders(
            query=QUERY, customer_ids=["a", "b"], at=[t, t], amounts=[1, 2], holdout=[True]
        )


def test_query_refuses_bad_settings() -> None:
    with pytest.raises(ValidationError) as info:
        ReviewQuery(
            campaigns=(CampaignWindow("x", T0, T0), CampaignWindow("x", T0, T0)),
            now=datetime(2026, 1, 1),
            repurchase_days=0,
            period="year",
        )
    messages = [str(p) for p in info.value.problems]
    assert "campaigns: names must be unique" in messages
    assert "now: must be an aware datetime" in messages
    assert any(m.startswith("repurchase_days: must be a whole number of days") for m in messages)
    assert "period: must be one of week, month" in messages


def test_events_give_funnels_per_campaign() -> None:
    events = [
        ("u1", "exposure", "x"),
        ("u1", "click", "x"),
        ("u1", "paid", "x"),
        ("u2", "exposure", "x"),
        ("u2", "paid", "x"),  # skipped the click: counts at exposure only
        ("u3", "click", "y"),  # no exposure: counts nowhere
        ("u4", "exposure", "z"),  # not a campaign under review
    ]
    stats = reduce_orders(
        query=QUERY,
        customer_ids=[],
        at=[],
        amounts=[],
        event_users=[e[0] for e in events],
        events=[e[1] for e in events],
        event_campaigns=[e[2] for e in events],
    )
    assert stats.funnels == reference_funnels(events, QUERY)
    x = stats.funnel("x")
    assert x is not None and x.counts == (2, 1, 1)


def test_epoch_seconds_round_down() -> None:
    assert epoch_seconds(datetime(1970, 1, 1, 8, 0, 1, 999_999, tzinfo=CST)) == 1


@given(
    order_logs(max_size=30),
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["exposure", "click", "paid", "other"]),
            st.sampled_from(["x", "y", "z"]),
        ),
        max_size=15,
    ),
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_duckdb_gives_the_same_statistics(
    orders: list[Order], events: list[tuple[str, str, str]]
) -> None:
    import ibis
    import pyarrow as pa

    from promocore.analytics.warehouse import reduce_table

    con = ibis.duckdb.connect()
    table = con.create_table("orders", arrow_orders(orders))
    event_table = con.create_table(
        "events",
        pa.table(
            {
                "user_id": pa.array([e[0] for e in events], pa.string()),
                "event": pa.array([e[1] for e in events], pa.string()),
                "campaign": pa.array([e[2] for e in events], pa.string()),
            }
        ),
    )
    in_memory = reduce_orders(
        query=QUERY,
        **columns(orders),
        event_users=[e[0] for e in events],
        events=[e[1] for e in events],
        event_campaigns=[e[2] for e in events],
    )
    assert reduce_table(table, QUERY, events=event_table) == in_memory
