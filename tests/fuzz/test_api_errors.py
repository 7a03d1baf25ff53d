"""The wrong calls found by hand: each now gets a typed error, or does what it says."""

from __future__ import annotations

import decimal
import warnings
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore import Cart, Customer, Engine, LineItem, Money, price, stats
from promocore.campaign import Campaign, Stage
from promocore.config import campaigns_from_dicts, cart_from_dict
from promocore.errors import LimitExceededError, ValidationError, WrongTypeError
from promocore.limits import MAX_AMOUNT, MAX_LINES, MAX_QUANTITY
from promocore.mechanics.price_off import PriceOffParams
from promocore.money import Rounding, allocate
from promocore.selection import Selection

from .contract import FUZZ, JSON_DATA, assert_typed

NOW = datetime(2026, 11, 11, 10, tzinfo=UTC)
CART = Cart("CNY", (LineItem("A", Money(1000, "CNY"), 3),), Customer("u"), NOW)


def _off(percent: str, cid: str = "c", **options: Any) -> Campaign:
    return Campaign(cid, cid, "price_off", PriceOffParams(percent_off=Decimal(percent)), **options)


@pytest.mark.parametrize(
    ("call", "kind", "field"),
    [
        (lambda: Money("100", "CNY"), WrongTypeError, "amount"),  # type: ignore[arg-type]
        (lambda: Money(100, 5), WrongTypeError, "currency"),  # type: ignore[arg-type]
        (lambda: Money(10**40, "CNY"), LimitExceededError, "amount"),
        (lambda: LineItem("A", Money(MAX_AMOUNT + 1, "CNY")), LimitExceededError, "unit_price"),
        (lambda: Campaign(id=5, name="n", mechanic="price_off", params=None), WrongTypeError, "id"),  # type: ignore[arg-type]
        (lambda: price(CART, [], at="2026-11-11"), WrongTypeError, "at"),  # type: ignore[arg-type]
        (lambda: Engine([], selection="cheapest"), ValidationError, "selection"),
        (lambda: Engine([], stages="item"), ValidationError, "stages"),
        (lambda: PriceOffParams(percent_off=5.5), WrongTypeError, "percent_off"),  # type: ignore[arg-type]
        (lambda: PriceOffParams(percent_off=Decimal("NaN")), ValidationError, "percent_off"),
        (lambda: PriceOffParams(percent_off="5"), WrongTypeError, "percent_off"),  # type: ignore[arg-type]
        (lambda: allocate(Money(100, "CNY"), [Decimal("NaN"), 1]), ValidationError, "weights[0]"),
        (lambda: allocate(Money(100, "CNY"), [Decimal("Infinity")]), ValidationError, "weights[0]"),
        (lambda: allocate(Money(100, "CNY"), [Decimal("sNaN")]), ValidationError, "weights[0]"),
        (lambda: Money(5, "CNY").multiply(Decimal("0.5"), "HALF_UP"), WrongTypeError, "rounding"),  # type: ignore[arg-type]
        (lambda: Money(5, "CNY").multiply(Decimal("NaN"), Rounding.UP), ValidationError, "rate"),
        (lambda: Money(5, "CNY").multiply(Decimal("sNaN"), Rounding.UP), ValidationError, "rate"),
        (lambda: LineItem("A", Money(1, "CNY"), refs=[("a",)]), WrongTypeError, "refs"),  # type: ignore[list-item]
        (
            lambda: LineItem("A", Money(1, "CNY"), quantity=MAX_QUANTITY + 1),
            LimitExceededError,
            "quantity",
        ),
        (lambda: LineItem("A\x1b[2J", Money(1, "CNY")), ValidationError, "sku"),
        (lambda: LineItem("A\ud800", Money(1, "CNY")), ValidationError, "sku"),
        (lambda: Cart("CNY", 5), WrongTypeError, "lines"),  # type: ignore[arg-type]
        (
            lambda: Cart("CNY", [LineItem(f"S{i}", Money(1, "CNY")) for i in range(MAX_LINES + 1)]),
            LimitExceededError,
            "lines",
        ),
        (lambda: Money.parse("1e999999999", "CNY"), LimitExceededError, "amount"),
        (lambda: Money.parse("9" * 5000, "CNY"), LimitExceededError, "amount"),
        (
            lambda: Money.parse("1.0000000000000000000000000000001", "CNY"),
            ValidationError,
            "decimals",
        ),
        (
            lambda: Money.parse("123456789012345678901234567890", "CNY"),
            LimitExceededError,
            "amount",
        ),
        (lambda: stats.msprt_proportions([], [], [], [], tau=0.1), ValidationError, "n_a"),
        (lambda: stats.msprt_proportions("100", "10", "100", "12", tau=0.1), WrongTypeError, "n_a"),
        (
            lambda: stats.msprt_proportions(100, 10, 100, 12, tau=[0.1, 0.2]),  # type: ignore[arg-type]
            WrongTypeError,
            "tau",
        ),
        (lambda: stats.compare_proportions(10**400, 10, 100, 12), LimitExceededError, "n_a"),
    ],
)
def test_wrong_calls_raise_typed_errors_naming_the_field(
    call: Any, kind: type[Exception], field: str
) -> None:
    with pytest.raises(kind) as info:
        call()
    assert_typed(info.value, field)


def test_enum_options_take_the_member_or_its_exact_value() -> None:
    assert Engine([], selection="best").selection is Selection.BEST
    assert Engine([], selection=Selection.PRIORITY).selection is Selection.PRIORITY
    # The stages given are the stages run: a percent off at the item stage applies.
    quote = Engine([_off("10")], stages=["item", "order"]).price(CART)
    assert quote.discount == Money(300, "CNY")
    assert Engine([_off("10")], stages=[Stage.ITEM]).price(CART).discount == Money(300, "CNY")
    # Rounding: the member or its exact value; "HALF_UP" (the name) is refused above.
    half = Money(5, "CNY")
    assert half.multiply(Decimal("0.5"), "ROUND_HALF_UP") == Money(3, "CNY")  # type: ignore[arg-type]
    assert half.multiply(Decimal("0.5"), Rounding.HALF_UP) == Money(3, "CNY")
    assert half.multiply(Decimal("0.5"), Rounding.HALF_DOWN) == Money(2, "CNY")


def test_money_parsing_is_exact_at_any_number_of_digits() -> None:
    assert Money.parse("90071992547409.91", "CNY").amount == MAX_AMOUNT
    assert Money.parse("-90071992547409.91", "CNY").amount == -MAX_AMOUNT
    assert Money.parse("1.230000000000000000000000000000000000", "CNY").amount == 123
    assert Money.parse("12345678901234.56", "CNY").amount == 1234567890123456
    assert Money.parse("9007199254740991", "JPY").amount == MAX_AMOUNT
    assert Money.parse("1e2", "CNY").amount == 10000
    with pytest.raises(ValidationError, match="more than 2 decimals"):
        Money.parse("12345678901234.561", "CNY")
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        assert Money.parse("12345678901234.56", "CNY").amount == 1234567890123456
        assert Money.parse(Decimal("169.99"), "CNY").amount == 16999


@given(
    number=st.decimals(
        min_value=-(MAX_AMOUNT // 100), max_value=MAX_AMOUNT // 100, places=2, allow_nan=False
    )
)
@FUZZ
def test_parsing_any_amount_in_range_round_trips_exactly(number: Decimal) -> None:
    money = Money.parse(str(number), "CNY")
    assert Decimal(money.amount) / 100 == number
    assert Money.parse(money.format(), "CNY") == money


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.msprt_proportions(10**9, 10**8, 10**9, 2 * 10**8, tau=0.1),
        lambda: stats.msprt_proportions(
            [1e15, 1e15], [1e14, 1e14], [1e15, 1e15], [2e14, 1e14], tau=1e-9
        ),
        lambda: stats.welch_test(10, 1e308, 1e308, 10, 1e308, 1e308),
        lambda: stats.sample_size_proportions(baseline=1e-300, effect=1e-300),
        lambda: stats.summarize([1e308, 1e308]),
        lambda: stats.bootstrap_difference([1e308, 1e308], [1e308, 1e308], seed=1),
    ],
)
def test_no_numpy_warning_reaches_the_caller(call: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            call()
        except ValidationError as error:
            assert_typed(error)


@FUZZ
@given(raw=JSON_DATA)
def test_any_data_as_a_cart_builds_one_or_is_refused_with_paths(raw: Any) -> None:
    try:
        cart_from_dict(raw)
    except ValidationError as error:
        assert_typed(error)
        assert all(isinstance(p.path, str) for p in error.problems)


@FUZZ
@given(raw=st.lists(JSON_DATA, max_size=3))
def test_any_data_as_campaigns_builds_them_or_is_refused_with_paths(raw: list[Any]) -> None:
    try:
        campaigns = campaigns_from_dicts(raw)
    except ValidationError as error:
        assert_typed(error)
        assert all(p.path.startswith("campaigns[") for p in error.problems), error
    else:
        assert price(CART, campaigns).total.amount >= 0  # valid inputs still price


@FUZZ
@given(
    line=st.fixed_dictionaries(
        {"sku": st.sampled_from(["A", "B"]), "unit_price": st.sampled_from(["10.00", "0", "1e3"])},
        optional={
            "quantity": JSON_DATA,
            "categories": JSON_DATA,
            "refs": JSON_DATA,
            "tags": JSON_DATA,
        },
    )
)
def test_a_cart_line_with_any_optional_field_prices_or_is_refused(line: dict[str, Any]) -> None:
    try:
        cart = cart_from_dict({"currency": "CNY", "at": NOW.isoformat(), "lines": [line]})
    except ValidationError as error:
        assert_typed(error)
        assert all(p.path.startswith("lines[0]") for p in error.problems), error
    else:
        quote = price(cart, [_off("10")])
        assert quote.total.amount <= cart.subtotal.amount
