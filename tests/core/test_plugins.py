"""The plugin host: a mechanic defined here, outside the package, prices a cart."""

import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

import promocore
from promocore.campaign import Campaign, Stage
from promocore.config import campaign_from_dict
from promocore.engine import Engine, price
from promocore.errors import PluginError, Problem, UnknownMechanicError, ValidationError
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, LineDiscount, Mechanic, Proposal
from promocore.money import Money
from promocore.plugins import (
    DISABLE_AUTOLOAD_ENV,
    MechanicOrigin,
    default_host,
    make_host,
    make_plugin_manager,
    reset_default_host,
)
from promocore.quote import Quote

from .builders import cart, cny, ladder, line, percent_off


@attrs.frozen
class NthFreeParams:
    """Every n-th unit of a line is free (买N免一)."""

    n: int

    def __attrs_post_init__(self) -> None:
        if self.n < 2:
            raise ValidationError.single("n", "must be >= 2")


@attrs.frozen
class NthFree:
    name: str = "nth_free"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = NthFreeParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        n = context.campaign.params.n
        discounts = []
        for view in context.lines:
            free = view.units // n
            if free:
                covered = view.take(free)
                amount = view.line.unit_price.min(covered.unit_base) * free
                discounts.append(
                    LineDiscount(view.index, amount.min(covered.base), free, covered.base)
                )
        if not discounts:
            return Decline("below_threshold", f"buy {n} of an item to get one free")
        return Proposal(discounts=tuple(discounts), message=f"every {n}th unit free")

    def validate(self, campaign: Campaign) -> list[Problem]:
        if campaign.exclusive_group is None:
            return [Problem("exclusive_group", "nth_free campaigns must be exclusive")]
        return []


class NthFreePlugin:
    observed: list[Quote]

    def __init__(self) -> None:
        self.observed = []

    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [NthFree()]

    @hookimpl
    def promocore_quote_priced(self, quote: Quote) -> None:
        self.observed.append(quote)


def test_a_mechanic_defined_outside_the_package_prices_a_cart() -> None:
    plugin = NthFreePlugin()
    host = make_host(autoload=False, plugins=[plugin])
    campaign = Campaign("b3f1", "买3免1", "nth_free", NthFreeParams(3), exclusive_group="item")
    quote = price(cart(line("A", "30.00", 7), line("B", "5.00", 2)), [campaign], host=host)
    assert quote.discount == cny("60.00")
    assert quote.lines[0].adjustments[0].units == 2
    assert plugin.observed == [quote]


def test_plugin_params_load_from_config_and_plugin_checks_run() -> None:
    host = make_host(autoload=False, plugins=[NthFreePlugin()])
    raw = {
        "id": "b",
        "name": "b",
        "mechanic": "nth_free",
        "params": {"n": 3},
        "exclusive_group": "g",
    }
    assert campaign_from_dict(raw, host=host).params == NthFreeParams(3)
    with pytest.raises(ValidationError, match=r"params\.n: must be >= 2"):
        campaign_from_dict({**raw, "params": {"n": 1}}, host=host)
    with pytest.raises(ValidationError, match="must be exclusive"):
        campaign_from_dict({k: v for k, v in raw.items() if k != "exclusive_group"}, host=host)


def test_builtins_register_like_plugins_and_can_be_blocked() -> None:
    pm = make_plugin_manager(autoload=False)
    assert pm.get_plugin("promocore.tiered_discount") is not None
    host = make_host(autoload=False, block=["promocore.tiered_discount"])
    assert "price_off" in host.mechanics
    with pytest.raises(UnknownMechanicError):
        host.mechanic("tiered_discount")


def test_autoload_can_be_switched_off_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_load(loaded: object) -> None:
        calls.append("promocore")

    monkeypatch.setattr("promocore.plugins._load_entry_points", fake_load)
    make_plugin_manager()
    assert calls == ["promocore"]
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    make_plugin_manager()
    assert calls == ["promocore"]


def test_duplicate_mechanic_names_are_refused() -> None:
    class Twice:
        @hookimpl
        def promocore_mechanics(self) -> list[Mechanic]:
            from promocore.mechanics.price_off import PriceOff

            return [PriceOff()]

    with pytest.raises(PluginError, match="price_off") as info:
        make_host(autoload=False, plugins=[Twice()])
    assert "'promocore.price_off' (promocore) and " in str(info.value)
    assert "(Twice)" in str(info.value)


def test_origins_name_the_plugin_and_distribution_of_each_mechanic() -> None:
    plugin = NthFreePlugin()
    host = make_host(autoload=False, plugins=[plugin])
    origins = host.origins()
    assert set(origins) == set(host.mechanics)
    assert origins["tiered_discount"] == MechanicOrigin(
        mechanic="tiered_discount",
        plugin="promocore.tiered_discount",
        distribution="promocore",
        version=promocore.__version__,
    )
    registered = host.manager.get_name(plugin)
    assert registered is not None
    assert origins["nth_free"] == MechanicOrigin(
        mechanic="nth_free", plugin=registered, distribution=None, version=None
    )


def test_a_mechanic_that_overshoots_is_stopped_by_the_engine() -> None:
    @attrs.frozen
    class Greedy:
        name: str = "greedy"
        stage: Stage = Stage.ITEM
        params_type: type[Any] = NthFreeParams

        def evaluate(self, context: Context) -> Proposal | Decline:
            view = context.lines[0]
            return Proposal(
                discounts=(LineDiscount(view.index, view.payable + Money(1, "CNY"), 1),)
            )

    class GreedyPlugin:
        @hookimpl
        def promocore_mechanics(self) -> list[Mechanic]:
            return [Greedy()]

    host = make_host(autoload=False, plugins=[GreedyPlugin()])
    engine = Engine([Campaign("g", "g", "greedy", NthFreeParams(2))], host=host)
    with pytest.raises(PluginError, match="out of bounds"):
        engine.price(cart(line("A", "1.00")))


class Batched:
    """Checks campaigns many at a time, and counts the calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    @hookimpl
    def promocore_validate_campaigns(
        self, mechanic: str, campaigns: Sequence[Campaign]
    ) -> list[tuple[int, Problem]]:
        self.calls.append((mechanic, len(campaigns)))
        return [
            (i, Problem("name", "must not shout"))
            for i, campaign in enumerate(campaigns)
            if campaign.name.isupper()
        ]


def test_validation_is_one_call_per_mechanic_after_each_mechanics_own_check() -> None:
    batched = Batched()
    host = make_host(autoload=False, plugins=[batched, NthFreePlugin()])
    good = [percent_off(f"p{i}", "5") for i in range(5)] + [ladder("l", ("1.00", "1.00"))]
    Engine(good, host=host)
    assert sorted(batched.calls) == [("price_off", 5), ("tiered_discount", 1)]
    loud = attrs.evolve(percent_off("loud", "5"), name="LOUD")
    alone = Campaign("n", "n", "nth_free", NthFreeParams(3))  # nth_free must be exclusive
    with pytest.raises(ValidationError) as info:
        Engine([*good, loud, alone], host=host)
    assert [str(p) for p in info.value.problems] == [
        "campaigns[6].name: must not shout",
        "campaigns[7].exclusive_group: nth_free campaigns must be exclusive",
    ]
    assert host.validate_campaign(loud) == [Problem("name", "must not shout")]


def test_a_wrapping_validator_is_still_called_through_the_hook() -> None:
    seen: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def promocore_validate_campaigns(
            self, mechanic: str, campaigns: Sequence[Campaign]
        ) -> Generator[None, Any, Any]:
            seen.extend(c.id for c in campaigns)
            return (yield)

    host = make_host(autoload=False, plugins=[Wrapper(), NthFreePlugin(), Batched()])
    alone = Campaign("n", "n", "nth_free", NthFreeParams(3))
    loud = attrs.evolve(percent_off("a", "1"), name="LOUD")
    assert host.validate_campaigns([loud, alone]) == [
        (Problem("name", "must not shout"),),
        (Problem("exclusive_group", "nth_free campaigns must be exclusive"),),
    ]
    assert seen == ["a", "n"]


def test_the_default_host_is_shared_and_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reset_default_host()
    host = default_host()
    assert default_host() is host
    assert Engine([]).host is host
    with pytest.raises(PluginError, match="shared"):
        host.register(NthFreePlugin())
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    without = default_host()
    assert without is not host and default_host() is without
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV)
    again = default_host()
    assert again is not without
    # A distribution installed into site-packages changes the directory's modification time.
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    seen = default_host()
    (tmp_path / "app.log").write_text("a script's directory may change: not watched")
    assert default_host() is seen
    (site / "new_plugin-1.0.dist-info").mkdir()
    os.utime(site, ns=(1, 1))
    assert default_host() is not seen
    reset_default_host()
    assert default_host() is not host


def test_price_reuses_the_default_host(monkeypatch: pytest.MonkeyPatch) -> None:
    reset_default_host()
    default_host()
    built: list[object] = []

    def counting(**options: object) -> None:
        built.append(options)

    monkeypatch.setattr("promocore.plugins.make_plugin_manager", counting)
    quote = price(cart(line("A", "10.00")), [percent_off("p", "10")])
    assert quote.discount == cny("1.00") and built == []


def test_every_hook_has_a_docstring_and_a_version_note() -> None:
    from promocore import hookspecs

    hooks = [getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("promocore_")]
    assert len(hooks) >= 3
    for hook in hooks:
        assert hook.__doc__ and "Added in promocore " in hook.__doc__, hook.__name__
