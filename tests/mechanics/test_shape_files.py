"""The shapes load from campaign files, and bad params are refused with their paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from promocore.campaign import Stage
from promocore.config import campaign_from_dict, campaign_to_dict, load_campaigns
from promocore.errors import ConfigError
from promocore.mechanics import AddOnParams, BundleParams, MultibuyParams, ShippingParams
from promocore.samples import sample_path
from tests.core.builders import cny


def test_the_shapes_sample_loads_into_their_params() -> None:
    campaigns = {c.id: c for c in load_campaigns(sample_path("shapes.toml"))}
    assert isinstance(campaigns["socks-half"].params, MultibuyParams)
    bundle = campaigns["tee-mug-set"].params
    assert isinstance(bundle, BundleParams) and bundle.price == cny("199")
    assert [sorted(g.skus) for g in bundle.groups] == [["TEE-1"], ["MUG-1"]]
    add_on = campaigns["cap-add-on"].params
    assert isinstance(add_on, AddOnParams) and add_on.offers[0].list_price == cny("25")
    assert campaigns["free-99"].params == ShippingParams(threshold=cny("99"))
    for campaign in campaigns.values():
        assert campaign_from_dict(campaign_to_dict(campaign)) == campaign


def test_a_multibuy_may_run_at_the_order_stage() -> None:
    raw = {
        "id": "bogo",
        "name": "买一送一",
        "mechanic": "multibuy",
        "stage": "order",
        "params": {"get_skus": ["MUG-1"], "unit_price": "0"},
    }
    campaign = campaign_from_dict(raw)
    assert campaign.stage is Stage.ORDER and campaign.params.get_skus == frozenset({"MUG-1"})


def test_bad_params_are_refused_with_their_paths(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        """
[[campaigns]]
id = "set"
name = "set"
mechanic = "bundle"
params = { groups = [ { skus = ["A"], quantity = 0 }, { skus = ["A"] } ], price = 99.5 }

[[campaigns]]
id = "half"
name = "half"
mechanic = "multibuy"
params = { buy = 2, percent_off = "150", per_sku = true, get_skus = ["MUG"] }

[[campaigns]]
id = "cap"
name = "cap"
mechanic = "add_on"
params = { threshold = "199", offers = [ { sku = "CAP", price = "9.999" } ] }

[[campaigns]]
id = "ship"
name = "ship"
mechanic = "shipping"
params = { threshold = "99", amount_off = "5", fee = "3" }
""",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_campaigns(path)
    problems = {p.path: p.message for p in caught.value.problems}
    assert "write 99.5 as a string" in problems["campaigns[0].params.price"]
    assert problems["campaigns[0].params.groups[0].quantity"] == "must be >= 1 and <= 1000"
    assert problems["campaigns[1].params.percent_off"] == "must be > 0 and <= 100"
    assert problems["campaigns[1].params.per_sku"] == "not with get_skus (the sets mix skus)"
    assert "more than 2 decimals" in problems["campaigns[2].params.offers[0].price"]
    assert "give at most one of" in problems["campaigns[3].params.fee"]
