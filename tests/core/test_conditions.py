"""Campaign conditions: each kind, their combinations, and their explanations, hand-checked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign, Scope
from promocore.cart import Cart, Customer, LineItem
from promocore.conditions import (
    AllOf,
    AnyOf,
    BirthdayWindow,
    Blackout,
    Condition,
    ContainsAll,
    DistinctSkus,
    Facts,
    FirstOrder,
    InArm,
    InChannel,
    InSegment,
    InStore,
    Leaf,
    MinAmount,
    MinQuantity,
    MonthDays,
    Not,
    OnDates,
    OutsideHoldout,
    TimeOfDay,
    Unmet,
    Weekdays,
    arms_of,
)
from promocore.errors import ValidationError
from promocore.quote import Gap

from .builders import cny, line

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)  # a Wednesday
THURSDAY = WEDNESDAY + timedelta(days=1)


def facts(
    *lines: LineItem,
    at: datetime = WEDNESDAY,
    customer: Customer | None = None,
    channel: str | None = None,
    store: str | None = None,
    zone: str = "Asia/Shanghai",
) -> Facts:
    cart = Cart(
        "CNY",
        lines or (line("A", "100.00"),),
        customer,
        at,
        channel=channel,
        store=store,
    )
    return Facts(cart, at, ZoneInfo(zone))


def explained(condition: Condition, f: Facts) -> Unmet:
    assert not condition.holds(f)
    unmet = condition.unmet(f)
    assert unmet is not None
    return unmet


# --- the cart ------------------------------------------------------------------------------


def test_min_amount_counts_list_prices_in_its_scope_and_says_how_much_is_missing() -> None:
    f = facts(line("A", "120.00", 2, "shoes"), line("B", "50.00", 1, "socks"))
    assert MinAmount(cny("290.00")).holds(f)  # 240 + 50
    shoes = MinAmount(cny("300.00"), Scope(categories=frozenset({"shoes"})))
    unmet = explained(shoes, f)
    assert unmet.reason == "below_min_amount"
    assert unmet.message == "needs ¥300.00 of items in scope, the cart has ¥240.00"
    assert unmet.gap == Gap("add ¥60.00 more", add_amount=cny("60.00"))


def test_min_quantity_and_distinct_skus_count_units_and_skus() -> None:
    f = facts(line("A", "10.00", 2), line("B", "10.00", 1))
    assert MinQuantity(3).holds(f)
    unmet = explained(MinQuantity(4), f)
    assert (unmet.reason, unmet.gap) == (
        "below_min_quantity",
        Gap("add 1 more item", add_quantity=1),
    )
    assert DistinctSkus(2).holds(f)
    unmet = explained(DistinctSkus(4), f)
    assert unmet.reason == "too_few_skus"
    assert unmet.gap == Gap("add 2 more different items", add_quantity=2)


def test_contains_all_names_the_missing_skus() -> None:
    f = facts(line("TEA", "30.00"), line("CUP", "20.00"))
    assert ContainsAll(frozenset({"TEA", "CUP"})).holds(f)
    unmet = explained(ContainsAll(frozenset({"TEA", "CUP", "POT"})), f)
    assert unmet.reason == "missing_skus"
    assert unmet.message == "needs CUP, POT, TEA together; missing POT"
    assert unmet.gap == Gap("add POT", add_quantity=1)


# --- the customer and where the cart comes from ---------------------------------------------


def test_first_order_channel_store_and_segment() -> None:
    new = Customer("u1", is_new=True, segments=frozenset({"vip"}))
    f = facts(customer=new, channel="live", store="sh-01")
    for condition in (
        FirstOrder(),
        InChannel(frozenset({"live", "app"})),
        InStore(frozenset({"sh-01"})),
        InSegment(frozenset({"vip", "lapsed"})),
    ):
        assert condition.holds(f) and condition.unmet(f) is None
    old = facts(customer=Customer("u2"), channel="app")
    assert explained(FirstOrder(), old).reason == "not_first_order"
    assert explained(InChannel(frozenset({"live"})), old).message == (
        "for channel live only; the cart is from app"
    )
    assert explained(InStore(frozenset({"sh-01"})), old).message == (
        "for store sh-01 only; the cart names no store"
    )
    anonymous = facts()
    assert explained(InSegment(frozenset({"vip"})), anonymous).message == (
        "for segment vip only; the cart has no customer"
    )
    assert explained(FirstOrder(), anonymous).reason == "not_first_order"


# --- the calendar --------------------------------------------------------------------------


def test_member_day_every_wednesday_in_the_campaign_time_zone() -> None:
    member_day = Weekdays(frozenset({3}))
    assert member_day.holds(facts(at=WEDNESDAY))
    unmet = explained(member_day, facts(at=THURSDAY))
    assert unmet.reason == "outside_days"
    assert unmet.message == "on Wednesday only; today is Thursday"
    assert unmet.gap is not None and unmet.gap.text == "starts Wednesday 00:00"
    assert unmet.gap.starts_at == datetime(2026, 12, 9, tzinfo=SHANGHAI)
    # Wednesday 01:00 in Shanghai is still Tuesday in New York.
    early = datetime(2026, 12, 2, 1, 0, tzinfo=SHANGHAI)
    assert member_day.holds(facts(at=early))
    new_york = explained(member_day, facts(at=early, zone="America/New_York"))
    assert new_york.gap is not None
    assert new_york.gap.starts_at == datetime(2026, 12, 2, tzinfo=ZoneInfo("America/New_York"))
    assert new_york.gap.text == "starts Wednesday 00:00"


def test_live_room_hours_and_a_window_past_midnight() -> None:
    live = TimeOfDay(time(19, 0), time(21, 0))
    assert live.holds(facts(at=WEDNESDAY.replace(hour=19)))
    assert live.holds(facts(at=WEDNESDAY.replace(hour=20, minute=59)))
    unmet = explained(live, facts(at=WEDNESDAY.replace(hour=21)))
    assert unmet.reason == "outside_hours"
    assert unmet.message == "from 19:00 to 21:00 only; it is 21:00"
    assert unmet.gap is not None and unmet.gap.text == "starts Thursday 19:00"
    before = explained(live, facts(at=WEDNESDAY))
    assert before.gap is not None and before.gap.starts_at == WEDNESDAY.replace(hour=19)
    night = TimeOfDay(time(22, 0), time(2, 0))
    assert night.holds(facts(at=WEDNESDAY.replace(hour=23)))
    assert night.holds(facts(at=WEDNESDAY.replace(hour=1)))
    assert not night.holds(facts(at=WEDNESDAY.replace(hour=2)))
    with pytest.raises(ValidationError, match="end: must differ from start"):
        TimeOfDay(time(9, 0), time(9, 0))


def test_monthly_days_skip_months_without_the_day() -> None:
    eighth = MonthDays(frozenset({8}))
    assert eighth.holds(facts(at=datetime(2026, 12, 8, 23, 59, tzinfo=SHANGHAI)))
    unmet = explained(eighth, facts(at=datetime(2026, 12, 9, tzinfo=SHANGHAI)))
    assert unmet.gap is not None and unmet.gap.text == "starts 2027-01-08 00:00"
    assert MonthDays(frozenset({31})).holds(facts(at=datetime(2027, 1, 31, 12, tzinfo=SHANGHAI)))
    unmet = explained(MonthDays(frozenset({31})), facts(at=datetime(2027, 2, 1, tzinfo=SHANGHAI)))
    assert unmet.gap is not None and unmet.gap.starts_at == datetime(2027, 3, 31, tzinfo=SHANGHAI)


def test_dates_and_blackout_dates() -> None:
    golden_week = Blackout(frozenset(date(2026, 10, d) for d in range(1, 8)))
    unmet = explained(golden_week, facts(at=datetime(2026, 10, 3, 9, tzinfo=SHANGHAI)))
    assert unmet.reason == "blackout_date"
    assert unmet.gap is not None and unmet.gap.starts_at == datetime(2026, 10, 8, tzinfo=SHANGHAI)
    assert golden_week.holds(facts(at=datetime(2026, 10, 8, tzinfo=SHANGHAI)))
    holidays = OnDates(frozenset({date(2026, 12, 24), date(2026, 12, 25)}))
    assert holidays.holds(facts(at=datetime(2026, 12, 25, 23, tzinfo=SHANGHAI)))
    soon = explained(holidays, facts())
    assert soon.gap is not None and soon.gap.text == "starts 2026-12-24 00:00"
    passed = explained(holidays, facts(at=datetime(2026, 12, 26, tzinfo=SHANGHAI)))
    assert passed.gap is None and "every date has passed" in passed.message


def test_birthday_windows_across_the_new_year_and_on_29_february() -> None:
    week = BirthdayWindow(days_before=3, days_after=3)
    january = Customer("u", birthday=date(1990, 1, 2))
    assert week.holds(facts(customer=january, at=datetime(2026, 12, 30, tzinfo=SHANGHAI)))
    unmet = explained(week, facts(customer=january, at=datetime(2026, 12, 1, tzinfo=SHANGHAI)))
    assert unmet.reason == "not_birthday"
    assert unmet.gap is not None and unmet.gap.starts_at == datetime(2026, 12, 30, tzinfo=SHANGHAI)
    leap = Customer("u", birthday=date(2000, 2, 29))
    assert BirthdayWindow().holds(facts(customer=leap, at=datetime(2027, 2, 28, tzinfo=SHANGHAI)))
    month = BirthdayWindow(whole_month=True)
    assert month.holds(facts(customer=leap, at=datetime(2027, 2, 1, tzinfo=SHANGHAI)))
    unknown = explained(BirthdayWindow(), facts(customer=Customer("u")))
    assert unknown.gap is None and "not known" in unknown.message


# --- combinations --------------------------------------------------------------------------


def test_all_explains_its_first_unmet_condition_any_all_of_them_not_what_holds() -> None:
    f = facts(line("A", "100.00"), at=THURSDAY, channel="live")
    member_day, two = Weekdays(frozenset({3})), MinQuantity(2)
    unmet = explained(AllOf([MinAmount(cny("50.00")), two, member_day]), f)
    assert unmet.reason == "below_min_quantity"
    either = explained(AnyOf([member_day, TimeOfDay(time(19), time(21))]), f)
    assert either.reason == "none_met"
    assert either.message == (
        "needs one of: on Wednesday only; today is Thursday; "
        "or from 19:00 to 21:00 only; it is 10:00"
    )
    assert either.gap is not None and either.gap.text == "starts Thursday 19:00"  # the soonest
    same = explained(AnyOf([two, MinQuantity(3)]), f)
    assert same.reason == "below_min_quantity"
    not_live = explained(Not(InChannel(frozenset({"live"}))), f)
    assert (not_live.reason, not_live.message) == ("excluded", "excluded when the channel is live")
    with pytest.raises(ValidationError, match=r"all\[1\]: must be a Condition"):
        AllOf([two, "x"])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="all: must list at least one condition"):
        AllOf([])


@attrs.frozen
class Flag(Leaf):
    kind: ClassVar[str] = "flag"
    value: bool
    name: str

    def unmet(self, facts: Facts) -> Unmet | None:
        return None if self.value else Unmet("flag_down", f"{self.name} is down")

    def describe(self) -> str:
        return self.name


def _trees() -> st.SearchStrategy[tuple[Condition, bool]]:
    leaves = st.builds(lambda v, n: (Flag(v, n), v), st.booleans(), st.sampled_from("abcdef"))

    def extend(
        inner: st.SearchStrategy[tuple[Condition, bool]],
    ) -> st.SearchStrategy[tuple[Condition, bool]]:
        many = st.lists(inner, min_size=1, max_size=4)
        return st.one_of(
            many.map(lambda xs: (AllOf([c for c, _ in xs]), all(v for _, v in xs))),
            many.map(lambda xs: (AnyOf([c for c, _ in xs]), any(v for _, v in xs))),
            inner.map(lambda x: (Not(x[0]), not x[1])),
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=150, deadline=None)
@given(tree=_trees())
def test_combinations_follow_boolean_logic_and_explain_exactly_when_unmet(
    tree: tuple[Condition, bool],
) -> None:
    condition, expected = tree
    f = facts()
    assert condition.holds(f) is expected
    assert f.holds(condition) is expected  # the memo gives the same answer
    assert (condition.unmet(f) is None) is expected


# --- the gap of a time window is its next start ---------------------------------------------

_WINDOWS = st.one_of(
    st.frozensets(st.integers(1, 7), min_size=1).map(Weekdays),
    st.frozensets(st.integers(1, 31), min_size=1, max_size=4).map(MonthDays),
    st.tuples(st.integers(0, 23), st.integers(0, 23))
    .filter(lambda hours: hours[0] != hours[1])
    .map(lambda hours: TimeOfDay(time(hours[0]), time(hours[1]))),
)


@settings(max_examples=150, deadline=None)
@given(
    window=_WINDOWS,
    at=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
    zone=st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"]),
)
def test_a_window_gap_is_its_next_start(window: Condition, at: datetime, zone: str) -> None:
    moment = at.replace(tzinfo=ZoneInfo(zone))
    f = facts(at=moment, zone=zone)
    unmet = window.unmet(f)
    if unmet is None:
        return
    assert unmet.gap is not None and unmet.gap.starts_at is not None
    start = unmet.gap.starts_at
    assert start > moment
    assert window.holds(facts(at=start, zone=zone))
    # Nothing holds between now and then, checked hour by hour (windows start on the hour).
    probe = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while probe < start:
        assert not window.holds(facts(at=probe, zone=zone)), probe
        probe += timedelta(hours=1)


# --- experiments ---------------------------------------------------------------------------


@attrs.frozen
class Lookup:
    """A stand-in for an ExperimentSet: u-t is in treatment, u-c in control, u-h held out."""

    experiments: dict[str, object] = attrs.field(factory=dict)
    holdouts: dict[str, object] = attrs.field(factory=dict)

    def arm_of(self, experiment_id: str, unit_id: object, at: datetime) -> str | None:
        return {"u-t": "treatment", "u-c": "control"}.get(str(unit_id))

    def held_out(self, holdout_id: str, unit_id: object) -> bool:
        return unit_id == "u-h"


def test_arm_and_holdout_conditions_and_the_arms_a_campaign_was_served_by() -> None:
    lookup = Lookup()
    treatment = InArm("d11", "treatment")

    def at(unit: str | None) -> Facts:
        customer = Customer(unit) if unit else None
        cart = Cart("CNY", [line("A", "10.00")], customer, WEDNESDAY)
        return Facts(cart, WEDNESDAY, SHANGHAI, lookup)

    assert treatment.holds(at("u-t"))
    assert explained(treatment, at("u-c")).message == (
        "for arm 'treatment' of experiment 'd11'; the customer is in arm 'control'"
    )
    assert "not in it" in explained(treatment, at("u-h")).message
    assert "no customer" in explained(treatment, at(None)).message
    outside = OutsideHoldout("global")
    assert outside.holds(at("u-t")) and outside.holds(at(None))
    assert explained(outside, at("u-h")).reason == "held_out"
    served = AllOf([AnyOf([treatment, InArm("d11", "control")]), Not(InArm("e2", "treatment"))])
    assert arms_of(served, at("u-t")) == (("d11", "treatment"),)


def test_bad_definitions_name_their_field() -> None:
    cases: list[tuple[object, str]] = [
        (lambda: Weekdays(frozenset({0})), "days"),
        (lambda: MonthDays(frozenset()), "days"),
        (lambda: MinQuantity(0), "units"),
        (lambda: MinAmount(cny("0.00")), "amount"),
        (lambda: BirthdayWindow(days_before=181), "days_before"),
        (lambda: InChannel(frozenset({" "})), "channels"),
        (lambda: InArm("", "a"), "experiment"),
    ]
    for build, field in cases:
        with pytest.raises(ValidationError) as caught:
            build()  # type: ignore[operator]
        assert caught.value.problems[0].path == field


def test_a_campaign_checks_its_conditions_and_time_zone() -> None:
    with pytest.raises(ValidationError, match="time_zone: unknown time zone 'Mars/Olympus'"):
        Campaign("c", "c", "price_off", None, time_zone="Mars/Olympus")
    with pytest.raises(ValidationError, match="conditions: must be a Condition"):
        Campaign("c", "c", "price_off", None, conditions="weekdays")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="birthday: must be a date"):
        Customer("u", birthday="1990-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="channel: must be a non-empty text"):
        Cart("CNY", [line("A", "1.00")], channel="")


def test_the_gap_of_windows_together_is_when_they_all_open() -> None:
    live_member_day = AllOf([Weekdays(frozenset({3})), TimeOfDay(time(19), time(21))])
    unmet = explained(live_member_day, facts(at=THURSDAY))
    assert unmet.reason == "outside_days"
    assert unmet.gap is not None and unmet.gap.text == "starts Wednesday 19:00"
    assert unmet.gap.starts_at == datetime(2026, 12, 9, 19, tzinfo=SHANGHAI)
    # 每月8号 that is also a Wednesday: the next one is in 2027.
    rare = AllOf([MonthDays(frozenset({8})), Weekdays(frozenset({3}))])
    unmet = explained(rare, facts(at=THURSDAY))
    assert unmet.gap is not None and unmet.gap.starts_at == datetime(2027, 9, 8, tzinfo=SHANGHAI)


@settings(max_examples=100, deadline=None)
@given(
    windows=st.lists(_WINDOWS, min_size=1, max_size=3),
    at=st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)),
)
def test_the_gap_of_windows_together_opens_every_one(
    windows: list[Condition], at: datetime
) -> None:
    together = AllOf(windows)
    moment = at.replace(tzinfo=SHANGHAI)
    unmet = together.unmet(facts(at=moment))
    if unmet is None or unmet.gap is None or unmet.gap.starts_at is None:
        return
    start = unmet.gap.starts_at
    assert start > moment
    opened = facts(at=start)
    if not together.holds(opened):  # some windows never open together (31st of February)
        first = next(w for w in windows if not w.holds(facts(at=moment)))
        assert unmet.gap == first.unmet(facts(at=moment)).gap  # type: ignore[union-attr]
