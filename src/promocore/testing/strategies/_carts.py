"""Strategies for customers, cart lines and carts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from promocore.cart import Cart, Customer, LineItem
from promocore.money import Money
from promocore.testing.strategies._money import currencies, moments, money
from promocore.testing.strategies.vocabulary import (
    CATEGORIES,
    CHANNELS,
    CUSTOMER_IDS,
    SEGMENTS,
    SKUS,
    STORES,
    TAGS,
    TIERS,
)

Refs = Mapping[str, str] | tuple[tuple[str, str], ...]


def labels(vocabulary: tuple[str, ...], *, max_size: int = 2) -> st.SearchStrategy[frozenset[str]]:
    """Draw small sets of labels (categories, tags, segments) from ``vocabulary``."""
    return st.frozensets(st.sampled_from(vocabulary), max_size=max_size)


def customers(
    *,
    ids: st.SearchStrategy[str] | None = None,
    tiers: st.SearchStrategy[str | None] | None = None,
    segments: st.SearchStrategy[frozenset[str]] | None = None,
    is_new: st.SearchStrategy[bool] | None = None,
    birthdays: st.SearchStrategy[date | None] | None = None,
) -> st.SearchStrategy[Customer]:
    """Draw customers.

    Args:
        ids: Customer ids; a few fixed ids by default, so customers repeat.
        tiers: Member tiers, ``None`` meaning a non-member.
        segments: Sets of segments.
        is_new: Whether the customer never ordered.
        birthdays: Birthdays, ``None`` meaning unknown; unknown or a date from 1940 to 2010
            by default.
    """
    return st.builds(
        Customer,
        id=ids if ids is not None else st.sampled_from(CUSTOMER_IDS),
        tier=tiers if tiers is not None else st.none() | st.sampled_from(TIERS),
        segments=segments if segments is not None else labels(SEGMENTS),
        is_new=is_new if is_new is not None else st.booleans(),
        birthday=birthdays
        if birthdays is not None
        else st.none() | st.dates(date(1940, 1, 1), date(2010, 12, 31)),
    )


def line_items(
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    skus: st.SearchStrategy[str] | None = None,
    unit_prices: st.SearchStrategy[Money] | None = None,
    quantities: st.SearchStrategy[int] | None = None,
    categories: st.SearchStrategy[frozenset[str]] | None = None,
    tags: st.SearchStrategy[frozenset[str]] | None = None,
    refs: st.SearchStrategy[Refs] | None = None,
) -> st.SearchStrategy[LineItem]:
    """Draw cart lines.

    Args:
        currency: Currency of the unit price when ``unit_prices`` is not given.
        skus: Skus; a few fixed skus by default, so lines meet scopes.
        unit_prices: Unit prices; by default [`money`][promocore.testing.strategies._money.money] in
            ``currency`` (zero allowed).
        quantities: Quantities; 1 to 5 by default.
        categories: Category sets.
        tags: Tag sets.
        refs: References to promotion state (``{"bargain": "s-1"}``); none by default.
    """
    if unit_prices is None:
        unit_prices = money(currency=currency)
    elif currency is not None:
        raise InvalidArgument("give currency or unit_prices, not both")
    return st.builds(
        LineItem,
        sku=skus if skus is not None else st.sampled_from(SKUS),
        unit_price=unit_prices,
        quantity=quantities if quantities is not None else st.integers(1, 5),
        categories=categories if categories is not None else labels(CATEGORIES),
        tags=tags if tags is not None else labels(TAGS, max_size=1),
        refs=refs if refs is not None else st.just(()),
    )


@st.composite
def _carts(
    draw: st.DrawFn,
    currency: str | st.SearchStrategy[str] | None,
    lines: st.SearchStrategy[LineItem] | None,
    min_lines: int,
    max_lines: int,
    customers_: st.SearchStrategy[Customer | None],
    at: st.SearchStrategy[datetime | None],
    channels: st.SearchStrategy[str | None],
    stores: st.SearchStrategy[str | None],
) -> Cart:
    if lines is None:
        code = currency if isinstance(currency, str) else draw(currency or currencies())
        items = draw(st.lists(line_items(currency=code), min_size=min_lines, max_size=max_lines))
    else:
        items = draw(st.lists(lines, min_size=min_lines, max_size=max_lines))
        wanted = {line.unit_price.currency for line in items}
        if isinstance(currency, str):
            wanted.add(currency)
        if len(wanted) != 1:
            raise InvalidArgument(f"cart lines must share one currency, got {sorted(wanted)}")
        code = wanted.pop()
    return Cart(
        code,
        tuple(items),
        customer=draw(customers_),
        at=draw(at),
        channel=draw(channels),
        store=draw(stores),
    )


def carts(
    *,
    currency: str | st.SearchStrategy[str] | None = None,
    lines: st.SearchStrategy[LineItem] | None = None,
    min_lines: int = 1,
    max_lines: int = 5,
    customers: st.SearchStrategy[Customer | None] | None = None,
    at: st.SearchStrategy[datetime | None] | None = None,
    channels: st.SearchStrategy[str | None] | None = None,
    stores: st.SearchStrategy[str | None] | None = None,
) -> st.SearchStrategy[Cart]:
    """Draw valid carts.

    Args:
        currency: A code or a strategy of codes; any currency by default.
        lines: Lines to fill the cart with, all in one currency (the cart takes it);
            by default [`line_items`][promocore.testing.strategies._carts.line_items] in the cart's
            currency.
        min_lines: Fewest lines (at least 1).
        max_lines: Most lines.
        customers: The buyer; a drawn customer or ``None`` (anonymous) by default.
        at: The cart's pricing moment; a drawn moment by default.
        channels: Where the order comes from; ``None`` or a default channel by default.
        stores: The store it is for; ``None`` or a default store by default.

    Raises:
        InvalidArgument: ``min_lines`` is below 1 or above ``max_lines``.
    """
    if min_lines < 1 or max_lines < min_lines:
        raise InvalidArgument("need 1 <= min_lines <= max_lines")
    return _carts(
        currency,
        lines,
        min_lines,
        max_lines,
        customers if customers is not None else st.none() | _default_customers(),
        at if at is not None else moments(),
        channels if channels is not None else st.none() | st.sampled_from(CHANNELS),
        stores if stores is not None else st.none() | st.sampled_from(STORES),
    )


def _default_customers() -> st.SearchStrategy[Customer]:
    return customers()
