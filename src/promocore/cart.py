"""Carts, their lines and the customer who owns them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import attrs

from promocore.errors import CurrencyError
from promocore.money import Money, total
from promocore.validation import Checks


def _strings(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        return frozenset([values])
    return frozenset(values)


def _refs(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = values.items() if isinstance(values, Mapping) else values
    return tuple(sorted((str(k), str(v)) for k, v in items))


def check_aware(checks: Checks, path: str, value: datetime | None) -> None:
    """Record a problem if ``value`` is a naive datetime (no UTC offset)."""
    if value is not None and value.utcoffset() is None:
        checks.add(path, "must carry a UTC offset (e.g. 2026-11-11T10:00:00+08:00)")


@attrs.frozen
class Customer:
    """The shopper a cart is priced for.

    Attributes:
        id: Stable customer id.
        tier: Member tier (``"gold"``), or ``None`` for non-members.
        segments: Marketing segments the customer belongs to.
        is_new: True for a customer who has never ordered.
        birthday: The customer's birthday, if known (birthday conditions read it).
    """

    id: str
    tier: str | None = None
    segments: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    is_new: bool = False
    birthday: date | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(isinstance(self.id, str) and bool(self.id.strip()), "id", "must not be empty")
        checks.check(
            self.birthday is None
            or (isinstance(self.birthday, date) and not isinstance(self.birthday, datetime)),
            "birthday",
            "must be a date",
        )
        checks.raise_if_any()


@attrs.frozen
class LineItem:
    """One line of a cart: ``quantity`` units of ``sku`` at ``unit_price``.

    Attributes:
        sku: Stock-keeping unit.
        unit_price: List price of one unit.
        quantity: Number of units, at least 1.
        categories: Categories used by campaign scopes.
        tags: Free tags (``"activity"`` items and the like).
        refs: References to promotion state, such as ``{"bargain": "<session id>"}``.
    """

    sku: str
    unit_price: Money
    quantity: int = 1
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=_strings)
    refs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_refs)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(
            isinstance(self.sku, str) and bool(self.sku.strip()), "sku", "must not be empty"
        )
        checks.check(isinstance(self.unit_price, Money), "unit_price", "must be Money")
        if isinstance(self.unit_price, Money):
            checks.check(self.unit_price.amount >= 0, "unit_price", "must be >= 0")
        checks.check(
            isinstance(self.quantity, int)
            and not isinstance(self.quantity, bool)
            and self.quantity >= 1,
            "quantity",
            "must be a whole number >= 1",
        )
        checks.raise_if_any()

    @property
    def subtotal(self) -> Money:
        """Unit price times quantity."""
        return self.unit_price * self.quantity

    def ref(self, name: str) -> str | None:
        """Return the reference named ``name`` (``"bargain"``), or ``None``."""
        for key, value in self.refs:
            if key == name:
                return value
        return None


def _lines(items: Iterable[LineItem]) -> tuple[LineItem, ...]:
    return tuple(items)


@attrs.frozen
class Cart:
    """What a customer is about to buy.

    Attributes:
        currency: ISO 4217 code every line is priced in.
        lines: The lines, in the order the shopper sees them.
        customer: Who is buying; ``None`` for an anonymous cart.
        at: The moment to price at (campaign schedules are checked against it).
        channel: Where the order is placed (``"live"``, ``"mini_program"``), if known;
            channel conditions read it.
        store: The store the order is for, if any; store conditions read it.
    """

    currency: str
    lines: tuple[LineItem, ...] = attrs.field(converter=_lines)
    customer: Customer | None = None
    at: datetime | None = None
    channel: str | None = None
    store: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        try:
            Money.zero(self.currency)
        except CurrencyError as exc:
            checks.add("currency", str(exc))
        else:
            for i, line in enumerate(self.lines):
                if isinstance(line, LineItem) and line.unit_price.currency != self.currency:
                    checks.add(
                        f"lines[{i}].unit_price",
                        f"is in {line.unit_price.currency}, the cart is in {self.currency}",
                    )
        checks.check(len(self.lines) > 0, "lines", "a cart needs at least one line")
        for i, line in enumerate(self.lines):
            checks.check(isinstance(line, LineItem), f"lines[{i}]", "must be a LineItem")
        check_aware(checks, "at", self.at)
        for name in ("channel", "store"):
            value = getattr(self, name)
            checks.check(
                value is None or (isinstance(value, str) and bool(value.strip())),
                name,
                "must be a non-empty text or None",
            )
        checks.raise_if_any()

    @property
    def subtotal(self) -> Money:
        """Sum of the lines' subtotals."""
        return total((line.subtotal for line in self.lines), self.currency)
