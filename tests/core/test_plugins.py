"""The plugin host: a mechanic defined here, outside the package, prices a cart."""

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
from promocore.plugins import DISABLE_AUTOLOAD_ENV, MechanicOrigin, make_host, make_plugin_manager
from promocore.quote import Quote

from .builders import cart, cny, line


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


class NthFreePlugin:
    observed: list[Quote]

    def __init__(self) -> None:
        self.observed = []

    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [NthFree()]

    @hookimpl
    def promocore_validate_campaign(self, campaign: Campaign) -> list[Problem]:
        if campaign.mechanic == "nth_free" and campaign.exclusive_group is None:
            return [Problem("exclusive_group", "nth_free campaigns must be exclusive")]
        return []

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

    def fake_load(self: object, group: str, name: str | None = None) -> int:
        calls.append(group)
        return 0

    monkeypatch.setattr("pluggy.PluginManager.load_setuptools_entrypoints", fake_load)
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

    host = make_host(autoload=False, plugins=[Twice()])
    with pytest.raises(PluginError, match="price_off") as info:
        host.mechanic("price_off")
    assert "'promocore.price_off' and " in str(info.value)


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


def test_every_hook_has_a_docstring_and_a_version_note() -> None:
    from promocore import hookspecs

    hooks = [getattr(hookspecs, name) for name in dir(hookspecs) if name.startswith("promocore_")]
    assert len(hooks) >= 3
    for hook in hooks:
        assert hook.__doc__ and "Added in promocore " in hook.__doc__, hook.__name__
