"""``add_on`` (加价购): hand-computed special prices, limits and the hints."""

from __future__ import annotations

import pytest

from promocore.errors import ValidationError
from promocore.mechanics import AddOnOffer, AddOnParams
from promocore.mechanics.add_on import NO_ADD_ON
from promocore.quote import Reason
from tests.core.builders import cny
from tests.mechanics.shapes import campaign, goods, off, quote

# 满199 加9.9元换购 a ¥39 mug (at most 1), or a ¥25 cap at ¥5 (at most 2).
PARAMS = AddOnParams(
    cny("199"),
    [
        AddOnOffer("MUG", cny("9.90"), 1, list_price=cny("39")),
        AddOnOffer("CAP", cny("5.00"), 2, list_price=cny("25")),
    ],
)


def test_above_the_threshold_the_add_on_costs_its_special_price() -> None:
    # Tees ¥200 ≥ 199; one mug at 39 → 9.90 (29.10 off); a second mug stays at 39.
    q = quote(goods(("TEE", "100.00", 2), ("MUG", "39.00", 2)), campaign("add_on", PARAMS))
    assert off(q) == {"MUG": "29.10"}
    assert q.total == cny("248.90")  # 200 + 9.90 + 39
    # and the hint says the caps can still be had
    (hint,) = q.hints
    assert hint.message == "add_on: you may add CAP at ¥5.00 (up to 2)"
    assert hint.extra_saving == cny("40.00")


def test_the_add_ons_do_not_count_towards_the_threshold() -> None:
    # Tees ¥180 + a mug ¥39 = 219, but only the tees count: ¥19 short.
    q = quote(goods(("TEE", "90.00", 2), ("MUG", "39.00", 1)), campaign("add_on", PARAMS))
    assert q.reason("add_on") == Reason.BELOW_THRESHOLD
    assert (
        q.not_applied[0].message
        == "the items other than add-ons come to ¥180.00, ¥19.00 short of ¥199.00"
    )
    (hint,) = q.hints
    assert hint.add_amount == cny("19.00")
    assert hint.message.startswith("add_on: add ¥19.00 more to buy MUG at ¥9.90 (up to 1)")


def test_reached_without_an_add_on_says_what_can_be_added() -> None:
    q = quote(goods(("TEE", "100.00", 2)), campaign("add_on", PARAMS))
    assert q.reason("add_on") == NO_ADD_ON
    assert "you may add MUG at ¥9.90 (up to 1); CAP at ¥5.00 (up to 2)" in q.not_applied[0].message
    (hint,) = q.hints
    assert hint.extra_saving == cny("69.10")  # 29.10 + 2 × 20.00


def test_params_refuse_a_duplicate_sku_and_a_list_price_below_the_price() -> None:
    with pytest.raises(ValidationError) as caught:
        AddOnParams(cny("99"), [AddOnOffer("MUG", cny("9.90")), AddOnOffer("MUG", cny("5"))])
    assert {p.path for p in caught.value.problems} == {"offers[1].sku"}
    with pytest.raises(ValidationError) as caught:
        AddOnOffer("MUG", cny("5"), list_price=cny("4"))
    assert {p.path for p in caught.value.problems} == {"list_price"}
