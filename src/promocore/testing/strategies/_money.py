"""Strategies for currencies, money, rates and moments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from promocore.money import MINOR_UNITS, Money
from promocore.testing.strategies.vocabulary import (
    DEFAULT_MAX_AMOUNT,
    EARLIEST,
    LATEST,
    OFFSETS,
)


def currencies(*, codes: Iterable[str] | None = None) -> st.SearchStrategy[str]:
    """Draw ISO 4217 codes promocore knows.

    Args:
        codes: Draw only from these codes; by default every known currency
            (``CNY`` first, so examples shrink towards it).

    Raises:
        InvalidArgument: a code is unknown, or ``codes`` is empty.
    """
    if codes is None:
        chosen = ["CNY", *sorted(c for c in MINOR_UNITS if c != "CNY")]
    else:
        chosen = list(codes)
        unknown = [c for c in chosen if c not in MINOR_UNITS]
        if unknown or not chosen:
            raise InvalidArgument(f"codes must be known currencies, got {chosen!r}")
    return st.sampled_from(chosen)


def _bound(value: Money | int, name: str) -> tuple[int, str | None]:
    if isinstance(value, Money):
        return value.amount, value.currency
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name} must be Money or int minor units, got {value!r}")
    return value, None


def money(
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    min_value: Money | int = 0,
    max_value: Money | int | None = None,
) -> st.SearchStrategy[Money]:
    """Draw exact amounts.

    Args:
        currency: A code, a strategy of codes, or ``None``: the currency of the
            bounds when they are ``Money``, else any
            [`currencies`][promocore.testing.strategies._money.currencies].
        min_value: Smallest amount, as ``Money`` or integer minor units.
        max_value: Largest amount; by default ``min_value`` plus 1,000,000 minor units.

    Raises:
        InvalidArgument: the bounds disagree with each other or with ``currency``.
    """
    low, low_currency = _bound(min_value, "min_value")
    high, high_currency = (
        (low + DEFAULT_MAX_AMOUNT, None) if max_value is None else _bound(max_value, "max_value")
    )
    if high < low:
        raise InvalidArgument(f"max_value {max_value!r} is below min_value {min_value!r}")
    fixed = {c for c in (low_currency, high_currency) if c is not None}
    if isinstance(currency, str):
        fixed.add(currency)
        currencies(codes=[currency])
    if len(fixed) > 1:
        raise InvalidArgument(f"the bounds and currency disagree: {sorted(fixed)}")
    if fixed:
        code = fixed.pop()
        return st.integers(low, high).map(lambda n: Money(n, code))
    codes = currency if isinstance(currency, st.SearchStrategy) else currencies()
    return st.tuples(st.integers(low, high), codes).map(lambda pair: Money(*pair))


def rates(
    *, min_value: Decimal | int = 0, max_value: Decimal | int = 1, places: int = 2
) -> st.SearchStrategy[Decimal]:
    """Draw exact ``Decimal`` rates (or percentages) with at most ``places`` decimals."""
    scale = 10**places
    low = int(Decimal(min_value) * scale)
    high = int(Decimal(max_value) * scale)
    if high < low:
        raise InvalidArgument("max_value is below min_value")
    return st.integers(low, high).map(lambda n: Decimal(n) / scale)


def moments(
    *,
    min_value: datetime = EARLIEST,
    max_value: datetime = LATEST,
    offsets: st.SearchStrategy[tzinfo] | None = None,
) -> st.SearchStrategy[datetime]:
    """Draw timezone-aware instants on whole minutes, so drawn times often coincide.

    Args:
        min_value: Earliest instant (aware).
        max_value: Latest instant (aware).
        offsets: Time zones to express the instant in; UTC or China Standard Time by default.

    Raises:
        InvalidArgument: a bound is naive, or ``max_value`` is before ``min_value``.
    """
    if min_value.utcoffset() is None or max_value.utcoffset() is None:
        raise InvalidArgument("moments needs timezone-aware bounds")
    if max_value < min_value:
        raise InvalidArgument("max_value is before min_value")
    start = min_value.replace(second=0, microsecond=0)
    if start < min_value:
        start += timedelta(minutes=1)
    span = (max_value - start) // timedelta(minutes=1)
    if span < 0:
        return st.just(min_value)
    zones = offsets if offsets is not None else st.sampled_from(OFFSETS)
    return st.tuples(st.integers(0, span), zones).map(
        lambda pair: (start + timedelta(minutes=pair[0])).astimezone(pair[1])
    )
