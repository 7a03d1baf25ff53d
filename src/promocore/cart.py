"""Carts, their lines and the customer who owns them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import attrs

from promocore.errors import PromocoreError
from promocore.limits import (
    MAX_AMOUNT,
    MAX_LINES,
    MAX_QUANTITY,
    check_amount,
    check_id,
    check_instance,
    check_labels,
    check_whole,
    items,
    labels,
)
from promocore.money import Money, total
from promocore.validation import Checks


def _refs(values: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The references as sorted ``(name, value)`` pairs; anything malformed is left as it is.

    What is left is refused by the line's own check, naming ``refs``.
    """
    pairs = values.items() if isinstance(values, Mapping) else values
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        return values  # type: ignore[unused-ignore, return-value]
    out = []
    for pair in pairs:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            return values  # type: ignore[unused-ignore, return-value]
        out.append((pair[0], pair[1]))
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in out):
        return values  # type: ignore[return-value]
    return tuple(sorted(out))


def _check_refs(checks: Checks, refs: object) -> None:
    if not isinstance(refs, tuple) or not all(
        isinstance(pair, tuple) and len(pair) == 2 for pair in refs
    ):
        checks.add_type("refs", "must map names to str values (pairs of str)")
        return
    for key, value in refs:
        check_id(checks, f"refs[{key!r}]", key)
        check_id(checks, f"refs[{key!r}]", value)


#: The sku of the line a cart's shipping fee is priced on (see `Cart.with_shipping_line`).
SHIPPING_SKU = "shipping"
#: The tag that marks the shipping line; cart lines may not carry it.
SHIPPING_TAG = "promocore:shipping"


def check_aware(checks: Checks, path: str, value: datetime | None) -> None:
    """Record a problem if ``value`` is a naive datetime (no UTC offset), or not a datetime."""
    if value is not None and not isinstance(value, datetime):
        checks.add_type(path, f"must be a datetime or None, got {type(value).__name__}")
    elif value is not None and value.utcoffset() is None:
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
    segments: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    is_new: bool = False
    birthday: date | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_id(checks, "id", self.id)
        check_id(checks, "tier", self.tier, optional=True)
        check_labels(checks, "segments", self.segments)
        check_instance(checks, "is_new", self.is_new, bool, "a bool")
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
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    tags: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    refs: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_refs)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_id(checks, "sku", self.sku)
        if check_amount(checks, "unit_price", self.unit_price):
            checks.check(self.unit_price.amount >= 0, "unit_price", "must be >= 0")
        if check_whole(
            checks, "quantity", self.quantity, maximum=MAX_QUANTITY, limit="MAX_QUANTITY"
        ):
            checks.check(self.quantity >= 1, "quantity", "must be a whole number >= 1")
        check_labels(checks, "categories", self.categories)
        check_labels(checks, "tags", self.tags)
        _check_refs(checks, self.refs)
        checks.raise_if_any()

    @property
    def subtotal(self) -> Money:
        """Unit price times quantity."""
        return self.unit_price * self.quantity

    @property
    def is_shipping(self) -> bool:
        """True for the line the engine prices the cart's shipping fee on."""
        return SHIPPING_TAG in self.tags

    def ref(self, name: str) -> str | None:
        """Return the reference named ``name`` (``"bargain"``), or ``None``."""
        for key, value in self.refs:
            if key == name:
                return value
        return None


@attrs.frozen(kw_only=True)
class ShippingRule:
    """A shop's shipping fee by rule: 首件 (the first units) and 续件 (each further unit).

    ``fee(lines)`` is ``first`` for up to ``first_units`` units of goods, plus
    ``per_extra_unit`` for each further unit, at most ``max_fee``; a cart takes it as its
    ``shipping`` through `apply`. A flat fee per cart is a rule with ``first`` only (or
    simply ``Cart.shipping``).

    Attributes:
        first: The fee for the first ``first_units`` units.
        first_units: How many units ``first`` covers, at least 1.
        per_extra_unit: The fee for each further unit, or ``None`` for none.
        max_fee: The most the fee comes to, or ``None``.

    Examples:
        >>> yuan = lambda text: Money.parse(text, "CNY")
        >>> rule = ShippingRule(first=yuan("8"), per_extra_unit=yuan("2"))
        >>> rule.fee([LineItem("TEE", yuan("99"), 3)]).display()
        '¥12.00'
    """

    first: Money
    first_units: int = 1
    per_extra_unit: Money | None = None
    max_fee: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        currency = self.first.currency if isinstance(self.first, Money) else None
        for name in ("first", "per_extra_unit", "max_fee"):
            value = getattr(self, name)
            if value is None:
                continue
            if not check_amount(checks, name, value):
                continue
            assert isinstance(value, Money)
            if value.amount < 0:
                checks.add(name, "must be >= 0")
            elif value.currency != currency:
                checks.add(name, f"is in {value.currency}, first is in {currency}")
        check_whole(checks, "first_units", self.first_units, minimum=1)
        checks.raise_if_any()

    def fee(self, lines: Iterable[LineItem]) -> Money:
        """The shipping fee of ``lines`` (the shipping line, if any, is not goods)."""
        units = sum(line.quantity for line in lines if not line.is_shipping)
        fee = self.first
        if self.per_extra_unit is not None and units > self.first_units:
            fee = fee + self.per_extra_unit * (units - self.first_units)
        return fee.min(self.max_fee) if self.max_fee is not None else fee

    def apply(self, cart: Cart) -> Cart:
        """``cart`` with its ``shipping`` set to the rule's fee for its lines."""
        return attrs.evolve(cart, shipping=self.fee(cart.lines))


def _check_shipping(checks: Checks, fee: object, currency: str) -> None:
    if fee is None:
        return
    if not check_amount(checks, "shipping", fee):
        return
    assert isinstance(fee, Money)
    if fee.currency != currency:
        checks.add("shipping", f"is in {fee.currency}, the cart is in {currency}")
    elif fee.amount < 0:
        checks.add("shipping", "must be >= 0")


def _lines(values: Iterable[LineItem]) -> tuple[LineItem, ...]:
    return items(values)  # type: ignore[no-any-return]


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
        shipping: The shipping fee of the whole cart (运费), or ``None`` for none. The
            engine prices it as a line of its own after the cart's lines (see
            `with_shipping_line`), open only to the ``shipping`` stage.
    """

    currency: str
    lines: tuple[LineItem, ...] = attrs.field(converter=_lines)
    customer: Customer | None = None
    at: datetime | None = None
    channel: str | None = None
    store: str | None = None
    shipping: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if not isinstance(self.lines, tuple):
            checks.add_type(
                "lines", f"must be a sequence of LineItem, got {type(self.lines).__name__}"
            )
            checks.raise_if_any()
        if len(self.lines) > MAX_LINES:
            checks.add_limit(
                "lines",
                f"at most {MAX_LINES} lines (promocore.limits.MAX_LINES), got {len(self.lines)}",
            )
            checks.raise_if_any()
        check_instance(checks, "customer", self.customer, Customer | None, "a Customer or None")
        try:
            Money.zero(self.currency)
        except PromocoreError as exc:
            if isinstance(exc, TypeError):
                checks.add_type("currency", f"must be a str, got {type(self.currency).__name__}")
            else:
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
            check_instance(checks, f"lines[{i}]", line, LineItem, "a LineItem")
            if isinstance(line, LineItem) and line.is_shipping:
                last = i == len(self.lines) - 1 and self.shipping is None
                checks.check(
                    last and line.sku == SHIPPING_SKU and line.quantity == 1,
                    f"lines[{i}].tags",
                    f"{SHIPPING_TAG!r} marks only the shipping line of a priced cart "
                    "(give the fee as shipping)",
                )
        check_aware(checks, "at", self.at)
        for name in ("channel", "store"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                checks.add_type(name, "must be a non-empty text or None")
            elif value is not None and not value.strip():
                checks.add(name, "must be a non-empty text or None")
            else:
                check_id(checks, name, value, optional=True)
        _check_shipping(checks, self.shipping, self.currency)
        if not checks.problems:
            subtotal = sum(line.unit_price.amount * line.quantity for line in self.lines)
            if subtotal > MAX_AMOUNT:
                checks.add_limit(
                    "lines",
                    f"the subtotal passes the largest amount, {MAX_AMOUNT} minor units "
                    "(promocore.limits.MAX_AMOUNT)",
                )
        checks.raise_if_any()

    def with_shipping_line(self) -> Cart:
        """The cart as the engine prices it: the shipping fee as a last line of its own.

        The line has sku [`SHIPPING_SKU`][promocore.cart.SHIPPING_SKU], one unit at the fee
        and the tag [`SHIPPING_TAG`][promocore.cart.SHIPPING_TAG]; the returned cart has no
        ``shipping`` of its own, so the fee is counted once (only such a last line may carry
        the tag). A cart without a fee is returned as it is; a zero fee adds no line.
        """
        fee = self.shipping
        if fee is None or fee.amount == 0:
            return self if fee is None else attrs.evolve(self, shipping=None)
        line = LineItem(SHIPPING_SKU, fee, 1, tags=frozenset([SHIPPING_TAG]))
        return attrs.evolve(self, lines=(*self.lines, line), shipping=None)

    @property
    def subtotal(self) -> Money:
        """Sum of the lines' subtotals."""
        return total((line.subtotal for line in self.lines), self.currency)
