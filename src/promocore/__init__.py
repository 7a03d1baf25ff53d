"""promocore: promotion campaigns for e-commerce backends.

Everything needed to define campaigns, price carts and read the result is importable from
here (``from promocore import Engine, Cart, Campaign``). Names load on first use, so
``import promocore`` stays cheap. The stateful games, storage, statistics and testing
helpers live in their subpackages ([`promocore.ledger`][promocore.ledger],
[`promocore.state`][promocore.state], [`promocore.stats`][promocore.stats],
[`promocore.analytics`][promocore.analytics], [`promocore.testing`][promocore.testing]…);
the built-in mechanics' params are in [`promocore.mechanics`][promocore.mechanics] and the
sample files in [`promocore.samples`][promocore.samples].

- **pricing**: [`Engine`][promocore.engine.Engine], [`price`][promocore.engine.price],
  [`Selection`][promocore.selection.Selection]
- **carts**: [`Cart`][promocore.cart.Cart], [`LineItem`][promocore.cart.LineItem],
  [`Customer`][promocore.cart.Customer], [`ShippingRule`][promocore.cart.ShippingRule]
- **campaigns**: [`Campaign`][promocore.campaign.Campaign], [`Stage`][promocore.campaign.Stage],
  [`Schedule`][promocore.campaign.Schedule], [`Audience`][promocore.campaign.Audience],
  [`CustomerKind`][promocore.campaign.CustomerKind], [`Scope`][promocore.campaign.Scope],
  [`Budget`][promocore.campaign.Budget], [`Limits`][promocore.campaign.Limits],
  [`Tier`][promocore.campaign.Tier], [`Reward`][promocore.campaign.Reward],
  [`Gift`][promocore.campaign.Gift]
- **counted resources**: [`PeriodCap`][promocore.counted.PeriodCap],
  [`Period`][promocore.counted.Period], [`FatigueCap`][promocore.counted.FatigueCap],
  [`Remaining`][promocore.counted.Remaining] (reserved by [`promocore.ledger`][promocore.ledger])
- **quotes**: [`Quote`][promocore.quote.Quote], [`QuoteLine`][promocore.quote.QuoteLine],
  [`Adjustment`][promocore.quote.Adjustment], [`Applied`][promocore.quote.Applied],
  [`NotApplied`][promocore.quote.NotApplied], [`Reason`][promocore.quote.Reason],
  [`Hint`][promocore.quote.Hint], [`Gap`][promocore.quote.Gap],
  [`BudgetDraw`][promocore.quote.BudgetDraw],
  [`Effect`][promocore.quote.Effect], [`Grant`][promocore.quote.Grant],
  [`GrantKind`][promocore.quote.GrantKind], [`Withheld`][promocore.quote.Withheld]
- **money**: [`Money`][promocore.money.Money], [`Rounding`][promocore.money.Rounding],
  [`allocate`][promocore.money.allocate], [`total`][promocore.money.total]
- **mechanics**: [`Mechanic`][promocore.mechanic.Mechanic],
  [`Bounded`][promocore.mechanic.Bounded], [`Context`][promocore.mechanic.Context],
  [`LineView`][promocore.mechanic.LineView], [`Proposal`][promocore.mechanic.Proposal],
  [`LineDiscount`][promocore.mechanic.LineDiscount], [`Upsell`][promocore.mechanic.Upsell],
  [`Decline`][promocore.mechanic.Decline], [`spread`][promocore.mechanic.spread], and the
  optional members' [`Floor`][promocore.mechanic.Floor], [`Floored`][promocore.mechanic.Floored],
  [`Rated`][promocore.mechanic.Rated] and [`Validated`][promocore.mechanic.Validated]; the
  interface, declared in [`MEMBERS`][promocore.mechanic.MEMBERS] and checked with
  [`check_mechanic`][promocore.mechanic.check_mechanic] and
  [`members_of`][promocore.mechanic.members_of]
- **plugins**: [`hookimpl`][promocore.hookspecs.hookimpl],
  [`make_host`][promocore.plugins.make_host], [`default_host`][promocore.plugins.default_host],
  [`PluginHost`][promocore.plugins.PluginHost],
  [`MechanicOrigin`][promocore.plugins.MechanicOrigin],
  [`PluginFailure`][promocore.plugins.PluginFailure]; a finaliser's
  [`Amendment`][promocore.finalize.Amendment] and [`Veto`][promocore.finalize.Veto]
- **files**: [`load_campaigns`][promocore.config.load_campaigns],
  [`load_cart`][promocore.config.load_cart],
  [`load_experiments`][promocore.config.load_experiments],
  [`campaigns_from_dicts`][promocore.config.campaigns_from_dicts],
  [`campaign_from_dict`][promocore.config.campaign_from_dict],
  [`campaign_to_dict`][promocore.config.campaign_to_dict],
  [`cart_from_dict`][promocore.config.cart_from_dict]
- **errors**: [`PromocoreError`][promocore.errors.PromocoreError],
  [`ValidationError`][promocore.errors.ValidationError],
  [`ConfigError`][promocore.errors.ConfigError], [`Problem`][promocore.errors.Problem],
  [`Checks`][promocore.validation.Checks], [`CurrencyError`][promocore.errors.CurrencyError],
  [`FloatRefusedError`][promocore.errors.FloatRefusedError],
  [`WrongTypeError`][promocore.errors.WrongTypeError],
  [`LimitExceededError`][promocore.errors.LimitExceededError],
  [`AllocationError`][promocore.errors.AllocationError],
  [`UnknownMechanicError`][promocore.errors.UnknownMechanicError],
  [`PluginError`][promocore.errors.PluginError],
  [`PluginLoadError`][promocore.errors.PluginLoadError],
  [`RefRefusedError`][promocore.errors.RefRefusedError]; the warnings
  [`PromocoreWarning`][promocore.errors.PromocoreWarning] and
  [`PluginWarning`][promocore.errors.PluginWarning]; the shared bases of the games' errors:
  [`NotFoundError`][promocore.errors.NotFoundError],
  [`IllegalTransitionError`][promocore.errors.IllegalTransitionError],
  [`IdempotencyConflictError`][promocore.errors.IdempotencyConflictError],
  [`VersionConflictError`][promocore.errors.VersionConflictError],
  [`RetriesExhaustedError`][promocore.errors.RetriesExhaustedError],
  [`UnavailableError`][promocore.errors.UnavailableError]

``__version__`` is the installed distribution's version, read from its metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.campaign import Audience as Audience
    from promocore.campaign import Budget as Budget
    from promocore.campaign import Campaign as Campaign
    from promocore.campaign import CustomerKind as CustomerKind
    from promocore.campaign import Gift as Gift
    from promocore.campaign import Limits as Limits
    from promocore.campaign import Reward as Reward
    from promocore.campaign import Schedule as Schedule
    from promocore.campaign import Scope as Scope
    from promocore.campaign import Stage as Stage
    from promocore.campaign import Tier as Tier
    from promocore.cart import Cart as Cart
    from promocore.cart import Customer as Customer
    from promocore.cart import LineItem as LineItem
    from promocore.cart import ShippingRule as ShippingRule
    from promocore.config import campaign_from_dict as campaign_from_dict
    from promocore.config import campaign_to_dict as campaign_to_dict
    from promocore.config import campaigns_from_dicts as campaigns_from_dicts
    from promocore.config import cart_from_dict as cart_from_dict
    from promocore.config import load_campaigns as load_campaigns
    from promocore.config import load_cart as load_cart
    from promocore.config import load_experiments as load_experiments
    from promocore.engine import Engine as Engine
    from promocore.engine import price as price
    from promocore.errors import AllocationError as AllocationError
    from promocore.errors import ConfigError as ConfigError
    from promocore.errors import CurrencyError as CurrencyError
    from promocore.errors import FloatRefusedError as FloatRefusedError
    from promocore.errors import IdempotencyConflictError as IdempotencyConflictError
    from promocore.errors import IllegalTransitionError as IllegalTransitionError
    from promocore.errors import LimitExceededError as LimitExceededError
    from promocore.errors import NotFoundError as NotFoundError
    from promocore.errors import PluginError as PluginError
    from promocore.errors import PluginLoadError as PluginLoadError
    from promocore.errors import PluginWarning as PluginWarning
    from promocore.errors import Problem as Problem
    from promocore.errors import PromocoreError as PromocoreError
    from promocore.errors import PromocoreWarning as PromocoreWarning
    from promocore.errors import RefRefusedError as RefRefusedError
    from promocore.errors import RetriesExhaustedError as RetriesExhaustedError
    from promocore.errors import UnavailableError as UnavailableError
    from promocore.errors import UnknownMechanicError as UnknownMechanicError
    from promocore.errors import ValidationError as ValidationError
    from promocore.errors import VersionConflictError as VersionConflictError
    from promocore.errors import WrongTypeError as WrongTypeError
    from promocore.finalize import Amendment as Amendment
    from promocore.finalize import Veto as Veto
    from promocore.hookspecs import hookimpl as hookimpl
    from promocore.mechanic import MEMBERS as MEMBERS
    from promocore.mechanic import Bounded as Bounded
    from promocore.mechanic import Context as Context
    from promocore.mechanic import Decline as Decline
    from promocore.mechanic import Floor as Floor
    from promocore.mechanic import Floored as Floored
    from promocore.mechanic import LineDiscount as LineDiscount
    from promocore.mechanic import LineView as LineView
    from promocore.mechanic import Mechanic as Mechanic
    from promocore.mechanic import Proposal as Proposal
    from promocore.mechanic import Rated as Rated
    from promocore.mechanic import Upsell as Upsell
    from promocore.mechanic import Validated as Validated
    from promocore.mechanic import check_mechanic as check_mechanic
    from promocore.mechanic import members_of as members_of
    from promocore.mechanic import spread as spread
    from promocore.money import Money as Money
    from promocore.money import Rounding as Rounding
    from promocore.money import allocate as allocate
    from promocore.money import total as total
    from promocore.plugins import MechanicOrigin as MechanicOrigin
    from promocore.plugins import PluginFailure as PluginFailure
    from promocore.plugins import PluginHost as PluginHost
    from promocore.plugins import default_host as default_host
    from promocore.plugins import make_host as make_host
    from promocore.quote import Adjustment as Adjustment
    from promocore.quote import Applied as Applied
    from promocore.quote import BudgetDraw as BudgetDraw
    from promocore.quote import Effect as Effect
    from promocore.quote import Gap as Gap
    from promocore.quote import Grant as Grant
    from promocore.quote import GrantKind as GrantKind
    from promocore.quote import Hint as Hint
    from promocore.quote import NotApplied as NotApplied
    from promocore.quote import Quote as Quote
    from promocore.quote import QuoteLine as QuoteLine
    from promocore.quote import Reason as Reason
    from promocore.quote import Withheld as Withheld
    from promocore.selection import Selection as Selection
    from promocore.validation import Checks as Checks

    __version__: str

#: Where each public name is defined, by module.
_MODULES: dict[str, tuple[str, ...]] = {
    "promocore.campaign": (
        "Audience",
        "Budget",
        "Campaign",
        "CustomerKind",
        "Gift",
        "Limits",
        "Reward",
        "Schedule",
        "Scope",
        "Stage",
        "Tier",
    ),
    "promocore.cart": ("Cart", "Customer", "LineItem", "ShippingRule"),
    "promocore.config": (
        "campaign_from_dict",
        "campaign_to_dict",
        "campaigns_from_dicts",
        "cart_from_dict",
        "load_campaigns",
        "load_cart",
        "load_experiments",
    ),
    "promocore.counted": ("FatigueCap", "Period", "PeriodCap", "Remaining"),
    "promocore.engine": ("Engine", "price"),
    "promocore.errors": (
        "AllocationError",
        "ConfigError",
        "CurrencyError",
        "FloatRefusedError",
        "IdempotencyConflictError",
        "IllegalTransitionError",
        "LimitExceededError",
        "NotFoundError",
        "PluginError",
        "PluginLoadError",
        "PluginWarning",
        "Problem",
        "PromocoreError",
        "PromocoreWarning",
        "RefRefusedError",
        "RetriesExhaustedError",
        "UnavailableError",
        "UnknownMechanicError",
        "ValidationError",
        "VersionConflictError",
        "WrongTypeError",
    ),
    "promocore.finalize": ("Amendment", "Veto"),
    "promocore.hookspecs": ("hookimpl",),
    "promocore.mechanic": (
        "Bounded",
        "Context",
        "Decline",
        "Floor",
        "Floored",
        "LineDiscount",
        "LineView",
        "MEMBERS",
        "Mechanic",
        "Proposal",
        "Rated",
        "Upsell",
        "Validated",
        "check_mechanic",
        "members_of",
        "spread",
    ),
    "promocore.money": ("Money", "Rounding", "allocate", "total"),
    "promocore.plugins": (
        "MechanicOrigin",
        "PluginFailure",
        "PluginHost",
        "default_host",
        "make_host",
    ),
    "promocore.quote": (
        "Adjustment",
        "Applied",
        "BudgetDraw",
        "Effect",
        "Gap",
        "Grant",
        "GrantKind",
        "Hint",
        "NotApplied",
        "Quote",
        "QuoteLine",
        "Reason",
        "Withheld",
    ),
    "promocore.selection": ("Selection",),
    "promocore.validation": ("Checks",),
}
_EXPORTS: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_EXPORTS)


_load, __dir__ = lazy_exports(__name__, _EXPORTS, extra=["__version__"])


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("promocore")
    except PackageNotFoundError:  # imported from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name != "__version__":
        return _load(name)
    globals()[name] = value = _version()
    return value
