"""Conditions on the cart, the customer and where the order comes from."""

from __future__ import annotations

from typing import ClassVar

import attrs

from promocore._typed import typed_fields
from promocore.campaign import Scope
from promocore.conditions._base import (
    ALL_LINES,
    ArmLookup,
    ConditionReason,
    Facts,
    Leaf,
    Unmet,
    check_items,
    listed,
    strings,
    whole,
)
from promocore.errors import Problem
from promocore.money import Money
from promocore.quote import Gap
from promocore.validation import Checks


def _scope_words(scope: Scope) -> str:
    return "" if scope == Scope() else " in scope"


@attrs.frozen(cache_hash=True)
class MinAmount(Leaf):
    """The lines in ``scope`` reach ``amount`` at list prices (满300 before discounts).

    Attributes:
        amount: The least amount, in the campaign's currency.
        scope: The lines counted; by default every line of the cart.
    """

    kind: ClassVar[str] = "min_amount"
    amount: Money
    scope: Scope = ALL_LINES

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(
            isinstance(self.amount, Money) and self.amount.amount > 0, "amount", "must be > 0"
        )
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """How much more the cart needs."""
        has = facts.measure(self.scope).amount
        short = self.amount.amount - has
        if short <= 0:
            return None
        more = self.amount.with_amount(short)
        return Unmet(
            ConditionReason.BELOW_MIN_AMOUNT,
            f"needs {self.amount.display()} of items{_scope_words(self.scope)}, "
            f"the cart has {self.amount.with_amount(has).display()}",
            Gap(f"add {more.display()} more", add_amount=more),
        )

    def describe(self) -> str:
        """``"the items come to ¥300.00"``."""
        return f"the items{_scope_words(self.scope)} come to {self.amount.display()}"

    def problems(self, currency: str, experiments: ArmLookup | None) -> list[Problem]:
        """The amount must be in the campaign's currency."""
        if self.amount.currency != currency:
            return [Problem("amount", f"is in {self.amount.currency}, not {currency}")]
        return []


def _items(count: int, noun: str = "item") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@attrs.frozen(cache_hash=True)
class MinQuantity(Leaf):
    """The lines in ``scope`` hold at least ``units`` units (满2件).

    Attributes:
        units: The least number of units.
        scope: The lines counted; by default every line of the cart.
    """

    kind: ClassVar[str] = "min_quantity"
    units: int
    scope: Scope = ALL_LINES

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        whole(checks, "units", self.units)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """How many more units the cart needs."""
        has = facts.measure(self.scope).units
        short = self.units - has
        if short <= 0:
            return None
        return Unmet(
            ConditionReason.BELOW_MIN_QUANTITY,
            f"needs {_items(self.units)}{_scope_words(self.scope)}, the cart has {has}",
            Gap(f"add {short} more {'item' if short == 1 else 'items'}", add_quantity=short),
        )

    def describe(self) -> str:
        """``"2 items or more"``."""
        return f"{_items(self.units)} or more{_scope_words(self.scope)}"


@attrs.frozen(cache_hash=True)
class DistinctSkus(Leaf):
    """The lines in ``scope`` hold at least ``count`` different skus (任选3款).

    Attributes:
        count: The least number of different skus.
        scope: The lines counted; by default every line of the cart.
    """

    kind: ClassVar[str] = "distinct_skus"
    count: int
    scope: Scope = ALL_LINES

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        whole(checks, "count", self.count)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """How many more different skus the cart needs."""
        has = len(facts.measure(self.scope).skus)
        short = self.count - has
        if short <= 0:
            return None
        return Unmet(
            ConditionReason.TOO_FEW_SKUS,
            f"needs {self.count} different items{_scope_words(self.scope)}, the cart has {has}",
            Gap(f"add {_items(short, 'more different item')}", add_quantity=short),
        )

    def describe(self) -> str:
        """``"3 different items"``."""
        return f"{self.count} different items{_scope_words(self.scope)}"


@attrs.frozen(cache_hash=True)
@typed_fields
class ContainsAll(Leaf):
    """Every one of ``skus`` is in the cart (a set bought together).

    Attributes:
        skus: The skus, at least one.
    """

    kind: ClassVar[str] = "contains_all"
    skus: frozenset[str] = attrs.field(converter=strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_items(checks, "skus", self.skus, str)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """Which skus are missing."""
        missing = self.skus - facts.measure(Scope()).skus
        if not missing:
            return None
        return Unmet(
            ConditionReason.MISSING_SKUS,
            f"needs {listed(self.skus)} together; missing {listed(missing)}",
            Gap(f"add {listed(missing)}", add_quantity=len(missing)),
        )

    def describe(self) -> str:
        """``"the cart holds A, B"``."""
        return f"the cart holds {listed(self.skus)}"


# --- the customer and where the cart comes from ---------------------------------------------


@attrs.frozen(cache_hash=True)
class FirstOrder(Leaf):
    """The customer has never ordered (新客首单): ``Customer.is_new``."""

    kind: ClassVar[str] = "first_order"

    def unmet(self, facts: Facts) -> Unmet | None:
        """``not_first_order`` unless the customer is new."""
        customer = facts.customer
        if customer is not None and customer.is_new:
            return None
        if customer is None:
            return Unmet(
                ConditionReason.NOT_FIRST_ORDER, "for a first order; the cart has no customer"
            )
        return Unmet(ConditionReason.NOT_FIRST_ORDER, "for a customer's first order only")

    def describe(self) -> str:
        """``"a first order"``."""
        return "a first order"


def _check_names(checks: Checks, name: str, values: frozenset[str]) -> None:
    check_items(checks, name, values, str)


@attrs.frozen(cache_hash=True)
@typed_fields
class InChannel(Leaf):
    """The cart comes from one of ``channels`` (``Cart.channel``: ``"live"``, ``"mini_program"``).

    Attributes:
        channels: The channels admitted.
    """

    kind: ClassVar[str] = "channel"
    channels: frozenset[str] = attrs.field(converter=strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, "channels", self.channels)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """Which channel the cart is from instead."""
        channel = facts.cart.channel
        if channel in self.channels:
            return None
        given = "names no channel" if channel is None else f"is from {channel}"
        return Unmet(
            ConditionReason.WRONG_CHANNEL,
            f"for channel {listed(self.channels)} only; the cart {given}",
        )

    def describe(self) -> str:
        """``"the channel is live"``."""
        return f"the channel is {listed(self.channels)}"


@attrs.frozen(cache_hash=True)
@typed_fields
class InStore(Leaf):
    """The cart is for one of ``stores`` (``Cart.store``).

    Attributes:
        stores: The stores admitted.
    """

    kind: ClassVar[str] = "store"
    stores: frozenset[str] = attrs.field(converter=strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, "stores", self.stores)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """Which store the cart is for instead."""
        store = facts.cart.store
        if store in self.stores:
            return None
        given = "names no store" if store is None else f"is for store {store}"
        return Unmet(
            ConditionReason.WRONG_STORE, f"for store {listed(self.stores)} only; the cart {given}"
        )

    def describe(self) -> str:
        """``"the store is sh-01"``."""
        return f"the store is {listed(self.stores)}"


@attrs.frozen(cache_hash=True)
@typed_fields
class InSegment(Leaf):
    """The customer is in at least one of ``segments``.

    Attributes:
        segments: The segments admitted.
    """

    kind: ClassVar[str] = "segment"
    segments: frozenset[str] = attrs.field(converter=strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, "segments", self.segments)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``segment_mismatch`` unless the customer is in a segment."""
        customer = facts.customer
        if customer is not None and customer.segments & self.segments:
            return None
        message = f"for segment {listed(self.segments)} only"
        if customer is None:
            message += "; the cart has no customer"
        return Unmet(ConditionReason.SEGMENT_MISMATCH, message)

    def describe(self) -> str:
        """``"the customer is in segment vip"``."""
        return f"the customer is in segment {listed(self.segments)}"
