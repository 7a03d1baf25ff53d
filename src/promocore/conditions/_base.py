"""What every condition is, what it looks at, and how it explains itself."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from promocore._typed import frozenset_of
from promocore._zones import zone as zone
from promocore.campaign import Scope
from promocore.cart import Cart, Customer
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
MAX_STEPS = 1000

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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


def strings(values: Iterable[str]) -> frozenset[str]:
    """A set of texts; one text is a set of one."""
    if isinstance(values, str):
        return frozenset([values])
    return frozenset_of(values)


def ints(values: Iterable[int]) -> frozenset[int]:
    """A set of whole numbers; one number is a set of one."""
    if isinstance(values, int):
        return frozenset([values])
    return frozenset_of(values)


def dates(values: Iterable[date]) -> frozenset[date]:
    """A set of dates; one date is a set of one."""
    if isinstance(values, date):
        return frozenset([values])
    return frozenset_of(values)


def check_items(checks: Checks, name: str, values: frozenset[Any], kind: type) -> None:
    """Record a problem unless ``values`` lists 1 to ``MAX_ITEMS`` non-empty ``kind`` values."""
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


def listed(values: Iterable[Any]) -> str:
    """The values, sorted and joined by commas, for messages."""
    return ", ".join(str(v) for v in sorted(values))


def whole(checks: Checks, name: str, value: object) -> None:
    """Record a problem unless ``value`` is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        checks.add(name, "must be a whole number >= 1")


# --- time ---------------------------------------------------------------------------------


def midnight(day: date, zone: tzinfo) -> datetime:
    """The start of ``day`` in ``zone``."""
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def _when(moment: datetime, now: datetime) -> str:
    """``"Wednesday 00:00"`` within a week of ``now``, else ``"2026-12-08 00:00"``."""
    clock = moment.strftime("%H:%M")
    if timedelta(0) < moment - now < timedelta(days=7):
        return f"{WEEKDAYS[moment.weekday()]} {clock}"
    return f"{moment.date().isoformat()} {clock}"


def starting(moment: datetime, facts: Facts) -> Gap:
    """The gap of a window that opens at ``moment`` (``"starts Wednesday 00:00"``)."""
    return Gap(f"starts {_when(moment, facts.local)}", starts_at=moment)


def next_day(today: date, wanted: Any, horizon: int) -> date | None:
    """The first day after ``today`` for which ``wanted(day)`` is true, within ``horizon`` days."""
    for step in range(1, horizon + 1):
        day = today + timedelta(days=step)
        if wanted(day):
            return day
    return None


def birthday_in(year: int, birthday: date) -> date:
    """The birthday in ``year`` (29 February is kept on 28 February in other years)."""
    try:
        return birthday.replace(year=year)
    except ValueError:
        return date(year, 2, 28)
