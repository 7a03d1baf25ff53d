"""Campaigns and the parts they are made of: schedule, audience, scope, budget, limits, tiers."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from promocore._zones import DEFAULT_TIME_ZONE as DEFAULT_TIME_ZONE
from promocore._zones import check_time_zone
from promocore.cart import Customer, LineItem, check_aware
from promocore.counted import Period, PeriodCap
from promocore.errors import PromocoreError, ValidationError
from promocore.limits import (
    MAX_PRIORITY,
    MAX_QUANTITY,
    check_amount,
    check_decimal,
    check_id,
    check_instance,
    check_labels,
    check_text,
    check_whole,
    items,
    labels,
)
from promocore.money import Money, Rounding
from promocore.validation import Checks

if TYPE_CHECKING:
    from promocore.conditions import Condition

#: The time zone a campaign's conditions read days and times in, unless it names another.


class Stage(enum.Enum):
    """Pricing stages, run in this order; each prices what the previous left payable."""

    ITEM = "item"
    """Prices of single items: member prices, limited-time discounts, activity prices."""
    ORDER = "order"
    """Order-level deals: 满减 / 满折 / 每满减 ladders, gifts with purchase."""
    COUPON = "coupon"
    """Coupons the customer holds or enters."""
    SHIPPING = "shipping"
    """The cart's shipping fee: 包邮 thresholds, shipping discounts, member free shipping."""
    PAYMENT = "payment"
    """What pays part of the price: points, a presale deposit, stored value."""
    POST = "post"
    """Effects that change no price: commissions, points earned, coupons granted."""


#: The default order of the stages.
STAGES: tuple[Stage, ...] = (
    Stage.ITEM,
    Stage.ORDER,
    Stage.COUPON,
    Stage.SHIPPING,
    Stage.PAYMENT,
    Stage.POST,
)


@attrs.frozen
class Schedule:
    """When a campaign runs: from ``starts_at`` (inclusive) to ``ends_at`` (exclusive).

    Attributes:
        starts_at: The start, with a UTC offset; ``None`` for no start.
        ends_at: The end, with a UTC offset, after the start; ``None`` for no end.
    """

    starts_at: datetime | None = None
    ends_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_aware(checks, "starts_at", self.starts_at)
        check_aware(checks, "ends_at", self.ends_at)
        if (
            not checks.problems
            and self.starts_at is not None
            and self.ends_at is not None
            and self.ends_at <= self.starts_at
        ):
            checks.add("ends_at", "must be after starts_at")
        checks.raise_if_any()

    def not_started(self, at: datetime) -> bool:
        """True if ``at`` is before the start."""
        return self.starts_at is not None and at < self.starts_at

    def ended(self, at: datetime) -> bool:
        """True if ``at`` is at or after the end."""
        return self.ends_at is not None and at >= self.ends_at


class CustomerKind(enum.Enum):
    """Which customers an audience admits by order history."""

    ANY = "any"
    """Everyone."""
    NEW = "new"
    """Customers who have not ordered before (``Customer.is_new``)."""
    RETURNING = "returning"
    """Customers who have ordered before."""


@attrs.frozen
class Audience:
    """Who a campaign is for. Empty sets admit everyone.

    Attributes:
        tiers: Member tiers admitted (any of them).
        segments: Segments admitted (the customer must be in at least one).
        customers: New customers only, returning only, or any.
        customer_ids: Specific customers admitted (a whitelist).
    """

    tiers: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    segments: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    customers: CustomerKind = CustomerKind.ANY
    customer_ids: frozenset[str] = attrs.field(default=frozenset(), converter=labels)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("tiers", "segments", "customer_ids"):
            check_labels(checks, name, getattr(self, name))
        check_instance(checks, "customers", self.customers, CustomerKind, "a CustomerKind")
        checks.raise_if_any()

    @property
    def is_everyone(self) -> bool:
        """True if the audience admits every customer, anonymous ones included."""
        return not (self.tiers or self.segments or self.customer_ids) and (
            self.customers is CustomerKind.ANY
        )

    def mismatch(self, customer: Customer | None) -> str | None:
        """Return why ``customer`` is not admitted, or ``None`` if admitted."""
        if self.is_everyone:
            return None
        if customer is None:
            return "the campaign is for identified customers only"
        if self.tiers and customer.tier not in self.tiers:
            return f"for member tiers {', '.join(sorted(self.tiers))}"
        if self.segments and not (self.segments & customer.segments):
            return f"for segments {', '.join(sorted(self.segments))}"
        if self.customers is CustomerKind.NEW and not customer.is_new:
            return "for new customers only"
        if self.customers is CustomerKind.RETURNING and customer.is_new:
            return "for returning customers only"
        if self.customer_ids and customer.id not in self.customer_ids:
            return "for invited customers only"
        return None


@attrs.frozen
class Scope:
    """Which lines a campaign covers. Empty ``skus`` and ``categories`` cover every line.

    A line is in scope when its sku or one of its categories is listed (or nothing is
    listed), and neither its sku nor any of its categories is excluded.

    Attributes:
        skus: Skus covered.
        categories: Categories covered (a line with any of them).
        exclude_skus: Skus never covered.
        exclude_categories: Categories never covered.
    """

    skus: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    categories: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    exclude_skus: frozenset[str] = attrs.field(default=frozenset(), converter=labels)
    exclude_categories: frozenset[str] = attrs.field(default=frozenset(), converter=labels)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("skus", "categories", "exclude_skus", "exclude_categories"):
            check_labels(checks, name, getattr(self, name))
        checks.raise_if_any()

    @property
    def is_everything(self) -> bool:
        """True if the scope names no sku or category to include."""
        return not (self.skus or self.categories)

    def includes(self, line: LineItem) -> bool:
        """True if ``line`` is covered; the shipping line is goods of no scope.

        (The engine offers the shipping line to the ``shipping`` stage of every scope that
        covers some goods of the cart: see [`Cart.shipping`][promocore.cart.Cart].)
        """
        if line.is_shipping:
            return False
        if line.sku in self.exclude_skus or (line.categories & self.exclude_categories):
            return False
        if self.is_everything:
            return True
        return line.sku in self.skus or bool(line.categories & self.categories)


@attrs.frozen
class Budget:
    """A spend budget: the campaign never grants more than ``limit`` in all.

    Attributes:
        limit: The most the campaign may grant over all orders, in its currency.
        contingency: The share of ``limit`` held back as a contingency reserve
            (``Decimal("0.1")`` for 10 %): it is only spent once released
            ([`release_contingency`][promocore.ledger.contingency.release_contingency]);
            ``None`` for none.
    """

    limit: Money
    contingency: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if check_amount(checks, "limit", self.limit):
            checks.check(self.limit.amount > 0, "limit", "must be > 0")
        share = self.contingency
        checks.check(
            share is None or (isinstance(share, Decimal) and share.is_finite() and 0 < share < 1),
            "contingency",
            "must be a share > 0 and < 1, such as 0.1",
        )
        checks.raise_if_any()

    @property
    def held_back(self) -> Money:
        """The contingency reserve: ``limit`` times ``contingency``, rounded down."""
        if self.contingency is None:
            return Money.zero(self.limit.currency)
        return self.limit.multiply(self.contingency, Rounding.DOWN)

    @property
    def spendable(self) -> Money:
        """What may be spent before any of the contingency reserve is released."""
        return self.limit - self.held_back


def _gift_stock(
    values: Mapping[str, int] | Iterable[tuple[str, int]],
) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(dict(values).items()))


def _period_caps(items: Iterable[PeriodCap]) -> tuple[PeriodCap, ...]:
    return tuple(items)


@attrs.frozen(kw_only=True)
class Limits:
    """Usage limits and counted resources other than the budget.

    Checkout reserves every one of them together with the budget, in one all-or-nothing
    ledger call (see [`promocore.ledger.resources`][promocore.ledger.resources]).

    Attributes:
        per_order: At most this many units are discounted in one order.
        per_customer: A customer may use the campaign in at most this many orders
            (counted in the ledger at checkout; ``usage=`` at pricing is a pre-read).
        redemptions: The campaign may be used in at most this many orders in all
            ("the first N orders").
        per_customer_value: The most the campaign may grant one customer over all orders.
        periods: Caps per day, week or month, counted in the campaign's ``time_zone``.
        gift_stock: Gift units the campaign may give per gift sku (a mapping is accepted);
            gifts of skus not listed are not counted.
    """

    per_order: int | None = None
    per_customer: int | None = None
    redemptions: int | None = None
    per_customer_value: Money | None = None
    periods: tuple[PeriodCap, ...] = attrs.field(default=(), converter=_period_caps)
    gift_stock: tuple[tuple[str, int], ...] = attrs.field(default=(), converter=_gift_stock)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("per_order", "per_customer", "redemptions"):
            check_whole(checks, name, getattr(self, name), minimum=1, optional=True)
        value = self.per_customer_value
        if check_amount(checks, "per_customer_value", value, optional=True) and value is not None:
            checks.check(value.amount > 0, "per_customer_value", "must be an amount > 0")
        seen: set[Period] = set()
        for i, cap in enumerate(self.periods):
            if not isinstance(cap, PeriodCap):
                checks.add_type(f"periods[{i}]", "must be a PeriodCap")
            elif cap.period in seen:
                checks.add(f"periods[{i}].period", f"{cap.period.value!r} is capped twice")
            else:
                seen.add(cap.period)
        for sku, units in self.gift_stock:
            check_whole(checks, f"gift_stock.{sku}", units, minimum=0)
        checks.raise_if_any()

    @property
    def counted(self) -> bool:
        """True if the limits declare anything checkout reserves."""
        return bool(
            self.per_customer
            or self.redemptions
            or self.per_customer_value
            or self.periods
            or self.gift_stock
        )

    def gift_units(self, sku: str) -> int | None:
        """The gift stock declared for ``sku``, or ``None`` if its gifts are not counted."""
        for name, units in self.gift_stock:
            if name == sku:
                return units
        return None


@attrs.frozen
class Gift:
    """A gift line added at zero price (满赠).

    A gift is a grant: each unit is valued at its declared ``cost`` if given, else at its
    ``list_price``, and counts against its campaign's budget. One of the two is required.

    Attributes:
        sku: The gift's sku.
        quantity: Units given.
        name: A name to show, if the sku is not enough.
        list_price: What one unit sells for, in the campaign's currency.
        cost: What one unit costs the merchant, when that, not the list price, is what
            the budget should count.
    """

    sku: str
    quantity: int = 1
    name: str = ""
    list_price: Money | None = None
    cost: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_id(checks, "sku", self.sku)
        check_whole(
            checks, "quantity", self.quantity, minimum=1, maximum=MAX_QUANTITY, limit="MAX_QUANTITY"
        )
        check_text(checks, "name", self.name)
        if self.list_price is None and self.cost is None:
            checks.add("list_price", "give list_price or cost: a gift is valued like any grant")
        for name in ("list_price", "cost"):
            value = getattr(self, name)
            if check_amount(checks, name, value, optional=True, what="Money or None") and value:
                checks.check(value.amount >= 0, name, "must be >= 0")
        if (
            isinstance(self.list_price, Money)
            and isinstance(self.cost, Money)
            and self.list_price.currency != self.cost.currency
        ):
            checks.add("cost", f"is in {self.cost.currency}, not {self.list_price.currency}")
        checks.raise_if_any()

    @property
    def unit_value(self) -> Money:
        """What one unit is worth as a grant: its ``cost``, else its ``list_price``."""
        value = self.cost if self.cost is not None else self.list_price
        assert value is not None
        return value

    @property
    def value(self) -> Money:
        """What the gift is worth as a grant: ``unit_value`` times ``quantity``."""
        return self.unit_value * self.quantity


def _gifts(values: Iterable[Gift]) -> tuple[Gift, ...]:
    return items(values)  # type: ignore[no-any-return]


@attrs.frozen
class Reward:
    """What a tier grants: an amount off, a percent off, gifts, or a mix.

    Attributes:
        amount_off: An amount off the lines in scope.
        percent_off: A percentage off the lines in scope (``Decimal("20")`` for 20 %).
        gifts: Gift lines added at zero price.
    """

    amount_off: Money | None = None
    percent_off: Decimal | None = None
    gifts: tuple[Gift, ...] = attrs.field(default=(), converter=_gifts)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_amount(checks, "amount_off", self.amount_off, optional=True, what="Money or None")
        check_decimal(checks, "percent_off", self.percent_off, optional=True)
        if not isinstance(self.gifts, tuple):
            checks.add_type("gifts", f"must be a sequence of Gift, got {type(self.gifts).__name__}")
        else:
            for i, gift in enumerate(self.gifts):
                check_instance(checks, f"gifts[{i}]", gift, Gift, "a Gift")
        if checks.problems:
            checks.raise_if_any()
        if self.amount_off is not None and self.percent_off is not None:
            checks.add("percent_off", "give amount_off or percent_off, not both")
        if self.amount_off is None and self.percent_off is None and not self.gifts:
            checks.add("", "a reward needs amount_off, percent_off or gifts")
        if self.amount_off is not None:
            checks.check(self.amount_off.amount > 0, "amount_off", "must be > 0")
        if self.percent_off is not None:
            checks.check(0 < self.percent_off <= 100, "percent_off", "must be > 0 and <= 100")
        checks.raise_if_any()


@attrs.frozen
class Tier:
    """A threshold and the reward for reaching it.

    ``threshold`` is an amount (``Money``) on an amount basis, or a number of units
    (``int``) on a quantity basis (满N件). The reward is ``amount_off``,
    ``percent_off``, ``gifts``, or gifts with one of the two.

    Attributes:
        threshold: What the lines in scope must reach (an amount or a number of units).
        amount_off: An amount off when it is reached.
        percent_off: A percentage off when it is reached.
        gifts: Gift lines added when it is reached.
    """

    threshold: Money | int
    amount_off: Money | None = None
    percent_off: Decimal | None = None
    gifts: tuple[Gift, ...] = attrs.field(default=(), converter=_gifts)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if isinstance(self.threshold, Money):
            if check_amount(checks, "threshold", self.threshold):
                checks.check(self.threshold.amount > 0, "threshold", "must be > 0")
        elif isinstance(self.threshold, int) and not isinstance(self.threshold, bool):
            check_whole(
                checks,
                "threshold",
                self.threshold,
                minimum=1,
                maximum=MAX_QUANTITY,
                limit="MAX_QUANTITY",
            )
        else:
            kind = type(self.threshold).__name__
            checks.add_type("threshold", f"must be Money or a whole number, got {kind}")
        try:
            self.reward  # noqa: B018 - validates the reward
        except ValidationError as exc:
            checks.absorb(exc)
        checks.raise_if_any()

    @property
    def reward(self) -> Reward:
        """What reaching the tier grants."""
        return Reward(self.amount_off, self.percent_off, self.gifts)


@attrs.frozen
class Campaign:
    """A promotion: which mechanic, with which params, for whom, on what and when.

    Attributes:
        id: Unique id; results and budgets refer to it.
        name: Human name shown in explanations.
        mechanic: Name of the mechanic that prices it (``"tiered_discount"``).
        params: The mechanic's params object (its ``params_type``).
        currency: Currency of every amount in the campaign.
        stage: Stage it runs at; ``None`` takes the mechanic's default.
        schedule: When it runs.
        audience: Who it is for.
        scope: Which lines it covers.
        priority: Higher runs first inside a stage and wins ties in priority mode.
        exclusive_group: Campaigns sharing a group compete; at most one applies.
            Units a grouped campaign discounts are not used by another grouped one
            of the same stage.
        budget: Spend budget, if any.
        limits: Per-order and per-customer limits.
        conditions: What must hold of the cart, the customer and the moment, checked
            before the mechanic (see [`promocore.conditions`][promocore.conditions]);
            ``None`` for none.
        time_zone: The IANA time zone the conditions read days and times in, and the
            periodic caps of ``limits`` count days, weeks and months in.
    """

    id: str
    name: str
    mechanic: str
    params: Any
    currency: str = "CNY"
    stage: Stage | None = None
    schedule: Schedule = Schedule()
    audience: Audience = Audience()
    scope: Scope = Scope()
    priority: int = 0
    exclusive_group: str | None = None
    budget: Budget | None = None
    limits: Limits = Limits()
    conditions: Condition | None = None
    time_zone: str = DEFAULT_TIME_ZONE

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        check_id(checks, "id", self.id)
        _check_conditions(checks, self.conditions, self.time_zone)
        check_text(checks, "name", self.name)
        check_id(checks, "mechanic", self.mechanic)
        try:
            Money.zero(self.currency)
        except PromocoreError as exc:
            if isinstance(exc, TypeError):
                checks.add_type("currency", f"must be a str, got {type(self.currency).__name__}")
            else:
                checks.add("currency", str(exc))
        check_instance(checks, "stage", self.stage, Stage | None, "a Stage or None")
        for name, cls in (
            ("schedule", Schedule),
            ("audience", Audience),
            ("scope", Scope),
            ("limits", Limits),
        ):
            check_instance(checks, name, getattr(self, name), cls, f"a {cls.__name__}")
        check_whole(
            checks,
            "priority",
            self.priority,
            minimum=-MAX_PRIORITY,
            maximum=MAX_PRIORITY,
            limit="MAX_PRIORITY",
        )
        budget = self.budget
        if (
            check_instance(checks, "budget", budget, Budget | None, "a Budget or None")
            and budget is not None
            and budget.limit.currency != self.currency
        ):
            checks.add("budget.limit", f"is in {budget.limit.currency}, not {self.currency}")
        if isinstance(self.limits, Limits):
            for path, amount in self._amounts():
                if amount.currency != self.currency:
                    checks.add(path, f"is in {amount.currency}, not {self.currency}")
        check_id(checks, "exclusive_group", self.exclusive_group, optional=True)
        checks.raise_if_any()

    def _amounts(self) -> Iterable[tuple[str, Money]]:
        limits = self.limits
        if isinstance(limits.per_customer_value, Money):
            yield "limits.per_customer_value", limits.per_customer_value
        for i, cap in enumerate(limits.periods):
            if isinstance(cap, PeriodCap) and cap.value is not None:
                yield f"limits.periods[{i}].value", cap.value

    @property
    def is_exclusive(self) -> bool:
        """True if the campaign belongs to an exclusive group."""
        return self.exclusive_group is not None


def _check_conditions(checks: Checks, conditions: object, time_zone: object) -> None:
    if conditions is not None:
        from promocore.conditions import Condition  # conditions import this module

        if not isinstance(conditions, Condition):
            checks.add("conditions", f"must be a Condition, got {type(conditions).__name__}")
    check_time_zone(checks, time_zone, "time_zone")
