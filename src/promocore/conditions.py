"""Campaign conditions: what must hold of the cart, the customer and the moment.

A campaign's ``conditions`` is one [`Condition`][promocore.conditions.Condition], usually an
[`AllOf`][promocore.conditions.AllOf] of several, combined with
[`AnyOf`][promocore.conditions.AnyOf] and [`Not`][promocore.conditions.Not] as deep as needed.
The engine checks them after the campaign's scope and before its mechanic is asked, so a
campaign whose conditions fail costs one check and nothing more. Each condition that fails
explains itself, when the explanation is read, with a reason code, a message and, where
something would make it hold, a [`Gap`][promocore.quote.Gap] ("add 1 more item",
"starts Wednesday 00:00").

Built-in kinds (the ``kind`` of a condition in a campaign file):

| kind | class | holds when |
| --- | --- | --- |
| ``min_amount`` | `MinAmount` | the lines in its scope reach an amount (list prices) |
| ``min_quantity`` | `MinQuantity` | the lines in its scope reach a number of units |
| ``distinct_skus`` | `DistinctSkus` | the lines in its scope hold that many different skus |
| ``contains_all`` | `ContainsAll` | every sku of a set is in the cart |
| ``first_order`` | `FirstOrder` | the customer has never ordered (``Customer.is_new``) |
| ``channel`` | `InChannel` | the cart's ``channel`` is listed |
| ``store`` | `InStore` | the cart's ``store`` is listed |
| ``segment`` | `InSegment` | the customer is in a listed segment |
| ``birthday`` | `BirthdayWindow` | the day is in the customer's birthday window |
| ``weekdays`` | `Weekdays` | the day of the week is listed (会员日 every Wednesday) |
| ``month_days`` | `MonthDays` | the day of the month is listed (每月8号) |
| ``time_of_day`` | `TimeOfDay` | the time is in a daily window (19:00–21:00) |
| ``dates`` | `OnDates` | the date is listed (holidays) |
| ``blackout`` | `Blackout` | the date is not listed (blackout dates) |
| ``experiment_arm`` | `InArm` | the customer is in an arm of a running experiment |
| ``outside_holdout`` | `OutsideHoldout` | the customer is not held out |

Days, dates and times are read in the campaign's ``time_zone``. Amounts and units are
measured on the cart as given (list prices, before any discount), the same for every
stage; a threshold on what is left to pay is the mechanic's business.

A plugin adds kinds through the ``promocore_condition_kinds`` hook: an attrs class with a
``kind`` class variable and the two methods of [`Condition`][promocore.conditions.Condition]
(subclass [`Leaf`][promocore.conditions.Leaf] to get ``holds`` from ``unmet``).

Limits: conditions nest at most [`MAX_DEPTH`][promocore.conditions.MAX_DEPTH] deep and a
campaign holds at most [`MAX_CONDITIONS`][promocore.conditions.MAX_CONDITIONS] of them; a
listed set (skus, channels, dates...) holds at most
[`MAX_ITEMS`][promocore.conditions.MAX_ITEMS] items.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, ClassVar, Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from promocore.campaign import Scope
from promocore.cart import Cart, Customer
from promocore.errors import Problem, ValidationError
from promocore.money import Money
from promocore.quote import Gap
from promocore.validation import Checks

#: Deepest nesting of ``all`` / ``any`` / ``not``.
MAX_DEPTH = 16
#: Most conditions (leaves and combinations) in one campaign.
MAX_CONDITIONS = 256
#: Most items in one listed set of a condition.
MAX_ITEMS = 10_000

#: The default scope of amount and quantity conditions: every line of the cart.
ALL_LINES = Scope()

#: Steps taken to find when the time windows of an ``all`` open together.
_MAX_STEPS = 1000

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ConditionReason(enum.StrEnum):
    """The reason codes of unmet built-in conditions (``NotApplied.reason``)."""

    BELOW_MIN_AMOUNT = "below_min_amount"
    """The lines in the condition's scope are below its amount."""
    BELOW_MIN_QUANTITY = "below_min_quantity"
    """The lines in the condition's scope hold fewer units than it needs."""
    TOO_FEW_SKUS = "too_few_skus"
    """The lines in the condition's scope hold fewer different skus than it needs."""
    MISSING_SKUS = "missing_skus"
    """Some sku the condition needs together with the others is not in the cart."""
    NOT_FIRST_ORDER = "not_first_order"
    """The customer has ordered before, or the cart has no customer."""
    WRONG_CHANNEL = "wrong_channel"
    """The cart comes from another channel, or names none."""
    WRONG_STORE = "wrong_store"
    """The cart is for another store, or names none."""
    SEGMENT_MISMATCH = "segment_mismatch"
    """The customer is in none of the segments, or the cart has no customer."""
    NOT_BIRTHDAY = "not_birthday"
    """The day is outside the customer's birthday window, or the birthday is unknown."""
    OUTSIDE_DAYS = "outside_days"
    """The day of the week or of the month is not one the condition lists."""
    OUTSIDE_HOURS = "outside_hours"
    """The time of day is outside the condition's daily window."""
    OUTSIDE_DATES = "outside_dates"
    """The date is not one the condition lists."""
    BLACKOUT_DATE = "blackout_date"
    """The date is a blackout date."""
    NOT_IN_ARM = "not_in_arm"
    """The customer is not in the experiment arm (another arm, held out, outside it)."""
    HELD_OUT = "held_out"
    """The customer is in the holdout."""
    EXCLUDED = "excluded"
    """A ``not`` condition: what it negates holds."""
    NONE_MET = "none_met"
    """An ``any`` condition: none of its alternatives holds."""


@attrs.frozen
class Unmet:
    """Why a condition does not hold.

    Attributes:
        reason: A reason code ([`ConditionReason`][promocore.conditions.ConditionReason],
            or a plugin's own).
        message: Why, in words.
        gap: What would make it hold, if anything would.
    """

    reason: str
    message: str
    gap: Gap | None = None


@runtime_checkable
class ArmLookup(Protocol):
    """Where experiment conditions look customers up.

    An [`ExperimentSet`][promocore.experiments.ExperimentSet] is one.
    """

    @property
    def experiments(self) -> Mapping[str, Any]:
        """Experiments by id, each with ``arm_names``."""

    @property
    def holdouts(self) -> Mapping[str, Any]:
        """Holdouts by id."""

    def arm_of(self, experiment_id: str, unit_id: object, at: datetime) -> str | None:
        """The arm of ``unit_id`` in the experiment at ``at``, or ``None``."""

    def held_out(self, holdout_id: str, unit_id: object) -> bool:
        """Is ``unit_id`` in the holdout?"""


@attrs.frozen
class Measure:
    """What the lines of a scope hold, at list prices.

    Attributes:
        amount: Sum of their subtotals, in minor units.
        units: Sum of their quantities.
        skus: Their skus.
    """

    amount: int
    units: int
    skus: frozenset[str]


class Facts:
    """What conditions look at in one pricing, in one time zone.

    The engine makes one per time zone per quote; measures of scopes and the answers of
    conditions are kept, so campaigns sharing a condition (the same 会员日) check it once.

    Attributes:
        cart: The cart.
        at: The moment priced.
        local: The same moment in the time zone.
        zone: The time zone.
        experiments: Where experiment conditions look customers up, if anywhere.
    """

    __slots__ = ("_answers", "_measures", "at", "cart", "experiments", "local", "zone")

    def __init__(
        self,
        cart: Cart,
        at: datetime,
        zone: tzinfo,
        experiments: ArmLookup | None = None,
        measures: dict[Scope, Measure] | None = None,
    ) -> None:
        self.cart = cart
        self.at = at
        self.zone = zone
        self.local = at.astimezone(zone)
        self.experiments = experiments
        self._measures: dict[Scope, Measure] = measures if measures is not None else {}
        self._answers: dict[Condition, bool] = {}

    @property
    def customer(self) -> Customer | None:
        """The cart's customer."""
        return self.cart.customer

    def measure(self, scope: Scope) -> Measure:
        """What the cart's lines in ``scope`` hold (worked out once per scope)."""
        found = self._measures.get(scope)
        if found is None:
            amount = units = 0
            skus = set()
            for line in self.cart.lines:
                if scope.includes(line):
                    amount += line.unit_price.amount * line.quantity
                    units += line.quantity
                    skus.add(line.sku)
            found = self._measures[scope] = Measure(amount, units, frozenset(skus))
        return found

    def holds(self, condition: Condition) -> bool:
        """Does ``condition`` hold? (answered once per condition, if it is hashable)."""
        try:
            answer = self._answers.get(condition)
        except TypeError:  # a plugin's unhashable condition: asked every time
            return bool(condition.holds(self))
        if answer is None:
            answer = self._answers[condition] = bool(condition.holds(self))
        return answer

    def money(self, amount: int) -> Money:
        """``amount`` minor units in the cart's currency."""
        return Money(amount, self.cart.currency)

    def moved(self, at: datetime) -> Facts:
        """The same facts at another moment (to find when time windows open)."""
        return Facts(self.cart, at, self.zone, self.experiments, self._measures)


@runtime_checkable
class Condition(Protocol):
    """What every condition is: a kind, and questions about [`Facts`][promocore.conditions.Facts].

    Conditions are frozen, hashable values (attrs classes); ``holds`` is what pricing asks,
    ``unmet`` what an explanation asks, and they must agree: ``unmet`` is ``None`` exactly
    when ``holds`` is true. Both are pure: no clock, no I/O.
    """

    kind: ClassVar[str]

    def holds(self, facts: Facts) -> bool:
        """True if the condition holds."""

    def unmet(self, facts: Facts) -> Unmet | None:
        """Why it does not hold, or ``None`` if it holds."""

    def describe(self) -> str:
        """What it asks, in words (``"channel is live"``), for ``not`` and ``any`` messages."""


class Leaf:
    """A base for conditions whose ``holds`` is ``unmet(...) is None``."""

    __slots__ = ()

    def holds(self, facts: Facts) -> bool:
        """True if the condition holds."""
        unmet: Unmet | None = self.unmet(facts)  # type: ignore[attr-defined]
        return unmet is None


def _strings(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):
        return frozenset([values])
    return frozenset(values)


def _ints(values: Iterable[int]) -> frozenset[int]:
    if isinstance(values, int):
        return frozenset([values])
    return frozenset(values)


def _dates(values: Iterable[date]) -> frozenset[date]:
    if isinstance(values, date):
        return frozenset([values])
    return frozenset(values)


def _check_items(checks: Checks, name: str, values: frozenset[Any], kind: type) -> None:
    if not values:
        checks.add(name, "must list at least one item")
    elif len(values) > MAX_ITEMS:
        checks.add(name, f"must list at most {MAX_ITEMS} items")
    for value in values:
        if not isinstance(value, kind) or isinstance(value, bool):
            checks.add(name, f"must hold {kind.__name__} values, got {value!r}")
            break
        if isinstance(value, str) and not value.strip():
            checks.add(name, "must not hold an empty text")
            break


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in sorted(values))


def _whole(checks: Checks, name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        checks.add(name, "must be a whole number >= 1")


# --- combinations --------------------------------------------------------------------------


def _conditions(values: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(values)


def _check_children(children: Iterable[object]) -> None:
    checks = Checks()
    for i, child in enumerate(children):
        if not isinstance(child, Condition):
            checks.add(f"[{i}]", f"must be a Condition, got {type(child).__name__}")
    checks.raise_if_any()


@attrs.frozen(cache_hash=True)
class AllOf:
    """Holds when every one of ``conditions`` holds; explains the first that does not.

    Attributes:
        conditions: The conditions, at least one; checked in order.
    """

    kind: ClassVar[str] = "all"
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.conditions), "all", "must list at least one condition")
        try:
            _check_children(self.conditions)
        except ValidationError as exc:
            checks.absorb(exc, "all")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if every condition holds."""
        return all(facts.holds(c) for c in self.conditions)

    def unmet(self, facts: Facts) -> Unmet | None:
        """The explanation of the first condition that does not hold.

        When it is a time window, its gap is the next moment every time window of the
        combination holds (会员日 Wednesday *and* 19:00–21:00: "starts Wednesday 19:00").
        """
        for condition in self.conditions:
            if not facts.holds(condition):
                unmet = condition.unmet(facts)
                if unmet is not None and unmet.gap is not None and unmet.gap.starts_at:
                    return attrs.evolve(unmet, gap=self._opening(facts, unmet.gap))
                return unmet
        return None

    def _opening(self, facts: Facts, gap: Gap) -> Gap:
        timed = [c for c in self.conditions if getattr(c, "timed", False)]
        start = gap.starts_at
        for _ in range(_MAX_STEPS):
            assert start is not None
            later = facts.moved(start)
            blocking = next((c for c in timed if not c.holds(later)), None)
            if blocking is None:
                return _starts(start, facts)
            unmet = blocking.unmet(later)
            if unmet is None or unmet.gap is None or unmet.gap.starts_at is None:
                break
            start = unmet.gap.starts_at
        return gap

    def describe(self) -> str:
        """Every condition's description, joined by "and"."""
        return " and ".join(c.describe() for c in self.conditions)


@attrs.frozen(cache_hash=True)
class AnyOf:
    """Holds when at least one of ``conditions`` holds.

    Unmet, it names every alternative; its reason is theirs when they share one
    (``none_met`` otherwise), and its gap the soonest start, or else the first gap, of any
    alternative.

    Attributes:
        conditions: The alternatives, at least one.
    """

    kind: ClassVar[str] = "any"
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.conditions), "any", "must list at least one condition")
        try:
            _check_children(self.conditions)
        except ValidationError as exc:
            checks.absorb(exc, "any")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if some condition holds."""
        return any(facts.holds(c) for c in self.conditions)

    def unmet(self, facts: Facts) -> Unmet | None:
        """Every alternative's explanation, when none holds."""
        if self.holds(facts):
            return None
        found = [u for u in (c.unmet(facts) for c in self.conditions) if u is not None]
        reasons = {u.reason for u in found}
        reason = found[0].reason if len(reasons) == 1 else ConditionReason.NONE_MET
        gaps = [u.gap for u in found if u.gap is not None]
        timed = [g for g in gaps if g.starts_at is not None]
        gap = min(timed, key=lambda g: g.starts_at or facts.at) if timed else None
        if gap is None and gaps:
            gap = gaps[0]
        message = "needs one of: " + "; or ".join(u.message for u in found)
        return Unmet(str(reason), message, gap)

    def describe(self) -> str:
        """Every alternative's description, joined by "or"."""
        return "(" + " or ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen(cache_hash=True)
class Not:
    """Holds when ``condition`` does not.

    Attributes:
        condition: The condition negated.
    """

    kind: ClassVar[str] = "not"
    condition: Condition

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if not isinstance(self.condition, Condition):
            checks.add("not", f"must be a Condition, got {type(self.condition).__name__}")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if the negated condition does not hold."""
        return not facts.holds(self.condition)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``excluded``, naming what holds."""
        if self.holds(facts):
            return None
        return Unmet(ConditionReason.EXCLUDED, f"excluded when {self.condition.describe()}")

    def describe(self) -> str:
        """The negated condition's description, negated."""
        return f"not {self.condition.describe()}"


# --- the cart ------------------------------------------------------------------------------


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
        _whole(checks, "units", self.units)
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
        _whole(checks, "count", self.count)
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
class ContainsAll(Leaf):
    """Every one of ``skus`` is in the cart (a set bought together).

    Attributes:
        skus: The skus, at least one.
    """

    kind: ClassVar[str] = "contains_all"
    skus: frozenset[str] = attrs.field(converter=_strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_items(checks, "skus", self.skus, str)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """Which skus are missing."""
        missing = self.skus - facts.measure(Scope()).skus
        if not missing:
            return None
        return Unmet(
            ConditionReason.MISSING_SKUS,
            f"needs {_listed(self.skus)} together; missing {_listed(missing)}",
            Gap(f"add {_listed(missing)}", add_quantity=len(missing)),
        )

    def describe(self) -> str:
        """``"the cart holds A, B"``."""
        return f"the cart holds {_listed(self.skus)}"


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
    _check_items(checks, name, values, str)


@attrs.frozen(cache_hash=True)
class InChannel(Leaf):
    """The cart comes from one of ``channels`` (``Cart.channel``: ``"live"``, ``"mini_program"``).

    Attributes:
        channels: The channels admitted.
    """

    kind: ClassVar[str] = "channel"
    channels: frozenset[str] = attrs.field(converter=_strings)

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
            f"for channel {_listed(self.channels)} only; the cart {given}",
        )

    def describe(self) -> str:
        """``"the channel is live"``."""
        return f"the channel is {_listed(self.channels)}"


@attrs.frozen(cache_hash=True)
class InStore(Leaf):
    """The cart is for one of ``stores`` (``Cart.store``).

    Attributes:
        stores: The stores admitted.
    """

    kind: ClassVar[str] = "store"
    stores: frozenset[str] = attrs.field(converter=_strings)

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
            ConditionReason.WRONG_STORE, f"for store {_listed(self.stores)} only; the cart {given}"
        )

    def describe(self) -> str:
        """``"the store is sh-01"``."""
        return f"the store is {_listed(self.stores)}"


@attrs.frozen(cache_hash=True)
class InSegment(Leaf):
    """The customer is in at least one of ``segments``.

    Attributes:
        segments: The segments admitted.
    """

    kind: ClassVar[str] = "segment"
    segments: frozenset[str] = attrs.field(converter=_strings)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, "segments", self.segments)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``segment_mismatch`` unless the customer is in a segment."""
        customer = facts.customer
        if customer is not None and customer.segments & self.segments:
            return None
        message = f"for segment {_listed(self.segments)} only"
        if customer is None:
            message += "; the cart has no customer"
        return Unmet(ConditionReason.SEGMENT_MISMATCH, message)

    def describe(self) -> str:
        """``"the customer is in segment vip"``."""
        return f"the customer is in segment {_listed(self.segments)}"


# --- the calendar --------------------------------------------------------------------------


def _midnight(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def _when(moment: datetime, now: datetime) -> str:
    """``"Wednesday 00:00"`` within a week of ``now``, else ``"2026-12-08 00:00"``."""
    clock = moment.strftime("%H:%M")
    if timedelta(0) < moment - now < timedelta(days=7):
        return f"{_WEEKDAYS[moment.weekday()]} {clock}"
    return f"{moment.date().isoformat()} {clock}"


def _starts(moment: datetime, facts: Facts) -> Gap:
    return Gap(f"starts {_when(moment, facts.local)}", starts_at=moment)


def _next_day(today: date, wanted: Any, horizon: int) -> date | None:
    """The first day after ``today`` for which ``wanted(day)`` is true, within ``horizon`` days."""
    for step in range(1, horizon + 1):
        day = today + timedelta(days=step)
        if wanted(day):
            return day
    return None


def _birthday_in(year: int, birthday: date) -> date:
    """The birthday in ``year`` (29 February is kept on 28 February in other years)."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


@attrs.frozen(cache_hash=True)
class BirthdayWindow(Leaf):
    """The day is in the customer's birthday window (``Customer.birthday``).

    The window runs from ``days_before`` days before the birthday to ``days_after`` days
    after it, both included; ``whole_month`` makes it the birthday's month instead
    (生日月). A birthday on 29 February falls on 28 February in other years.

    Attributes:
        days_before: Days before the birthday the window opens (0 to 180).
        days_after: Days after the birthday it stays open (0 to 180).
        whole_month: The window is the whole month of the birthday.
    """

    kind: ClassVar[str] = "birthday"
    timed: ClassVar[bool] = True
    days_before: int = 0
    days_after: int = 0
    whole_month: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("days_before", "days_after"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 180:
                checks.add(name, "must be a whole number from 0 to 180")
        checks.raise_if_any()

    def _window(self, year: int, birthday: date) -> tuple[date, date]:
        if self.whole_month:
            first = date(year, birthday.month, 1)
            last = _next_day(first, lambda d: d.month != birthday.month, 32)
            assert last is not None
            return first, last - timedelta(days=1)
        day = _birthday_in(year, birthday)
        return day - timedelta(days=self.days_before), day + timedelta(days=self.days_after)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``not_birthday``, with the next window's start."""
        customer = facts.customer
        birthday = customer.birthday if customer is not None else None
        if birthday is None:
            return Unmet(
                ConditionReason.NOT_BIRTHDAY,
                f"for the customer's {self.describe().removeprefix('the ')}; "
                "the customer's birthday is not known",
            )
        today = facts.local.date()
        starts = []
        for year in (today.year - 1, today.year, today.year + 1):
            first, last = self._window(year, birthday)
            if first <= today <= last:
                return None
            if first > today:
                starts.append(first)
        moment = _midnight(min(starts), facts.zone)
        return Unmet(
            ConditionReason.NOT_BIRTHDAY,
            f"for the customer's {self.describe().removeprefix('the ')}",
            _starts(moment, facts),
        )

    def describe(self) -> str:
        """``"the birthday window (3 days before to 3 days after)"``."""
        if self.whole_month:
            return "the birthday month"
        if not (self.days_before or self.days_after):
            return "the birthday"
        return (
            f"the birthday window ({self.days_before} days before to {self.days_after} days after)"
        )


@attrs.frozen(cache_hash=True)
class Weekdays(Leaf):
    """The day of the week is one of ``days``: 1 is Monday, 7 Sunday (会员日 every Wednesday: 3).

    Attributes:
        days: ISO weekday numbers, 1 to 7.
    """

    kind: ClassVar[str] = "weekdays"
    timed: ClassVar[bool] = True
    days: frozenset[int] = attrs.field(converter=_ints)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_items(checks, "days", self.days, int)
        if any(isinstance(d, int) and not 1 <= d <= 7 for d in self.days):
            checks.add("days", "must be weekday numbers from 1 (Monday) to 7 (Sunday)")
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_days``, with the next listed day's start."""
        today = facts.local.date()
        if today.isoweekday() in self.days:
            return None
        day = _next_day(today, lambda d: d.isoweekday() in self.days, 7)
        assert day is not None
        return Unmet(
            ConditionReason.OUTSIDE_DAYS,
            f"on {self._names()} only; today is {_WEEKDAYS[today.weekday()]}",
            _starts(_midnight(day, facts.zone), facts),
        )

    def _names(self) -> str:
        return ", ".join(_WEEKDAYS[d - 1] for d in sorted(self.days))

    def describe(self) -> str:
        """``"the day is Wednesday"``."""
        return f"the day is {self._names()}"


@attrs.frozen(cache_hash=True)
class MonthDays(Leaf):
    """The day of the month is one of ``days`` (每月8号: 8). Months without a day skip it.

    Attributes:
        days: Days of the month, 1 to 31.
    """

    kind: ClassVar[str] = "month_days"
    timed: ClassVar[bool] = True
    days: frozenset[int] = attrs.field(converter=_ints)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_items(checks, "days", self.days, int)
        if any(isinstance(d, int) and not 1 <= d <= 31 for d in self.days):
            checks.add("days", "must be days of the month from 1 to 31")
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_days``, with the next listed day's start."""
        today = facts.local.date()
        if today.day in self.days:
            return None
        day = _next_day(today, lambda d: d.day in self.days, 62)
        assert day is not None  # every day of the month comes back within two months
        return Unmet(
            ConditionReason.OUTSIDE_DAYS,
            f"on day {_listed(self.days)} of the month only; today is day {today.day}",
            _starts(_midnight(day, facts.zone), facts),
        )

    def describe(self) -> str:
        """``"the day of the month is 8"``."""
        return f"the day of the month is {_listed(self.days)}"


def _clock(value: time) -> str:
    return value.strftime("%H:%M") if not value.second else value.strftime("%H:%M:%S")


@attrs.frozen(cache_hash=True)
class TimeOfDay(Leaf):
    """The time of day is from ``start`` (included) to ``end`` (excluded), every day.

    A window whose end is before its start runs past midnight (22:00–02:00).

    Attributes:
        start: When the window opens (``19:00``).
        end: When it closes (``21:00``); not equal to ``start``.
    """

    kind: ClassVar[str] = "time_of_day"
    timed: ClassVar[bool] = True
    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                checks.add(name, "must be a time of day (19:00)")
            elif value.tzinfo is not None:
                checks.add(name, "must not carry a time zone: the campaign's time_zone is used")
        if not checks.problems and self.start == self.end:
            checks.add("end", "must differ from start")
        checks.raise_if_any()

    def _inside(self, clock: time) -> bool:
        if self.start < self.end:
            return self.start <= clock < self.end
        return clock >= self.start or clock < self.end

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_hours``, with the window's next opening."""
        local = facts.local
        clock = local.time().replace(tzinfo=None)
        if self._inside(clock):
            return None
        day = local.date() if clock < self.start else local.date() + timedelta(days=1)
        moment = datetime.combine(day, self.start, tzinfo=facts.zone)
        return Unmet(
            ConditionReason.OUTSIDE_HOURS,
            f"from {_clock(self.start)} to {_clock(self.end)} only; it is {_clock(clock)}",
            _starts(moment, facts),
        )

    def describe(self) -> str:
        """``"the time is 19:00-21:00"``."""
        return f"the time is {_clock(self.start)}-{_clock(self.end)}"


@attrs.frozen(cache_hash=True)
class OnDates(Leaf):
    """The date is one of ``dates`` (holidays, a festival's days).

    Attributes:
        dates: The dates.
    """

    kind: ClassVar[str] = "dates"
    timed: ClassVar[bool] = True
    dates: frozenset[date] = attrs.field(converter=_dates)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_items(checks, "dates", self.dates, date)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``outside_dates``, with the next listed date's start, if one is left."""
        today = facts.local.date()
        if today in self.dates:
            return None
        later = [d for d in self.dates if d > today]
        if not later:
            return Unmet(
                ConditionReason.OUTSIDE_DATES, f"on {self._shown()} only; every date has passed"
            )
        return Unmet(
            ConditionReason.OUTSIDE_DATES,
            f"on {self._shown()} only",
            _starts(_midnight(min(later), facts.zone), facts),
        )

    def _shown(self) -> str:
        shown = sorted(self.dates)
        text = ", ".join(d.isoformat() for d in shown[:5])
        return text + (f" and {len(shown) - 5} more dates" if len(shown) > 5 else "")

    def describe(self) -> str:
        """``"the date is 2026-10-01"``."""
        return f"the date is {self._shown()}"


@attrs.frozen(cache_hash=True)
class Blackout(Leaf):
    """The date is not one of ``dates`` (blackout dates: holidays a campaign skips).

    Attributes:
        dates: The dates the campaign does not run.
    """

    kind: ClassVar[str] = "blackout"
    timed: ClassVar[bool] = True
    dates: frozenset[date] = attrs.field(converter=_dates)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_items(checks, "dates", self.dates, date)
        checks.raise_if_any()

    def unmet(self, facts: Facts) -> Unmet | None:
        """``blackout_date``, with the next day that is not one."""
        today = facts.local.date()
        if today not in self.dates:
            return None
        day = _next_day(today, lambda d: d not in self.dates, len(self.dates) + 1)
        assert day is not None
        return Unmet(
            ConditionReason.BLACKOUT_DATE,
            f"not on {today.isoformat()} (a blackout date)",
            _starts(_midnight(day, facts.zone), facts),
        )

    def describe(self) -> str:
        """``"the date is a blackout date"``."""
        return "the date is a blackout date"


# --- experiments ---------------------------------------------------------------------------


@attrs.frozen(cache_hash=True)
class InArm(Leaf):
    """The customer is in arm ``arm`` of experiment ``experiment``, and it is running.

    The engine looks customers up in the experiments it was given
    (``Engine(..., experiments=...)``); a customer the experiment's holdout holds out is in
    no arm. An applied campaign records the arms it was served by in ``Applied.arms``.

    Attributes:
        experiment: The experiment's id.
        arm: The arm's name.
    """

    kind: ClassVar[str] = "experiment_arm"
    experiment: str
    arm: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("experiment", "arm"):
            value = getattr(self, name)
            checks.check(isinstance(value, str) and bool(value.strip()), name, "must not be empty")
        checks.raise_if_any()

    def _arm(self, facts: Facts) -> str | None:
        customer = facts.customer
        if customer is None or facts.experiments is None:
            return None
        return facts.experiments.arm_of(self.experiment, customer.id, facts.at)

    def holds(self, facts: Facts) -> bool:
        """True if the customer is in the arm."""
        return self._arm(facts) == self.arm

    def unmet(self, facts: Facts) -> Unmet | None:
        """``not_in_arm``, saying where the customer is instead."""
        found = self._arm(facts)
        if found == self.arm:
            return None
        if facts.customer is None:
            where = "the cart has no customer"
        elif found is None:
            where = "the customer is not in it"
        else:
            where = f"the customer is in arm {found!r}"
        return Unmet(
            ConditionReason.NOT_IN_ARM,
            f"for arm {self.arm!r} of experiment {self.experiment!r}; {where}",
        )

    def describe(self) -> str:
        """``"in arm 'treatment' of experiment 'd11'"``."""
        return f"in arm {self.arm!r} of experiment {self.experiment!r}"

    def problems(self, currency: str, experiments: ArmLookup | None) -> list[Problem]:
        """The experiment and the arm must be known to the engine."""
        if experiments is None:
            return [Problem("experiment", "names an experiment; give the engine experiments")]
        found = experiments.experiments.get(self.experiment)
        if found is None:
            known = ", ".join(sorted(experiments.experiments)) or "none"
            return [Problem("experiment", f"no experiment {self.experiment!r} (known: {known})")]
        arms = tuple(found.arm_names)
        if self.arm not in arms:
            return [
                Problem("arm", f"no arm {self.arm!r} in {self.experiment!r} ({', '.join(arms)})")
            ]
        return []


@attrs.frozen(cache_hash=True)
class OutsideHoldout(Leaf):
    """The customer is not in holdout ``holdout`` (a global control group kept from campaigns).

    Anonymous carts are outside every holdout.

    Attributes:
        holdout: The holdout's id.
    """

    kind: ClassVar[str] = "outside_holdout"
    holdout: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        value = self.holdout
        checks.check(isinstance(value, str) and bool(value.strip()), "holdout", "must not be empty")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if the customer is not held out."""
        customer = facts.customer
        if customer is None or facts.experiments is None:
            return customer is None
        return not facts.experiments.held_out(self.holdout, customer.id)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``held_out``."""
        if self.holds(facts):
            return None
        return Unmet(ConditionReason.HELD_OUT, f"the customer is in holdout {self.holdout!r}")

    def describe(self) -> str:
        """``"outside holdout 'global'"``."""
        return f"outside holdout {self.holdout!r}"

    def problems(self, currency: str, experiments: ArmLookup | None) -> list[Problem]:
        """The holdout must be known to the engine."""
        if experiments is None:
            return [Problem("holdout", "names a holdout; give the engine experiments")]
        if self.holdout not in experiments.holdouts:
            known = ", ".join(sorted(experiments.holdouts)) or "none"
            return [Problem("holdout", f"no holdout {self.holdout!r} (known: {known})")]
        return []


#: The built-in condition classes, by kind.
BUILTIN_KINDS: Mapping[str, type] = {
    cls.kind: cls
    for cls in (
        MinAmount,
        MinQuantity,
        DistinctSkus,
        ContainsAll,
        FirstOrder,
        InChannel,
        InStore,
        InSegment,
        BirthdayWindow,
        Weekdays,
        MonthDays,
        TimeOfDay,
        OnDates,
        Blackout,
        InArm,
        OutsideHoldout,
    )
}

#: The kinds that combine other conditions, and the field each is written under.
COMBINATIONS: Mapping[str, type] = {"all": AllOf, "any": AnyOf, "not": Not}


# --- walking a tree ------------------------------------------------------------------------


def children(condition: Condition) -> Iterator[tuple[str, Condition]]:
    """The conditions ``condition`` combines, each with its path (``all[0]``, ``not``)."""
    if isinstance(condition, AllOf | AnyOf):
        for i, child in enumerate(condition.conditions):
            yield f"{condition.kind}[{i}]", child
    elif isinstance(condition, Not):
        yield "not", condition.condition


def problems(condition: Condition, currency: str, experiments: ArmLookup | None) -> list[Problem]:
    """What is wrong with a campaign's conditions beyond their own checks.

    Too deep or too many, an amount in another currency, an experiment, arm or holdout the
    engine does not know, and whatever a plugin condition's ``problems(currency,
    experiments)`` method reports; paths are relative to the campaign's ``conditions``.
    """
    found: list[Problem] = []
    count = 0
    stack: list[tuple[str, Condition, int]] = [("", condition, 1)]
    while stack:
        path, node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            found.append(Problem(path, f"nests deeper than {MAX_DEPTH} levels"))
            continue
        if not isinstance(node, Condition):
            found.append(Problem(path, f"must be a Condition, got {type(node).__name__}"))
            continue
        check = getattr(node, "problems", None)
        if check is not None:
            found.extend(p.prefixed(path) for p in check(currency, experiments))
        kids = list(children(node))
        for key, child in reversed(kids):
            stack.append((f"{path}.{key}" if path else key, child, depth + 1))
    if count > MAX_CONDITIONS:
        found.append(Problem("", f"holds more than {MAX_CONDITIONS} conditions"))
    return found


def arms_of(condition: Condition, facts: Facts) -> tuple[tuple[str, str], ...]:
    """The ``(experiment, arm)`` pairs the customer was served by.

    Those of the ``experiment_arm`` conditions that hold, outside any ``not``, sorted.
    """
    found: set[tuple[str, str]] = set()
    stack = [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, InArm):
            if facts.holds(node):
                found.add((node.experiment, node.arm))
        elif isinstance(node, AllOf | AnyOf):
            stack.extend(node.conditions)
    return tuple(sorted(found))


@functools.cache
def zone(name: str) -> tzinfo:
    """The time zone called ``name`` (an IANA name such as ``"Asia/Shanghai"``).

    Raises:
        ValueError: no such time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
