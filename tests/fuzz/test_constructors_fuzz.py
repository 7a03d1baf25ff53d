"""Every public constructor and function, given any value for one argument, validates it.

Each case is a valid call; hypothesis replaces one argument with any value at all. The call
then succeeds or raises a ``PromocoreError`` that is also a ``TypeError`` or ``ValueError``
and names the argument; never a bare builtin error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore import Cart, Customer, Engine, LineItem, Money, price
from promocore.campaign import (
    Audience,
    Budget,
    Campaign,
    Gift,
    Limits,
    Reward,
    Schedule,
    Scope,
    Tier,
)
from promocore.errors import PromocoreError
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Rounding, allocate

from .contract import FUZZ, HOSTILE, assert_typed

NOW = datetime(2026, 11, 11, 10, tzinfo=UTC)
TEN = Money(1000, "CNY")
LINE = LineItem("A", TEN, 2)
CART = Cart("CNY", (LINE,), Customer("u-1"), NOW)
OFF = PriceOffParams(percent_off=Decimal(10))
CAMPAIGN = Campaign("c1", "ten off", "price_off", OFF)

#: name -> (callable, valid keyword arguments, the field each argument is reported as).
CASES: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "Money": (Money, {"amount": 100, "currency": "CNY"}),
    "Money.parse": (Money.parse, {"value": "1.50", "currency": "CNY"}),
    "Money.multiply": (TEN.multiply, {"rate": Decimal("0.5"), "rounding": Rounding.HALF_UP}),
    "Money.percent": (TEN.percent, {"percent": Decimal("5"), "rounding": Rounding.HALF_UP}),
    "allocate": (allocate, {"amount": TEN, "weights": [1, 2], "caps": None}),
    "LineItem": (
        LineItem,
        {"sku": "A", "unit_price": TEN, "quantity": 1, "categories": ["x"], "tags": (), "refs": {}},
    ),
    "Customer": (Customer, {"id": "u", "tier": "gold", "segments": ["vip"], "is_new": False}),
    "Cart": (Cart, {"currency": "CNY", "lines": [LINE], "customer": None, "at": NOW}),
    "Schedule": (Schedule, {"starts_at": NOW, "ends_at": None}),
    "Audience": (Audience, {"tiers": ["gold"], "segments": (), "customer_ids": ()}),
    "Scope": (
        Scope,
        {"skus": ["A"], "categories": (), "exclude_skus": (), "exclude_categories": ()},
    ),
    "Budget": (Budget, {"limit": TEN}),
    "Limits": (Limits, {"per_order": 1, "per_customer": None}),
    "Gift": (Gift, {"sku": "G", "quantity": 1, "name": "gift", "list_price": TEN, "cost": None}),
    "Reward": (Reward, {"amount_off": TEN, "percent_off": None, "gifts": ()}),
    "Tier": (Tier, {"threshold": TEN, "amount_off": TEN, "percent_off": None, "gifts": ()}),
    "PriceOffParams": (
        PriceOffParams,
        {
            "percent_off": Decimal(5),
            "amount_off": None,
            "unit_price": None,
            "rounding": Rounding.DOWN,
        },
    ),
    "TieredDiscountParams": (
        TieredDiscountParams,
        {
            "tiers": [Tier(TEN, amount_off=Money(100, "CNY"))],
            "cap": None,
            "rounding": Rounding.DOWN,
        },
    ),
    "Campaign": (
        Campaign,
        {
            "id": "c1",
            "name": "n",
            "mechanic": "price_off",
            "params": OFF,
            "currency": "CNY",
            "stage": None,
            "schedule": Schedule(),
            "audience": Audience(),
            "scope": Scope(),
            "priority": 0,
            "exclusive_group": None,
            "budget": None,
            "limits": Limits(),
        },
    ),
    "Engine": (
        Engine,
        {"campaigns": [CAMPAIGN], "selection": "best", "stages": ["item"], "search_budget": 10},
    ),
    "Engine.price": (
        Engine([CAMPAIGN]).price,
        {"cart": CART, "at": NOW, "budgets": None, "usage": None, "explain_all": False},
    ),
    "price": (price, {"cart": CART, "campaigns": [CAMPAIGN], "at": NOW, "search_budget": 10}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_valid_call_of_each_case_succeeds(name: str) -> None:
    function, kwargs = CASES[name]
    function(**kwargs)


@pytest.mark.parametrize("name", sorted(CASES))
@FUZZ
@given(data=st.data())
def test_any_value_for_one_argument_succeeds_or_raises_a_typed_error_naming_it(
    name: str, data: st.DataObject
) -> None:
    function, kwargs = CASES[name]
    field = data.draw(st.sampled_from(sorted(kwargs)), label="field")
    value = data.draw(HOSTILE, label="value")
    try:
        function(**{**kwargs, field: value})
    except PromocoreError as error:
        assert_typed(error)
        # The message names the argument (or, for a value object's own field, its path).
        text = str(error)
        assert field in text or "floats are refused" in text or _names_inner_field(text), text
    except Exception as error:  # a bare builtin: the contract is broken
        raise AssertionError(f"{name}({field}={value!r}) raised {error!r}") from error


def _names_inner_field(text: str) -> bool:
    """Problems of a value passed on (a Money's own amount, a campaign of a list)."""
    return any(
        word in text
        for word in ("amount", "currency", "campaigns[", "rate", "percent", "weights[", "value")
    )
