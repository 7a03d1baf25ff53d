"""Strategies for the parts of a campaign: schedule, audience, scope, conditions, budget, limits."""

from __future__ import annotations

from datetime import datetime, time

from hypothesis import strategies as st

from promocore.campaign import Audience, Budget, CustomerKind, Limits, Schedule, Scope
from promocore.conditions import (
    AllOf,
    AnyOf,
    BirthdayWindow,
    Condition,
    ContainsAll,
    DistinctSkus,
    FirstOrder,
    InChannel,
    InSegment,
    InStore,
    MinQuantity,
    MonthDays,
    Not,
    TimeOfDay,
    Weekdays,
)
from promocore.money import Money
from promocore.testing.strategies._carts import labels
from promocore.testing.strategies._money import currencies, moments, money
from promocore.testing.strategies.vocabulary import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_IDS,
    SEGMENTS,
    SKUS,
    STORES,
    TIERS,
)


def _schedule(start: datetime | None, end: datetime | None) -> Schedule:
    if start is not None and end is not None:
        if end < start:
            start, end = end, start
        if end == start:
            return Schedule(start, None)
    return Schedule(start, end)


def schedules(
    *,
    starts: st.SearchStrategy[datetime | None] | None = None,
    ends: st.SearchStrategy[datetime | None] | None = None,
) -> st.SearchStrategy[Schedule]:
    """Draw schedules; either end may be open.

    Two drawn instants are put in order; equal ones leave the end open.

    Args:
        starts: Start instants (aware) or ``None`` for no start.
        ends: End instants (aware) or ``None`` for no end.
    """
    return st.builds(
        _schedule,
        starts if starts is not None else st.none() | moments(),
        ends if ends is not None else st.none() | moments(),
    )


def audiences(
    *,
    tiers: st.SearchStrategy[frozenset[str]] | None = None,
    segments: st.SearchStrategy[frozenset[str]] | None = None,
    customer_kinds: st.SearchStrategy[CustomerKind] | None = None,
    customer_ids: st.SearchStrategy[frozenset[str]] | None = None,
) -> st.SearchStrategy[Audience]:
    """Draw audiences; empty parts admit everyone, so everyone-audiences are common.

    Args:
        tiers: Sets of member tiers admitted.
        segments: Sets of segments admitted.
        customer_kinds: New, returning or any customers.
        customer_ids: Whitelists of customer ids.
    """
    return st.builds(
        Audience,
        tiers=tiers if tiers is not None else labels(TIERS),
        segments=segments if segments is not None else labels(SEGMENTS),
        customers=customer_kinds if customer_kinds is not None else st.sampled_from(CustomerKind),
        customer_ids=customer_ids if customer_ids is not None else labels(CUSTOMER_IDS),
    )


def scopes(
    *,
    skus: st.SearchStrategy[frozenset[str]] | None = None,
    categories: st.SearchStrategy[frozenset[str]] | None = None,
    exclude_skus: st.SearchStrategy[frozenset[str]] | None = None,
    exclude_categories: st.SearchStrategy[frozenset[str]] | None = None,
) -> st.SearchStrategy[Scope]:
    """Draw scopes over the default skus and categories (or the ones given).

    Args:
        skus: Sets of skus included.
        categories: Sets of categories included.
        exclude_skus: Sets of skus excluded.
        exclude_categories: Sets of categories excluded.
    """
    return st.builds(
        Scope,
        skus=skus if skus is not None else labels(SKUS),
        categories=categories if categories is not None else labels(CATEGORIES),
        exclude_skus=exclude_skus if exclude_skus is not None else labels(SKUS, max_size=1),
        exclude_categories=exclude_categories
        if exclude_categories is not None
        else labels(CATEGORIES, max_size=1),
    )


def _some(vocabulary: tuple[str, ...]) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(vocabulary), min_size=1, max_size=2)


def _hours() -> st.SearchStrategy[TimeOfDay]:
    pairs = st.tuples(st.integers(0, 23), st.integers(0, 23)).filter(lambda h: h[0] != h[1])
    return pairs.map(lambda h: TimeOfDay(time(h[0]), time(h[1])))


def condition_leaves() -> st.SearchStrategy[Condition]:
    """Draw single built-in conditions over the default vocabularies.

    Calendar windows, quantities, distinct and required skus, first orders, channels,
    stores, segments and birthdays: every kind but the amount and experiment ones, whose
    currency or experiments a test gives (``st.builds(MinAmount, money(...))``).
    """
    return st.one_of(
        st.frozensets(st.integers(1, 7), min_size=1, max_size=3).map(Weekdays),
        st.frozensets(st.integers(1, 31), min_size=1, max_size=3).map(MonthDays),
        _hours(),
        st.integers(1, 6).map(MinQuantity),
        st.integers(1, 3).map(DistinctSkus),
        _some(SKUS).map(ContainsAll),
        st.just(FirstOrder()),
        _some(CHANNELS).map(InChannel),
        _some(STORES).map(InStore),
        _some(SEGMENTS).map(InSegment),
        st.builds(
            BirthdayWindow,
            days_before=st.integers(0, 7),
            days_after=st.integers(0, 7),
            whole_month=st.booleans(),
        ),
    )


def conditions(
    *,
    leaves: st.SearchStrategy[Condition] | None = None,
    max_leaves: int = 4,
) -> st.SearchStrategy[Condition]:
    """Draw campaign conditions: leaves combined with ``all``, ``any`` and ``not``.

    Args:
        leaves: The single conditions; by default
            [`condition_leaves`][promocore.testing.strategies._parts.condition_leaves].
        max_leaves: Most leaves in one drawn tree.
    """
    base = leaves if leaves is not None else condition_leaves()

    def combine(inner: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
        many = st.lists(inner, min_size=1, max_size=3)
        return st.one_of(many.map(AllOf), many.map(AnyOf), inner.map(Not))

    return st.recursive(base, combine, max_leaves=max_leaves)


def budgets(
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    limits: st.SearchStrategy[Money] | None = None,
) -> st.SearchStrategy[Budget]:
    """Draw spend budgets.

    Args:
        currency: Currency of the limit when ``limits`` is not given.
        limits: The budget's limit (must be > 0).
    """
    if limits is None:
        limits = money(currency=currency if currency is not None else currencies(), min_value=1)
    return st.builds(Budget, limits)


def limits(
    *,
    per_order: st.SearchStrategy[int | None] | None = None,
    per_customer: st.SearchStrategy[int | None] | None = None,
) -> st.SearchStrategy[Limits]:
    """Draw usage limits; unlimited by default half the time.

    Args:
        per_order: Most units discounted per order (>= 1), or ``None``.
        per_customer: Most orders per customer (>= 1), or ``None``.
    """
    return st.builds(
        Limits,
        per_order=per_order if per_order is not None else st.none() | st.integers(1, 6),
        per_customer=per_customer if per_customer is not None else st.none() | st.integers(1, 3),
    )
