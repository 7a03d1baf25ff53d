"""Conditions in the engine, in campaign files and with experiments."""

from __future__ import annotations

import json
import textwrap
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.campaign import Campaign
from promocore.cart import Cart, Customer
from promocore.conditions import (
    AllOf,
    AnyOf,
    Condition,
    Facts,
    InArm,
    InChannel,
    Leaf,
    MinQuantity,
    Not,
    OutsideHoldout,
    TimeOfDay,
    Unmet,
    Weekdays,
)
from promocore.config import (
    campaign_from_dict,
    campaign_to_dict,
    cart_from_dict,
    load_campaigns,
    load_experiments,
)
from promocore.engine import Engine
from promocore.errors import ConfigError, PluginError, ValidationError
from promocore.experiments import Arm, Experiment, ExperimentSet, Holdout, assign
from promocore.hookspecs import hookimpl
from promocore.plugins import make_host
from promocore.quote import Gap, Quote
from promocore.testing import strategies

from .builders import cny, ladder, line

WEDNESDAY = datetime.fromisoformat("2026-12-02T10:00:00+08:00")


def _cart(*, at: datetime = WEDNESDAY, who: str = "u-1", channel: str | None = None) -> Cart:
    return Cart("CNY", [line("A", "200.00", 2)], Customer(who), at, channel=channel)


@attrs.frozen
class Counted(Leaf):
    """A condition that counts how often it is asked."""

    kind: ClassVar[str] = "counted"
    value: bool
    calls: list[str] = attrs.field(factory=list, eq=False, hash=False)

    def holds(self, facts: Facts) -> bool:
        self.calls.append("holds")
        return self.value

    def unmet(self, facts: Facts) -> Unmet | None:
        self.calls.append("unmet")
        return None if self.value else Unmet("counted", "counted down", Gap("wait"))

    def describe(self) -> str:
        return "counted"


def test_conditions_gate_the_mechanic_and_explain_with_their_gap() -> None:
    member_day = ladder(
        "wed", ("300.00", "50.00"), conditions=AllOf([Weekdays({3}), MinQuantity(3)])
    )
    engine = Engine([member_day])
    met = engine.price(Cart("CNY", [line("A", "200.00", 3)], None, WEDNESDAY))
    assert met.applied_amount("wed") == cny("50.00")
    short = engine.price(_cart())
    assert short.applied == ()
    (item,) = short.not_applied
    assert (item.reason, item.gap) == ("below_min_quantity", Gap("add 1 more item", add_quantity=1))
    thursday = engine.price(_cart(at=WEDNESDAY + timedelta(days=1)))
    assert thursday.not_applied[0].reason == "outside_days"
    assert Quote.from_dict(thursday.to_dict()) == thursday
    assert thursday.to_dict()["not_applied"][0]["gap"] == {
        "text": "starts Wednesday 00:00",
        "starts_at": "2026-12-09T00:00:00+08:00",
    }


def test_an_unmet_condition_is_asked_once_and_explained_only_when_read() -> None:
    shared = Counted(False)
    campaigns = [ladder(f"c{i}", ("10.00", "1.00"), conditions=shared) for i in range(50)]
    quote = Engine(campaigns).price(_cart())
    assert quote.applied == () and shared.calls == ["holds"]  # one check for 50 campaigns
    assert {n.reason for n in quote.not_applied} == {"counted"}
    assert shared.calls.count("unmet") == 50 and shared.calls.count("holds") == 1


def test_a_condition_of_a_campaign_out_of_scope_is_never_asked() -> None:
    shared = Counted(True)
    from promocore.campaign import Scope

    elsewhere = ladder("c", ("10.00", "1.00"), scope=Scope(skus={"Z"}), conditions=shared)
    Engine([elsewhere]).price(_cart())
    assert shared.calls == []


def _experiments() -> ExperimentSet:
    everyone = Holdout(id="global", share="0.1")
    d11 = Experiment(id="d11", arms=[Arm("control"), Arm("treatment")], holdout=everyone)
    return ExperimentSet.of([d11])


def _unit(experiments: ExperimentSet, arm: str | None) -> str:
    d11 = experiments.experiment("d11")
    for i in range(1000):
        if assign(d11, f"u{i}").arm == arm:
            return f"u{i}"
    raise AssertionError(arm)


def test_one_campaign_per_arm_and_nothing_for_the_holdout() -> None:
    experiments = _experiments()
    treatment = ladder("t", ("300.00", "50.00"), conditions=InArm("d11", "treatment"))
    control = ladder("c", ("300.00", "20.00"), conditions=InArm("d11", "control"))
    everyone = ladder("x", ("100.00", "1.00"), conditions=OutsideHoldout("global"))
    engine = Engine([treatment, control, everyone], experiments=experiments)
    served = {}
    for arm in ("treatment", "control", None):
        quote = engine.price(_cart(who=_unit(experiments, arm)))
        served[arm] = [(a.campaign, a.arms) for a in quote.applied]
        assert Quote.from_dict(quote.to_dict()) == quote
    assert served["treatment"] == [("t", (("d11", "treatment"),)), ("x", ())]
    assert served["control"] == [("c", (("d11", "control"),)), ("x", ())]
    assert served[None] == []  # the holdout gets neither arm, nor the campaigns naming it
    quote = engine.price(_cart(who=_unit(experiments, "treatment")))
    assert quote.to_dict()["applied"][0]["arms"] == {"d11": "treatment"}
    assert quote.arms == (("d11", "treatment"),)
    assert engine.with_campaigns(removed=["x"]).experiments is experiments


def test_the_engine_refuses_experiments_arms_and_holdouts_it_does_not_know() -> None:
    bad = [
        ladder("a", ("1.00", "0.10"), conditions=AllOf([InArm("nope", "treatment")])),
        ladder("b", ("1.00", "0.10"), conditions=InArm("d11", "variant")),
        ladder("c", ("1.00", "0.10"), conditions=OutsideHoldout("other")),
    ]
    with pytest.raises(ValidationError) as caught:
        Engine(bad, experiments=_experiments())
    assert [p.path for p in caught.value.problems] == [
        "campaigns[0].conditions.all[0].experiment",
        "campaigns[1].conditions.arm",
        "campaigns[2].conditions.holdout",
    ]
    with pytest.raises(ValidationError, match="give the engine experiments"):
        Engine(bad[:1])
    with pytest.raises(ValidationError, match="experiments: must be an ExperimentSet"):
        Engine([], experiments="d11")  # type: ignore[arg-type]


CAMPAIGNS = """\
[[holdouts]]
id = "global"
share = "0.1"

[[experiments]]
id = "d11"
holdout = "global"
arms = [{ name = "control" }, { name = "treatment" }]

[[campaigns]]
id = "wed"
name = "每周三会员日 满300减50"
mechanic = "tiered_discount"
time_zone = "Asia/Shanghai"
[campaigns.params]
tiers = [{ threshold = "300.00", amount_off = "50.00" }]
[campaigns.conditions]
all = [
  { kind = "weekdays", days = [3] },
  { kind = "time_of_day", start = 09:00:00, end = "21:00" },
  { kind = "blackout", dates = [2026-12-24, "2026-12-25"] },
  { not = { kind = "channel", channels = ["wholesale"] } },
  { kind = "experiment_arm", experiment = "d11", arm = "treatment" },
]
"""


def test_conditions_and_experiments_from_one_file(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.toml"
    path.write_text(CAMPAIGNS, encoding="utf-8")
    (campaign,) = load_campaigns(path)
    experiments = load_experiments(path)
    assert campaign_from_dict(campaign_to_dict(campaign)) == campaign
    engine = Engine([campaign], experiments=experiments)
    who = _unit(experiments, "treatment")
    assert engine.price(_cart(who=who)).applied[0].arms == (("d11", "treatment"),)
    assert engine.price(_cart(who=who, channel="wholesale")).reason("wed") == "excluded"
    late = engine.price(_cart(who=who, at=WEDNESDAY.replace(hour=22)))
    assert late.not_applied[0].gap == Gap(
        "starts Wednesday 09:00", starts_at=datetime.fromisoformat("2026-12-09T09:00:00+08:00")
    )


def test_bad_conditions_in_a_file_are_reported_with_their_paths(tmp_path: Path) -> None:
    path = tmp_path / "campaigns.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [[campaigns]]
            id = "wed"
            name = "wed"
            mechanic = "tiered_discount"
            time_zone = "Nowhere/City"
            [campaigns.params]
            tiers = [{ threshold = "300.00", amount_off = "50.00" }]
            [campaigns.conditions]
            any = [
              { kind = "weekday", days = [3] },
              { kind = "min_amount", amount = 300.5 },
              { all = [{ kind = "month_days", days = [32] }], extra = 1 },
              { kind = "time_of_day", start = "7pm", end = "21:00" },
            ]
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_campaigns(path)
    error = caught.value
    assert str(path) in str(error)
    found = {p.path: p.message for p in error.problems}
    assert set(found) == {
        "campaigns[0].conditions.any[0].kind",
        "campaigns[0].conditions.any[1].amount",
        "campaigns[0].conditions.any[2].extra",
        "campaigns[0].conditions.any[3].start",
        "campaigns[0].time_zone",
    }
    assert found["campaigns[0].conditions.any[1].amount"] == (
        "write 300.5 as a string (floats are refused)"
    )
    assert found["campaigns[0].conditions.any[0].kind"].startswith(
        "unknown condition kind 'weekday' (known: birthday, blackout"
    )


def test_deep_or_huge_conditions_are_refused() -> None:
    deep: object = {"kind": "first_order"}
    for _ in range(40):
        deep = {"not": deep}
    raw = {"id": "c", "name": "c", "mechanic": "price_off", "params": {"percent_off": "5"}}
    with pytest.raises(ValidationError, match="nests deeper than 16 levels"):
        campaign_from_dict({**raw, "conditions": deep})
    many = [{"kind": "first_order"}] * 1000
    with pytest.raises(ValidationError, match="more than 256 conditions"):
        campaign_from_dict({**raw, "conditions": many})


@attrs.frozen
class Raining(Leaf):
    """A plugin's condition kind: the cart says whether it rains."""

    kind: ClassVar[str] = "raining"
    at_least_mm: int = 1

    def unmet(self, facts: Facts) -> Unmet | None:
        if facts.cart.store == "rainy":
            return None
        return Unmet("dry", "for rainy days")

    def describe(self) -> str:
        return "it rains"


class RainPlugin:
    @hookimpl
    def promocore_condition_kinds(self) -> list[type]:
        return [Raining]


def test_plugin_condition_kinds_load_from_files_and_clash_loudly() -> None:
    host = make_host(plugins=[RainPlugin()], autoload=False)
    raw = {
        "id": "rain",
        "name": "下雨天 95折",
        "mechanic": "price_off",
        "params": {"percent_off": "5"},
        "conditions": {"kind": "raining", "at_least_mm": "3"},
    }
    campaign = campaign_from_dict(raw, host=host)
    assert campaign.conditions == Raining(3)
    with pytest.raises(ValidationError, match="unknown condition kind 'raining'"):
        campaign_from_dict(raw, host=make_host(autoload=False))
    clash = make_host(plugins=[RainPlugin(), RainPlugin()], autoload=False)
    with pytest.raises(PluginError, match="condition kind 'raining'"):
        clash.condition_kinds  # noqa: B018


def test_carts_carry_channel_store_and_birthday_from_files() -> None:
    cart = cart_from_dict(
        json.loads(
            """{"currency": "CNY", "channel": "live", "store": "sh-01",
                "customer": {"id": "u1", "birthday": "1990-12-02"},
                "lines": [{"sku": "A", "unit_price": "10.00"}]}"""
        )
    )
    assert (cart.channel, cart.store) == ("live", "sh-01")
    assert cart.customer is not None and cart.customer.birthday is not None
    live = ladder("live", ("5.00", "1.00"), conditions=InChannel({"live"}))
    assert Engine([live]).price(cart, at=WEDNESDAY).applied_amount("live") == cny("1.00")
    with pytest.raises(ValidationError, match="channel: must be a string"):
        cart_from_dict({"currency": "CNY", "channel": 3, "lines": [{"sku": "A", "unit_price": 1}]})


def test_the_quote_command_serves_by_arm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from promocore.cli import main

    campaigns = tmp_path / "campaigns.toml"
    campaigns.write_text(CAMPAIGNS, encoding="utf-8")
    who = _unit(load_experiments(campaigns), "treatment")
    cart = tmp_path / "cart.json"
    cart.write_text(
        json.dumps(
            {
                "currency": "CNY",
                "at": WEDNESDAY.isoformat(),
                "customer": {"id": who},
                "lines": [{"sku": "A", "unit_price": "200.00", "quantity": 2}],
            }
        ),
        encoding="utf-8",
    )
    assert main(["quote", "--campaigns", str(campaigns), "--cart", str(cart)]) == 0
    assert "(experiment d11, arm treatment)" in capsys.readouterr().out
    assert main(["quote", "--campaigns", str(campaigns), "--cart", str(cart), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"][0]["arms"] == {"d11": "treatment"}


def test_campaign_conditions_keep_plain_campaigns_plain() -> None:
    plain = ladder("p", ("1.00", "0.10"))
    assert plain.conditions is None
    assert "conditions" not in campaign_to_dict(plain)
    gated = attrs.evolve(plain, conditions=Weekdays({3}), time_zone="Europe/Berlin")
    data = campaign_to_dict(gated)
    assert data["conditions"] == {"kind": "weekdays", "days": [3]}
    assert data["time_zone"] == "Europe/Berlin"
    assert isinstance(campaign_from_dict(data), Campaign)


_LEAVES = st.one_of(
    st.frozensets(st.integers(1, 7), min_size=1).map(Weekdays),
    st.integers(1, 6).map(MinQuantity),
    st.sampled_from(["live", "app"]).map(lambda c: InChannel({c})),
    st.integers(1, 24).map(lambda h: TimeOfDay(time(h - 1), time(h % 24))),
)
_TREES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(AllOf),
        st.lists(inner, min_size=1, max_size=3).map(AnyOf),
        inner.map(Not),
    ),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(
    conditions=_TREES,
    units=st.integers(1, 5),
    hours=st.integers(0, 24 * 14),
    channel=st.sampled_from([None, "live", "app"]),
)
def test_a_campaign_applies_exactly_when_its_conditions_hold(
    conditions: Condition, units: int, hours: int, channel: str | None
) -> None:
    at = WEDNESDAY + timedelta(hours=hours)
    cart = Cart("CNY", [line("A", "100.00", units)], Customer("u"), at, channel=channel)
    campaign = ladder("c", ("10.00", "1.00"), conditions=conditions)
    quote = Engine([campaign]).price(cart)
    facts = Facts(cart, at, ZoneInfo("Asia/Shanghai"))
    unmet = conditions.unmet(facts)
    if conditions.holds(facts):
        assert unmet is None and quote.applied_amount("c") == cny("1.00")
    else:
        assert unmet is not None and quote.applied == ()
        (item,) = quote.not_applied
        assert (item.reason, item.message, item.gap) == (unmet.reason, unmet.message, unmet.gap)


@settings(max_examples=40, deadline=None)
@given(
    campaign=strategies.campaigns(mechanic="tiered_discount", conditions=strategies.conditions()),
    cart=strategies.carts(currency="CNY"),
)
def test_drawn_campaigns_with_conditions_apply_only_when_the_conditions_hold(
    campaign: Campaign, cart: Cart
) -> None:
    assert campaign.conditions is not None
    at = cart.at or WEDNESDAY
    quote = Engine([campaign]).price(cart, at=at, explain_all=True)
    holds = campaign.conditions.holds(Facts(cart, at, ZoneInfo(campaign.time_zone)))
    if not holds:
        assert quote.applied == ()
