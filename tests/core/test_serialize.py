"""The human profile of the one converter: quotes, field paths, laziness."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promocore.campaign import Audience, Budget, Campaign, Schedule, Scope, Stage, Tier
from promocore.cart import Cart, LineItem
from promocore.engine import Engine
from promocore.errors import ValidationError
from promocore.mechanics.tiered_discount import Basis, TieredDiscountParams
from promocore.money import Money, Rounding
from promocore.quote import Adjustment, Applied, Effect, Grant, GrantKind, Quote, QuoteLine
from promocore.serialize import structure, unstructure
from promocore.testing.strategies import audiences, campaigns, carts, currencies, schedules, scopes

from .builders import NOW, cart, cny, ladder, line, percent_off


def paths(error: ValidationError) -> dict[str, str]:
    return {p.path: p.message for p in error.problems}


@st.composite
def priced(draw: st.DrawFn) -> Quote:
    """A quote of a drawn cart against drawn campaigns of every registered mechanic.

    Parts are often open (any time, anyone, every line) so that campaigns apply and
    the quote has grants, gifts, hints and effects to write.
    """
    currency = draw(currencies())
    offers = campaigns(
        currencies=st.just(currency),
        schedules=st.just(Schedule()) | schedules(),
        audiences=st.just(Audience()) | audiences(),
        scopes=st.just(Scope()) | scopes(),
    )
    drawn = draw(st.lists(offers, max_size=4, unique_by=lambda c: c.id))
    return Engine(drawn).price(draw(carts(currency=currency)), explain_all=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(quote=priced())
def test_a_quote_survives_json_and_back(quote: Quote) -> None:
    text = json.dumps(quote.to_dict(), ensure_ascii=False)
    again = Quote.from_dict(json.loads(text))
    assert again == quote
    assert again.total == quote.total
    assert again.to_dict() == quote.to_dict()


def sample_quote() -> Quote:
    apparel = Scope(categories=frozenset({"x"}))
    offers = [
        percent_off("five", "5", scope=apparel),
        ladder("ladder", ("300.00", "50.00"), ("500", "90")),
    ]
    shopping = cart(line("TEE-1", "169.00", 2, "x"), line("MUG-1", "45.50"))
    return Engine(offers).price(shopping, explain_all=True)


def test_the_quote_dict_is_what_the_cli_prints() -> None:
    data = sample_quote().to_dict()
    assert data["currency"] == "CNY"
    assert data["at"] == "2026-11-11T10:00:00+08:00"
    assert (data["subtotal"], data["discount"], data["total"]) == ("383.50", "66.90", "316.60")
    first = data["lines"][0]
    assert first["index"] == 0 and first["unit_price"] == "169.00"
    assert first["adjustments"][0] == {
        "campaign": "five",
        "amount": "16.90",
        "stage": "item",
        "units": 2,
    }
    assert "gift_of" not in first  # a field whose default is None is left out while None
    assert data["applied"][1]["amount"] == "50.00"
    assert data["hints"][0]["add_amount"] == "133.40"
    assert "add_quantity" not in data["hints"][0]


def test_effects_keep_their_amounts() -> None:
    effect = Effect(
        "pre",
        "presale_deposit",
        cny("100.00"),
        {"deposit": cny("100.00"), "quantity": 1, "order": "o-1", "usd": Money(150, "USD")},
    )
    quote = Quote(
        "CNY",
        NOW,
        (QuoteLine(0, "A", 1, cny("9.90"), (Adjustment("pre", cny("1.00"), Stage.ITEM, 1),)),),
        applied=(Applied("pre", "pre", Stage.ITEM, cny("1.00"), gifts=(("GIFT", 2),)),),
        effects=(effect,),
        grants=(
            Grant(
                campaign="pre",
                kind=GrantKind.DISCOUNT,
                value=cny("1.00"),
                stage=Stage.ITEM,
                line=0,
                sku="A",
                quantity=1,
            ),
        ),
    )
    data = quote.to_dict()
    written = data["effects"][0]
    assert written["detail"]["deposit"] == "100.00"
    assert written["detail"]["usd"] == {"amount": "1.50", "currency": "USD"}
    assert written["detail_amounts"] == ["deposit", "usd"]
    assert data["applied"][0]["gifts"] == [{"sku": "GIFT", "quantity": 2}]
    assert Quote.from_dict(json.loads(json.dumps(data))) == quote


def test_an_edited_quote_is_refused_with_the_paths() -> None:
    data = sample_quote().to_dict()
    data["total"] = "300.00"
    data["lines"][0]["total"] = "1.00"
    data["lines"][1]["quantity"] = "many"
    data["applied"][0]["stage"] = "later"
    data["effects"] = [{"campaign": "x", "kind": "k", "detail": {}, "detail_amounts": ["nope"]}]
    with pytest.raises(ValidationError) as caught:
        Quote.from_dict(data)
    found = paths(caught.value)
    assert found == {
        "lines[0].total": "is 277.31 by its price, quantity and adjustments, not 1.00",
        "lines[1].quantity": "must be a whole number, got 'many'",
        "applied[0].stage": "'later' is not one of: coupon, item, order, payment, post",
        "effects[0].detail_amounts[0]": "'nope' is not a key of detail",
    }
    data = sample_quote().to_dict()
    data["lines"][0]["total"] = "1.00"
    data["total"] = "300"
    with pytest.raises(ValidationError) as caught:
        Quote.from_dict(data)
    assert [str(p) for p in caught.value.problems] == [
        "lines[0].total: is 277.31 by its price, quantity and adjustments, not 1.00"
    ]
    data["lines"][0]["total"] = "277.31"
    with pytest.raises(ValidationError, match=r"^total: is 316.60 by its lines, not 300.00$"):
        Quote.from_dict(data)


def test_a_quote_written_before_lines_had_an_index_still_loads() -> None:
    quote = sample_quote()
    data = quote.to_dict()
    for written in data["lines"]:
        del written["index"]
        for adjustment in written["adjustments"]:
            del adjustment["units"]
    again = Quote.from_dict(data)
    assert [line.index for line in again.lines] == [0, 1]
    assert again.total == quote.total


def test_a_quote_needs_its_currency() -> None:
    with pytest.raises(ValidationError, match="currency: is required"):
        Quote.from_dict({"at": "2026-11-11T10:00:00+08:00", "lines": []})
    with pytest.raises(ValidationError, match="must be a table/object"):
        Quote.from_dict(["not", "a", "quote"])


def test_every_problem_is_collected_with_its_path() -> None:
    raw = {
        "basis": "amount",
        "tiers": [
            {"threshold": "0", "amount_off": "5.00"},
            {"threshold": "abc", "amount_off": "5.001", "colour": "red"},
            {"amount_off": "1"},
            "a tier",
        ],
        "cap": 1.5,
    }
    with pytest.raises(ValidationError) as caught:
        structure(TieredDiscountParams, raw, currency="CNY", path="campaigns[1].params")
    known = "threshold, amount_off, percent_off, gifts"
    assert paths(caught.value) == {
        "campaigns[1].params.tiers[0].threshold": "must be > 0",
        "campaigns[1].params.tiers[1].threshold": "'abc' is not a number",
        "campaigns[1].params.tiers[1].amount_off": "'5.001' has more than 2 decimals for CNY",
        "campaigns[1].params.tiers[1].colour": f"unknown field (known: {known})",
        "campaigns[1].params.tiers[2].threshold": "is required",
        "campaigns[1].params.tiers[3]": "must be a table/object",
        "campaigns[1].params.cap": "write 1.5 as a string (floats are refused)",
    }


def test_containers_and_scalars_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        structure(Audience, {"tiers": "gold", "customers": "vip"})
    assert paths(caught.value) == {
        "tiers": "must be a list",
        "customers": "'vip' is not one of: any, new, returning",
    }
    with pytest.raises(ValidationError, match="at: must carry a UTC offset"):
        structure(Cart, {"currency": "CNY", "lines": [], "at": "2026-11-11T10:00:00"})
    with pytest.raises(ValidationError, match=r"lines\[0\].refs\[0\]: must be a \[name, value\]"):
        structure(
            Cart,
            {"currency": "CNY", "lines": [{"sku": "A", "unit_price": "1", "refs": ["x"]}]},
            currency="CNY",
        )
    with pytest.raises(ValidationError, match="no currency to read the amount in"):
        structure(Budget, {"limit": "1.00"})


def test_what_the_human_profile_writes() -> None:
    params = TieredDiscountParams(
        basis=Basis.QUANTITY, tiers=(Tier(2, percent_off=Decimal("7.5")),), rounding=Rounding.DOWN
    )
    assert unstructure(params, compact=True) == {
        "basis": "quantity",
        "tiers": [{"threshold": 2, "percent_off": "7.5"}],
        "rounding": "down",
    }
    assert structure(TieredDiscountParams, unstructure(params), currency="CNY") == params
    audience = Audience(tiers=frozenset({"gold", "diamond", "black"}))
    assert unstructure(audience)["tiers"] == ["black", "diamond", "gold"]
    item = LineItem("A", Money(100, "JPY"), refs=(("bargain", "s1"),))
    written = unstructure(item)
    assert written["unit_price"] == "100" and written["refs"] == {"bargain": "s1"}
    assert structure(LineItem, written, currency="JPY") == item
    at = datetime(2026, 11, 11, 2, tzinfo=UTC)
    campaign = Campaign("c", "c", "price_off", None, budget=Budget(cny("20000")))
    assert unstructure(campaign.budget) == {"limit": "20000.00"}
    assert unstructure(at) == "2026-11-11T02:00:00+00:00"


def test_pricing_loads_no_cattrs_until_a_quote_is_written() -> None:
    # The stateless built-ins only: the game mechanics still import their services.
    code = """
import sys
from datetime import datetime, timezone
from decimal import Decimal
from promocore.campaign import Campaign, Tier
from promocore.cart import Cart, LineItem
from promocore.engine import Engine
from promocore.mechanics import BUILTIN_PLUGINS
from promocore.mechanics.price_off import PriceOffParams
from promocore.mechanics.tiered_discount import TieredDiscountParams
from promocore.money import Money
from promocore.plugins import make_host

stateless = ("promocore.price_off", "promocore.tiered_discount")
host = make_host(autoload=False, block=[n for n in BUILTIN_PLUGINS if n not in stateless])
ladder = TieredDiscountParams(tiers=(Tier(Money(30000, "CNY"), amount_off=Money(5000, "CNY")),))
offers = [
    Campaign("five", "5% off", "price_off", PriceOffParams(percent_off=Decimal(5))),
    Campaign("ladder", "ladder", "tiered_discount", ladder),
]
cart = Cart("CNY", (LineItem("A", Money(16900, "CNY"), 2),))
quote = Engine(offers, host=host).price(cart, at=datetime(2026, 11, 11, tzinfo=timezone.utc))
assert quote.applied
print(any(m.split(".")[0] == "cattrs" for m in sys.modules), end=" ")
quote.to_dict()
print(any(m.split(".")[0] == "cattrs" for m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("name", ["promocore.serialize", "promocore.measure"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_a_quote_writes_every_field() -> None:
    written = set(sample_quote().to_dict())
    fields = {field.name for field in attrs.fields(Quote)}
    assert written == fields | {"subtotal", "discount", "total"}
