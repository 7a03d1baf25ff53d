"""A host one plugin cannot break: the mechanic interface, checked hooks, warned observers."""

import argparse
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from promocore.campaign import Campaign, Stage
from promocore.cli import main
from promocore.config import campaign_from_dict, campaign_to_dict
from promocore.engine import Engine, price
from promocore.errors import (
    PluginError,
    PluginLoadError,
    PluginWarning,
    Problem,
    ValidationError,
)
from promocore.finalize import Amendment, Veto
from promocore.hookspecs import hookimpl
from promocore.mechanic import (
    MEMBERS,
    Context,
    Decline,
    Mechanic,
    Proposal,
    check_mechanic,
    members_of,
    spread,
)
from promocore.mechanics.price_off import PriceOff
from promocore.plugins import make_host
from promocore.quote import Effect, Quote
from promocore.samples import sample_path

from .builders import cart, cny, line, percent_off


@attrs.frozen
class WaitParams:
    """A discount that needs the cart to have waited a while (a timedelta param)."""

    wait: timedelta
    amount_off: int = 1


@attrs.frozen
class Waits:
    name: str = "waits"
    stage: Any = Stage.ORDER
    params_type: type[Any] = WaitParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        amount = context.zero().with_amount(min(context.campaign.params.amount_off, 1))
        return Proposal(discounts=spread(amount.min(context.base), context.lines), message="off")


def _plugin(*mechanics: object) -> object:
    class Provides:
        @hookimpl
        def promocore_mechanics(self) -> list[object]:
            return list(mechanics)

    return Provides()


# -- the declared interface ------------------------------------------------------------------


def test_every_optional_member_is_declared_with_a_default() -> None:
    names = {m.name for m in MEMBERS}
    assert {"name", "stage", "params_type", "evaluate"} <= names
    optional = {m.name for m in MEMBERS if not m.required}
    assert optional == {
        "bound",
        "bound_is_exact",
        "rate",
        "floor",
        "validate",
        "testing_profile",
        "laws",
        "params_strategy",
        "campaigns_strategy",
        "refs_strategy",
        "carts_strategy",
    }
    plain = members_of(Waits())
    assert plain.bound is None and plain.floor is None and plain.validate is None
    assert plain.bound_is_exact is False and plain.laws == () and plain.testing_profile is None
    assert check_mechanic(Waits()) == []
    assert members_of(PriceOff()).floor is not None


def test_a_stage_that_is_no_stage_is_refused_naming_the_plugin_and_the_member() -> None:
    with pytest.raises(PluginLoadError) as info:
        make_host(autoload=False, plugins=[_plugin(Waits(stage="lunch"))])
    message = str(info.value)
    assert "(Provides)" in message and "mechanic 'waits'" in message
    assert "member 'stage': must be a Stage" in message and "'lunch'" in message


def test_an_evaluate_of_the_wrong_arity_is_refused() -> None:
    @attrs.frozen
    class TwoArguments(Waits):
        def evaluate(self, context: Context, extra: int) -> Proposal | Decline:  # type: ignore[override]
            raise AssertionError

    problems = check_mechanic(TwoArguments())
    assert problems == ["member 'evaluate': must take (context), but it takes (context, extra)"]
    with pytest.raises(PluginError, match="member 'evaluate': must take"):
        make_host(autoload=False, plugins=[_plugin(TwoArguments())])


def test_missing_and_mistyped_members_are_each_named() -> None:
    class Bare:
        name = "bare"
        bound_is_exact = "yes"
        testing_profile = "not a module!"

        def rate(self, campaign: Campaign) -> None:
            raise AssertionError

    problems = check_mechanic(Bare())
    assert [p.split(":")[0] for p in problems] == [
        "member 'stage' is required",
        "member 'params_type' is required",
        "member 'evaluate' is required",
        "member 'bound_is_exact'",
        "member 'rate'",
        "member 'testing_profile'",
    ]


def test_a_broken_plugin_can_be_skipped_with_a_warning() -> None:
    with pytest.warns(PluginWarning, match="member 'stage'"):
        host = make_host(autoload=False, plugins=[_plugin(Waits(stage="lunch"))], skip_broken=True)
    assert "waits" not in host.mechanics and "price_off" in host.mechanics
    assert [f.error.split(":")[0] for f in host.failures] == ["mechanic 'waits'"]
    host.register(_plugin(Waits(name="waits_too")))  # the skipped one is not raised again
    assert "waits_too" in host.mechanics and len(host.failures) == 1


def test_a_misspelt_or_retired_hook_is_refused() -> None:
    class Misspelt:
        @hookimpl
        def promocore_quote_priceed(self, quote: Quote) -> None:
            raise AssertionError

    class Retired:
        @hookimpl
        def promocore_validate_campaign(self, campaign: Campaign) -> list[Problem]:
            return []

    with pytest.raises(PluginLoadError, match="implements promocore_quote_priceed, which is not"):
        make_host(autoload=False, plugins=[Misspelt()])
    with pytest.raises(PluginLoadError, match="promocore_validate_campaign, which is not"):
        make_host(autoload=False, plugins=[Retired()])
    host = make_host(autoload=False)
    with pytest.raises(PluginError, match="promocore_quote_priceed"):
        host.register(Misspelt())
    assert not any(isinstance(p, Misspelt) for p in host.manager.get_plugins())


def test_mechanics_and_origins_are_read_only_views() -> None:
    host = make_host(autoload=False)
    with pytest.raises(TypeError):
        host.mechanics["price_off"] = PriceOff()  # type: ignore[index]
    with pytest.raises(TypeError):
        host.origins()["price_off"] = host.origins()["tiered_discount"]  # type: ignore[index]


# -- observers and answers -------------------------------------------------------------------


class Loud:
    """Raises in every observer hook."""

    @hookimpl
    def promocore_quote_priced(self, cart: object, quote: Quote) -> None:
        raise RuntimeError("metrics down")

    @hookimpl
    def promocore_alert(self, alert: object) -> None:
        raise RuntimeError("pager down")


class Counting:
    def __init__(self) -> None:
        self.quotes: list[Quote] = []

    @hookimpl
    def promocore_quote_priced(self, quote: Quote) -> None:
        self.quotes.append(quote)


def test_an_observer_that_raises_is_a_warning_and_pricing_goes_on() -> None:
    counting = Counting()
    host = make_host(autoload=False, plugins=[counting, Loud()])
    with pytest.warns(PluginWarning, match="raised in promocore_quote_priced: RuntimeError"):
        quote = price(cart(line("A", "10.00")), [percent_off("p", "10")], host=host)
    assert quote.discount == cny("1.00") and counting.quotes == [quote]
    with pytest.warns(PluginWarning, match="pager down"):
        host.alert_raised(object())  # type: ignore[arg-type]


class Gatekeeper:
    """Vetoes the campaign ``p`` and stamps every quote."""

    @hookimpl
    def promocore_finalize_quote(self, cart: object, quote: Quote, at: object) -> Amendment:
        vetoes = [Veto("p", "margin_floor", "below the margin floor")]
        stamp = Effect("audit", "audited")
        return Amendment(effects=(stamp,), vetoes=tuple(v for v in vetoes if quote.applied))


def test_a_finaliser_vetoes_a_campaign_and_the_cart_is_priced_without_it() -> None:
    host = make_host(autoload=False, plugins=[Gatekeeper()])
    strong = attrs.evolve(percent_off("p", "20"), exclusive_group="item")
    weak = attrs.evolve(percent_off("q", "10"), exclusive_group="item")
    quote = Engine([strong, weak], host=host).price(cart(line("A", "10.00")))
    assert [a.campaign for a in quote.applied] == ["q"]
    assert quote.discount == cny("1.00")
    vetoed = [n for n in quote.not_applied if n.campaign == "p"]
    assert [(n.reason, n.message) for n in vetoed] == [("margin_floor", "below the margin floor")]
    assert quote.effects[-1] == Effect("audit", "audited")


def test_an_amendment_checks_what_it_holds() -> None:
    with pytest.raises(ValidationError, match="reason: must be a snake_case reason code"):
        Veto("p", "Margin Floor", "no")
    with pytest.raises(ValidationError, match="effects: must hold Effect values"):
        Amendment(effects=("points",))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="value is granted by a mechanic"):
        Amendment(effects=(Effect("p", "cash_back", cny("1.00")),))


class Broken:
    """Raises wherever an answer counts."""

    @hookimpl
    def promocore_finalize_quote(self, quote: Quote) -> Amendment:
        raise RuntimeError("finaliser down")

    @hookimpl
    def promocore_validate_campaigns(
        self, mechanic: str, campaigns: Sequence[Campaign]
    ) -> list[tuple[int, Problem]]:
        raise RuntimeError("rules down")


def test_a_hook_whose_answer_counts_raises_a_plugin_error_or_is_skipped() -> None:
    host = make_host(autoload=False, plugins=[Broken()])
    with pytest.raises(PluginError, match=r"\(Broken\).* raised in promocore_validate_campaigns"):
        Engine([percent_off("p", "10")], host=host)
    skipping = make_host(autoload=False, plugins=[Broken()], skip_broken=True)
    with pytest.warns(PluginWarning) as record:
        quote = price(cart(line("A", "10.00")), [percent_off("p", "10")], host=skipping)
    assert quote.discount == cny("1.00")
    assert {str(w.message).split(" raised in ")[1].split(":")[0] for w in record} == {
        "promocore_validate_campaigns",
        "promocore_finalize_quote",
    }


# -- converters, subcommands, testing profiles ----------------------------------------------


@attrs.frozen
class Sku:
    """A plugin's own type: an upper-case sku code."""

    code: str


@attrs.frozen
class SkuParams:
    sku: Sku


class SkuPlugin:
    @hookimpl
    def promocore_mechanics(self) -> list[Mechanic]:
        return [Waits(name="sku_off", params_type=SkuParams)]

    @hookimpl
    def promocore_human_converter(self, converter: Any) -> None:
        def read(raw: object, _: Any) -> Sku:
            if not isinstance(raw, str) or not raw.isupper():
                raise ValueError("must be an upper-case sku code")
            return Sku(raw)

        converter.register_structure_hook(Sku, read)
        converter.register_unstructure_hook(Sku, lambda sku: sku.code)


def test_a_plugin_type_is_read_and_written_through_its_converter() -> None:
    host = make_host(autoload=False, plugins=[SkuPlugin()])
    raw = {"id": "s", "name": "s", "mechanic": "sku_off", "params": {"sku": "TEA-1"}}
    campaign = campaign_from_dict(raw, host=host)
    assert campaign.params == SkuParams(Sku("TEA-1"))
    assert campaign_to_dict(campaign, host=host)["params"] == {"sku": "TEA-1"}
    with pytest.raises(ValidationError, match=r"params\.sku: must be an upper-case sku code"):
        campaign_from_dict({**raw, "params": {"sku": "tea"}}, host=host)


def test_a_timedelta_param_survives_a_campaign_file() -> None:
    host = make_host(autoload=False, plugins=[_plugin(Waits())])
    for wait in (timedelta(minutes=15), timedelta(seconds=1, microseconds=500_000)):
        campaign = Campaign("w", "w", "waits", WaitParams(wait))
        data = campaign_to_dict(campaign, host=host)
        assert campaign_from_dict(data, host=host) == campaign
    assert campaign_to_dict(Campaign("w", "w", "waits", WaitParams(timedelta(minutes=15))))[
        "params"
    ] == {"wait": 900}
    raw = {"id": "w", "name": "w", "mechanic": "waits", "params": {"wait": 90.5}}
    with pytest.raises(ValidationError, match=r"params.wait: write 90.5 as a string"):
        campaign_from_dict(raw, host=host)


class Hello:
    @hookimpl
    def promocore_add_commands(self, subparsers: Any) -> None:
        parser = subparsers.add_parser("hello", help="say hello", description="Say hello.")
        parser.set_defaults(handler=self.run)

    def run(self, args: argparse.Namespace) -> int:
        print(f"hello from a plugin; {len(args.host.mechanics)} mechanics")
        return 0


def test_a_plugin_adds_a_subcommand(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = make_host
    monkeypatch.setattr(
        "promocore.plugins.make_host", lambda **kw: real(autoload=False, plugins=[Hello()])
    )
    assert main(["hello"]) == 0
    assert capsys.readouterr().out.startswith("hello from a plugin; ")


def test_a_testing_profile_comes_through_the_hook() -> None:
    from promocore.testing.profiles import MechanicProfile, profile_of

    profile = MechanicProfile(refs=lambda campaign: None)  # type: ignore[arg-type,return-value]

    class Profiles:
        @hookimpl
        def promocore_testing_profile(self, mechanic: Mechanic) -> MechanicProfile | None:
            return profile if mechanic.name == "waits" else None

    host = make_host(autoload=False, plugins=[_plugin(Waits()), Profiles()])
    waits = host.mechanic("waits")
    assert profile_of(waits, host=host).refs is profile.refs
    assert profile_of(waits).refs is None
    assert profile_of(host.mechanic("price_off"), host=host).refs is None


# -- an installed plugin that raises in every hook ---------------------------------------------

_EVERY_HOOK = """
from promocore.hookspecs import hookimpl


def _raises(hook):
    def boom(*args, **kwargs):
        raise RuntimeError("{name} is broken")

    boom.__name__ = hook
    return hookimpl(boom)


for _hook in (
    "promocore_validate_campaigns", "promocore_finalize_quote", "promocore_human_converter",
    "promocore_add_commands", "promocore_testing_profile", "promocore_quote_priced",
    "promocore_game_event", "promocore_experiment_exposure", "promocore_alert",
):
    globals()[_hook] = _raises(_hook)


@hookimpl
def promocore_mechanics():
    {mechanics}
"""


@pytest.fixture
def broken_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A distribution ``promocore-broken`` installed in a folder on the path.

    Its entry point ``broken_everywhere`` raises in every hook, ``promocore_mechanics`` too;
    ``broken_but_loads`` gives no mechanics and raises in every other hook.
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / "broken_everywhere.py").write_text(
        _EVERY_HOOK.format(
            name="broken_everywhere",
            mechanics="raise RuntimeError('broken_everywhere is broken')",
        ),
        encoding="utf-8",
    )
    (site / "broken_but_loads.py").write_text(
        _EVERY_HOOK.format(name="broken_but_loads", mechanics="return []"), encoding="utf-8"
    )
    info = site / "promocore_broken-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: promocore-broken\nVersion: 0.3\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        textwrap.dedent(
            """\
            [promocore]
            broken_everywhere = broken_everywhere
            broken_but_loads = broken_but_loads
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("PROMOCORE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("PROMOCORE_SKIP_BROKEN_PLUGINS", raising=False)
    yield site


def _quote_args() -> list[str]:
    return [
        "quote",
        "--campaigns",
        str(sample_path("campaigns.toml")),
        "--cart",
        str(sample_path("cart.json")),
    ]


def test_a_plugin_raising_in_every_hook_cannot_crash_promocore_quote(
    broken_distribution: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(_quote_args()) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "plugin 'broken_everywhere' (distribution promocore-broken 0.3)" in err
    assert "promocore_mechanics raised RuntimeError: broken_everywhere is broken" in err
    assert "--skip-broken-plugins" in err
    assert main(["--skip-broken-plugins", *_quote_args()]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "¥" in out
    assert "promocore: warning: plugin 'broken_everywhere'" in err
    assert "plugin 'broken_but_loads' raised in promocore_quote_priced" in err


def test_the_command_line_in_a_fresh_process_names_the_distribution(
    broken_distribution: Path,
) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken_distribution), *sys.path])}
    env.pop("PROMOCORE_DISABLE_PLUGIN_AUTOLOAD", None)
    run = subprocess.run(
        [sys.executable, "-m", "promocore", *_quote_args()],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "distribution promocore-broken 0.3" in run.stderr
    skipped = subprocess.run(
        [sys.executable, "-m", "promocore", "--skip-broken-plugins", *_quote_args()],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert skipped.returncode == 0, skipped.stderr
    assert "Traceback" not in skipped.stderr
