from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from promocore.campaign import Audience, Budget, Campaign, Limits, Schedule, Scope, Stage
from promocore.cart import Cart, Customer, LineItem
from promocore.mechanic import Context, Decline, Proposal
from promocore.money import MINOR_UNITS, Money
from promocore.plugins import make_host
from promocore.testing import strategies as pst
from promocore.validation import Checks

HOST = make_host()


@given(pst.currencies())
def test_currencies_are_known(code: str) -> None:
    assert code in MINOR_UNITS


def test_currencies_refuse_unknown_codes() -> None:
    with pytest.raises(InvalidArgument):
        pst.currencies(codes=["XXX"])


@given(pst.money(currency="JPY", min_value=5, max_value=9))
def test_money_respects_bounds_and_currency(amount: Money) -> None:
    assert amount.currency == "JPY"
    assert 5 <= amount.amount <= 9


@given(pst.money(min_value=Money(100, "KWD")))
def test_money_takes_its_currency_from_money_bounds(amount: Money) -> None:
    assert amount.currency == "KWD"
    assert amount.amount >= 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_value": 5, "max_value": 4},
        {"min_value": Money(1, "CNY"), "max_value": Money(9, "USD")},
        {"currency": "EUR", "min_value": Money(1, "CNY")},
        {"min_value": 1.5},
    ],
)
def test_money_refuses_inconsistent_arguments(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        pst.money(**kwargs)


@given(pst.rates(min_value=Decimal("0.5"), max_value=2, places=3))
def test_rates_are_exact_decimals(rate: Decimal) -> None:
    assert Decimal("0.5") <= rate <= 2
    assert rate == rate.quantize(Decimal("0.001"))


LOW = datetime(2026, 11, 11, 0, 0, 30, tzinfo=UTC)


@given(pst.moments(min_value=LOW, max_value=LOW + timedelta(hours=2)))
def test_moments_are_aware_whole_minutes_within_bounds(moment: datetime) -> None:
    assert moment.utcoffset() is not None
    assert LOW <= moment <= LOW + timedelta(hours=2)
    assert moment.second == 0 and moment.microsecond == 0


def test_moments_refuse_naive_bounds() -> None:
    with pytest.raises(InvalidArgument):
        pst.moments(min_value=datetime(2026, 1, 1))


@given(
    pst.customers(),
    pst.line_items(currency="CNY"),
    pst.carts(currency="USD", max_lines=3),
)
def test_customers_lines_and_carts_are_valid(
    customer: Customer, line: LineItem, cart: Cart
) -> None:
    assert customer.id
    assert line.unit_price.currency == "CNY"
    assert cart.currency == "USD"
    assert 1 <= len(cart.lines) <= 3
    assert all(item.unit_price.currency == "USD" for item in cart.lines)


@given(
    pst.carts(
        lines=pst.line_items(skus=st.just("tea"), unit_prices=pst.money(currency="JPY")),
        customers=st.none(),
        at=st.none(),
    )
)
def test_carts_take_their_parts_from_the_strategies_given(cart: Cart) -> None:
    assert cart.currency == "JPY"
    assert {line.sku for line in cart.lines} == {"tea"}
    assert cart.customer is None and cart.at is None


def test_line_items_refuse_currency_with_unit_prices() -> None:
    with pytest.raises(InvalidArgument):
        pst.line_items(currency="CNY", unit_prices=pst.money(currency="CNY"))


def test_carts_refuse_lines_in_two_currencies() -> None:
    mixed = pst.line_items(unit_prices=st.sampled_from([Money(1, "CNY"), Money(1, "USD")]))
    with pytest.raises(InvalidArgument):

        @settings(max_examples=50, database=None)
        @given(pst.carts(lines=mixed, min_lines=2))
        def draw(cart: Cart) -> None:
            pass

        draw()


@given(pst.schedules(), pst.audiences(), pst.scopes(), pst.budgets(currency="EUR"), pst.limits())
def test_campaign_parts_are_valid(
    schedule: Schedule, audience: Audience, scope: Scope, budget: Budget, limits: Limits
) -> None:
    if schedule.starts_at and schedule.ends_at:
        assert schedule.starts_at < schedule.ends_at
    assert isinstance(audience, Audience) and isinstance(scope, Scope)
    assert budget.limit.currency == "EUR" and budget.limit.amount > 0
    assert isinstance(limits, Limits)


@pytest.mark.parametrize("name", sorted(HOST.mechanics))
def test_campaigns_of_every_registered_mechanic_are_valid(name: str) -> None:
    mechanic = HOST.mechanic(name)

    @settings(max_examples=10, database=None, deadline=None)
    @given(pst.campaigns(mechanic=name, host=HOST))
    def check(campaign: Campaign) -> None:
        assert campaign.mechanic == name
        assert isinstance(campaign.params, mechanic.params_type)
        assert not HOST.validate_campaign(campaign)

    check()


@given(
    pst.campaigns(
        mechanic="price_off",
        host=HOST,
        currencies=st.just("CNY"),
        stages=st.just(Stage.ORDER),
        budgets=st.none(),
        exclusive_groups=st.just("g"),
    )
)
def test_campaigns_take_their_parts_from_the_strategies_given(campaign: Campaign) -> None:
    assert campaign.currency == "CNY"
    assert campaign.stage is Stage.ORDER
    assert campaign.budget is None
    assert campaign.exclusive_group == "g"


@given(st.data())
def test_contexts_offer_lines_in_scope_with_a_payable_and_base_in_bounds(
    data: st.DataObject,
) -> None:
    campaign = data.draw(pst.campaigns(mechanic="tiered_discount", host=HOST))
    cart = data.draw(pst.carts(currency=campaign.currency))
    context = data.draw(pst.contexts(campaign=campaign, cart=cart))
    for view in context.lines:
        assert campaign.scope.includes(view.line)
        assert 0 < view.payable.amount <= view.line.subtotal.amount
        assert 0 <= view.base.amount <= view.payable.amount
        assert 1 <= view.units <= view.line.quantity
        assert context.stage not in view.closed
        if not campaign.is_exclusive:
            assert view.units == view.line.quantity and view.base == view.payable
    assert context.unit_limit == campaign.limits.per_order


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@attrs.frozen
class Inner:
    size: int


@attrs.frozen
class Everything:
    price: Money
    rate: Decimal
    count: int
    flag: bool
    label: str
    when: datetime
    wait: timedelta
    colour: Colour
    inner: Inner
    items: tuple[Money, ...]
    tags: frozenset[str]
    either: Money | int
    maybe: Inner | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(self.count >= 3, "count", "must be >= 3")
        checks.raise_if_any()


@given(pst.from_attrs(Everything, currency="KWD"))
def test_from_attrs_builds_valid_instances_from_field_types(value: Everything) -> None:
    assert value.price.currency == "KWD"
    assert all(item.currency == "KWD" for item in value.items)
    assert value.count >= 3
    assert isinstance(value.inner, Inner)
    assert value.when.utcoffset() is not None


@given(pst.from_attrs(Inner, fields={"size": st.just(7)}))
def test_from_attrs_takes_field_strategies(value: Inner) -> None:
    assert value.size == 7


def test_from_attrs_names_the_field_it_cannot_derive() -> None:
    @attrs.frozen
    class Odd:
        thing: complex

    with pytest.raises(InvalidArgument, match=r"Odd\.thing"):
        pst.from_attrs(Odd)


def test_from_attrs_refuses_unknown_field_overrides() -> None:
    with pytest.raises(InvalidArgument):
        pst.from_attrs(Inner, fields={"colour": st.just(Colour.RED)})


def test_params_for_prefers_the_mechanic_s_own_strategy() -> None:
    @attrs.frozen
    class Params:
        size: int

    FORTY_TWO = st.just(Params(42))

    @attrs.frozen
    class Sized:
        name: str = "sized"
        stage: Stage = Stage.ITEM
        params_type: type[Any] = Params

        def params_strategy(self, currency: str) -> st.SearchStrategy[Params]:
            return FORTY_TWO

        def evaluate(self, context: Context) -> Proposal | Decline:
            return Decline("no_discount", "never")

    assert pst.params_for(Sized()) is FORTY_TWO
