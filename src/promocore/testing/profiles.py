"""What a mechanic tells the laws about itself: its params strategy, cart refs and extra laws.

A mechanic may carry any of these optional attributes:

* ``params_strategy(currency)``: a hypothesis strategy of valid params in ``currency``
  (import hypothesis inside the method, so it stays a test-time dependency);
* ``campaigns_strategy(host)``: a strategy of valid campaigns, for mechanics whose
  campaigns must fit their params (a stage, a schedule covering their windows);
* ``refs_strategy(campaign)``: a strategy of line refs (``{"groupbuy": "team-1"}``)
  that make lines take part in ``campaign``;
* ``carts_strategy(campaign)``: a strategy of whole carts for ``campaign``, for
  mechanics that price only lines of a given sku, price or time
  ([`promocore.testing.samples.campaign_carts`][promocore.testing.samples.campaign_carts] builds on
  the defaults);
* ``laws``: extra [`Law`][promocore.testing.law.Law] objects it promises to obey.

These optional members are declared with the others in
[`promocore.mechanic.MEMBERS`][promocore.mechanic.MEMBERS].

A registered profile may also give a ``reference``: what the mechanic should grant in a
context, worked out independently of its code, for the ``matches_reference`` law.

For a mechanic you cannot change, [`register_profile`][promocore.testing.profiles.register_profile]
records the same things by mechanic name, and a plugin may answer the
[`promocore_testing_profile`][promocore.hookspecs.promocore_testing_profile] hook (importing its
strategies inside the implementation), which [`profile_of`][promocore.testing.profiles.profile_of]
asks when it is given the host. Attributes on the mechanic win over a registered profile;
whatever neither gives is derived (params from ``params_type``) or left out.

A mechanic whose strategies live in a module of their own names it, as a string, in a
``testing_profile`` attribute (``testing_profile = "promocore.games.bargain.strategies"``). The
module is imported the first time [`profile_of`][promocore.testing.profiles.profile_of] is asked
about the mechanic, and registers its profile with
[`register_profile`][promocore.testing.profiles.register_profile] when it loads. So production code
never imports hypothesis or a strategies module: only the testing side follows the string. Every
built-in game's mechanic and the group-buy and flash-sale plugins work this way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.errors import PluginError
from promocore.mechanic import Context, Mechanic, members_of
from promocore.money import Money
from promocore.plugins import PluginHost
from promocore.testing.law import Law

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

#: Builds a strategy of valid params in a currency.
ParamsFactory = Callable[[str], "SearchStrategy[Any]"]
#: Builds a strategy of campaigns of the mechanic, given the host that provides it.
CampaignsFactory = Callable[[PluginHost], "SearchStrategy[Campaign]"]
#: Builds a strategy of line refs for a campaign.
RefsFactory = Callable[[Campaign], "SearchStrategy[Mapping[str, str]]"]
#: Builds a strategy of carts for a campaign.
CartsFactory = Callable[[Campaign], "SearchStrategy[Cart]"]
#: What a mechanic should grant in a context, worked out independently of it: the amount
#: off each line by index, or the total off, or ``None`` where the reference has no answer.
Reference = Callable[[Context], "Mapping[int, Money] | Money | None"]


def _laws(items: Iterable[Law]) -> tuple[Law, ...]:
    return tuple(items)


@attrs.frozen
class MechanicProfile:
    """Testing knowledge about one mechanic.

    Attributes:
        params: Builds a strategy of valid params in a currency; ``None`` derives one
            from the mechanic's ``params_type``.
        campaigns: Builds a strategy of campaigns; ``None`` draws them with
            [`promocore.testing.strategies.campaigns`][promocore.testing.strategies.campaigns].
        refs: Builds a strategy of line refs for a campaign; ``None`` draws no refs.
        carts: Builds a strategy of carts for a campaign; ``None`` draws the default
            carts (with ``refs`` on their lines).
        laws: Laws the mechanic obeys beyond the standard ones.
        reference: Works out what the mechanic should grant in a context, independently of
            its code (exact ``Decimal`` or ``Fraction`` arithmetic, rounded as its params
            say), so the ``matches_reference`` law can catch a minor unit lost or created
            by the mechanic's own rounding.
    """

    params: ParamsFactory | None = None
    campaigns: CampaignsFactory | None = None
    refs: RefsFactory | None = None
    carts: CartsFactory | None = None
    laws: tuple[Law, ...] = attrs.field(default=(), converter=_laws)
    reference: Reference | None = None


_REGISTRY: dict[str, MechanicProfile] = {}
_BUILTINS_LOADED: list[bool] = []
_MODULES_LOADED: set[str] = set()


def register_profile(
    name: str,
    *,
    params: ParamsFactory | None = None,
    campaigns: CampaignsFactory | None = None,
    refs: RefsFactory | None = None,
    carts: CartsFactory | None = None,
    laws: Iterable[Law] = (),
    reference: Reference | None = None,
) -> MechanicProfile:
    """Record testing knowledge for the mechanic called ``name`` (replacing any before).

    Args:
        name: The mechanic's name.
        params: Builds a strategy of valid params in a currency.
        campaigns: Builds a strategy of valid campaigns, given the host.
        refs: Builds a strategy of line refs for a campaign.
        carts: Builds a strategy of carts for a campaign.
        laws: Extra laws the mechanic obeys.
        reference: Works out what the mechanic should grant in a context (see
            [`MechanicProfile`][promocore.testing.profiles.MechanicProfile]).

    Returns:
        The recorded profile.
    """
    profile = MechanicProfile(params, campaigns, refs, carts, tuple(laws), reference)
    _REGISTRY[name] = profile
    return profile


def _load_builtins() -> None:
    if not _BUILTINS_LOADED:
        _BUILTINS_LOADED.append(True)
        importlib.import_module("promocore.testing._builtin_profiles")


def _load_named(mechanic: Mechanic) -> None:
    """Import the module the mechanic's ``testing_profile`` names, once."""
    module = members_of(mechanic).testing_profile
    if isinstance(module, str) and module not in _MODULES_LOADED:
        importlib.import_module(module)
        _MODULES_LOADED.add(module)


def profile_of(mechanic: Mechanic, *, host: PluginHost | None = None) -> MechanicProfile:
    """Return what is known about testing ``mechanic``: its own attributes over the registry.

    With ``host``, a plugin's answer to ``promocore_testing_profile`` comes first, in place
    of the registry. The registry is filled first from the module the mechanic's
    ``testing_profile`` names, if it names one.

    Raises:
        ImportError: the ``testing_profile`` module cannot be imported.
        PluginError: a plugin's ``promocore_testing_profile`` raised or did not answer a
            ``MechanicProfile``.
    """
    _load_builtins()
    _load_named(mechanic)
    registered = _REGISTRY.get(mechanic.name, MechanicProfile())
    if host is not None:
        answer = host.testing_profile(mechanic)
        if answer is not None:
            if not isinstance(answer, MechanicProfile):
                raise PluginError(
                    f"promocore_testing_profile answered {answer!r} for {mechanic.name!r}, "
                    "not a MechanicProfile"
                )
            registered = answer
    members = members_of(mechanic)

    def own(attribute: str, fallback: Any) -> Any:
        value = getattr(members, attribute)
        return value if callable(value) else fallback

    own_laws = members.laws
    laws = own_laws + tuple(law for law in registered.laws if law not in own_laws)
    return MechanicProfile(
        params=own("params_strategy", registered.params),
        campaigns=own("campaigns_strategy", registered.campaigns),
        refs=own("refs_strategy", registered.refs),
        carts=own("carts_strategy", registered.carts),
        laws=laws,
        reference=registered.reference,
    )
