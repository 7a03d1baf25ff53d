"""Strategies for whole campaigns of any registered mechanic, and mechanic contexts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from promocore.campaign import Audience, Budget, Campaign, Limits, Schedule, Scope, Stage
from promocore.cart import Cart
from promocore.conditions import Condition
from promocore.errors import ValidationError
from promocore.mechanic import Context, LineView, Mechanic
from promocore.money import Money
from promocore.plugins import PluginHost, make_host
from promocore.testing.strategies._money import currencies, moments
from promocore.testing.strategies._params import RETRIES, params_for
from promocore.testing.strategies._parts import audiences, budgets, limits, schedules, scopes
from promocore.testing.strategies.vocabulary import GROUPS, NAMES

_IDS = st.from_regex(r"[a-z][a-z0-9-]{0,9}", fullmatch=True)


def _host_getter(host: PluginHost | None) -> Callable[[], PluginHost]:
    cell: list[PluginHost] = [host] if host is not None else []

    def get() -> PluginHost:
        if not cell:
            cell.append(make_host())
        return cell[0]

    return get


@functools.cache
def _default_budgets(currency: str) -> st.SearchStrategy[Budget | None]:
    return st.none() | budgets(currency=currency)


@functools.cache
def _defaults() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "currencies": currencies(),
        "ids": _IDS,
        "names": st.sampled_from(NAMES) | _IDS,
        "stages": st.none(),
        "schedules": schedules(),
        "audiences": audiences(),
        "scopes": scopes(),
        "priorities": st.just(0) | st.integers(-3, 3),
        "exclusive_groups": st.none() | st.sampled_from(GROUPS),
        "limits": limits(),
        "conditions": st.none(),
    }


@attrs.define
class _Plan:
    """What a campaigns strategy draws from; params strategies are built once per currency."""

    mechanic: str | Mechanic | None
    host: Callable[[], PluginHost]
    parts: dict[str, st.SearchStrategy[Any]]
    params: st.SearchStrategy[Any] | None
    budgets: st.SearchStrategy[Budget | None] | None
    built: dict[tuple[str, str], st.SearchStrategy[Any]] = attrs.field(factory=dict)

    def params_for(self, mechanic: Mechanic, currency: str) -> st.SearchStrategy[Any]:
        if self.params is not None:
            return self.params
        key = (mechanic.name, currency)
        if key not in self.built:
            self.built[key] = params_for(mechanic, currency=currency)
        return self.built[key]


@st.composite
def _campaigns(draw: st.DrawFn, plan: _Plan) -> Campaign:
    plugins = plan.host()
    if plan.mechanic is None:
        chosen = plugins.mechanic(draw(st.sampled_from(sorted(plugins.mechanics))))
    elif isinstance(plan.mechanic, str):
        chosen = plugins.mechanic(plan.mechanic)
    else:
        chosen = plan.mechanic
    parts = plan.parts
    currency: str = draw(parts["currencies"])
    params_strategy = plan.params_for(chosen, currency)
    budget_strategy = plan.budgets if plan.budgets is not None else _default_budgets(currency)
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "params": params_strategy,
        "budget": budget_strategy,
        **{field: parts[key] for field, key in _PART_OF_FIELD.items()},
    }
    values = {field: draw(strategy) for field, strategy in strategies.items()}
    validate = chosen.name in plugins.mechanics and plugins.mechanic(chosen.name) is chosen
    for _ in range(RETRIES):
        try:
            campaign = Campaign(mechanic=chosen.name, currency=currency, **values)
        except ValidationError as exc:
            problems = exc.problems
        else:
            problems = tuple(plugins.validate_campaign(campaign)) if validate else ()
            if not problems:
                return campaign
        named = {_FIELD_OF_PATH.get(_head(p.path), _head(p.path)) for p in problems}
        named &= set(strategies)
        if not named:
            break
        for field in sorted(named):
            values[field] = draw(strategies[field])
    assume(False)
    raise AssertionError("unreachable")


#: Campaign fields and the ``campaigns`` argument that draws each.
_PART_OF_FIELD = {
    "id": "ids",
    "name": "names",
    "stage": "stages",
    "schedule": "schedules",
    "audience": "audiences",
    "scope": "scopes",
    "priority": "priorities",
    "exclusive_group": "exclusive_groups",
    "limits": "limits",
    "conditions": "conditions",
}
#: Problem paths that name a field by another name.
_FIELD_OF_PATH = {"starts_at": "schedule", "ends_at": "schedule"}


def _head(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def campaigns(
    *,
    mechanic: str | Mechanic | None = None,
    host: PluginHost | None = None,
    params: st.SearchStrategy[Any] | None = None,
    currencies: st.SearchStrategy[str] | None = None,
    ids: st.SearchStrategy[str] | None = None,
    names: st.SearchStrategy[str] | None = None,
    stages: st.SearchStrategy[Stage | None] | None = None,
    schedules: st.SearchStrategy[Schedule] | None = None,
    audiences: st.SearchStrategy[Audience] | None = None,
    scopes: st.SearchStrategy[Scope] | None = None,
    priorities: st.SearchStrategy[int] | None = None,
    exclusive_groups: st.SearchStrategy[str | None] | None = None,
    budgets: st.SearchStrategy[Budget | None] | None = None,
    limits: st.SearchStrategy[Limits] | None = None,
    conditions: st.SearchStrategy[Condition | None] | None = None,
) -> st.SearchStrategy[Campaign]:
    """Draw valid campaigns of one mechanic, or of any registered one.

    Params come from [`params_for`][promocore.testing.strategies._params.params_for], so they are
    valid for the mechanic's ``params_type``. When the campaign, or a plugin
    (its ``validate``), refuses what was drawn, the parts its problems name are drawn
    again (a few times); what still fails is filtered away.

    Args:
        mechanic: A mechanic or its name; by default any mechanic of ``host``.
        host: Where mechanics come from; built-ins plus entry points by default
            (created on first draw).
        params: Params for the campaign (must match its currency); derived by default.
        currencies: The campaign's currency; any known currency by default.
        ids: Campaign ids.
        names: Campaign names.
        stages: Stage overrides; ``None`` (the mechanic's own stage) by default.
        schedules: Schedules.
        audiences: Audiences.
        scopes: Scopes.
        priorities: Priorities.
        exclusive_groups: Exclusive groups, or ``None`` for stackable campaigns.
        budgets: Budgets in the campaign's currency, or ``None``.
        limits: Usage limits.
        conditions: Conditions (see
            [`conditions`][promocore.testing.strategies._parts.conditions]); none by default.
    """
    if mechanic is not None and not isinstance(mechanic, str | Mechanic):
        raise InvalidArgument(f"mechanic must be a name or a Mechanic, got {mechanic!r}")
    given: dict[str, st.SearchStrategy[Any] | None] = {
        "currencies": currencies,
        "ids": ids,
        "names": names,
        "stages": stages,
        "schedules": schedules,
        "audiences": audiences,
        "scopes": scopes,
        "priorities": priorities,
        "exclusive_groups": exclusive_groups,
        "limits": limits,
        "conditions": conditions,
    }
    parts = {k: v if v is not None else _defaults()[k] for k, v in given.items()}
    return _campaigns(_Plan(mechanic, _host_getter(host), parts, params, budgets))


@functools.cache
def _closed(stage: Stage) -> st.SearchStrategy[frozenset[Stage]]:
    others = [s for s in Stage if s is not stage]
    return st.just(frozenset[Stage]()) | st.frozensets(st.sampled_from(others), max_size=2)


@st.composite
def _contexts(
    draw: st.DrawFn, campaign: Campaign, cart: Cart, at: datetime | None, stage: Stage
) -> Context:
    exclusive = campaign.is_exclusive
    views: list[LineView] = []
    cart = cart.with_shipping_line()
    for index, line in enumerate(cart.lines):
        subtotal = line.subtotal.amount
        if line.is_shipping:  # in every scope with goods, open to the shipping stage only
            if stage is not Stage.SHIPPING or not views or subtotal <= 0:
                continue
        elif not campaign.scope.includes(line) or subtotal <= 0:
            continue
        payable = draw(st.just(subtotal) | st.integers(1, subtotal))
        units, base = line.quantity, payable
        if exclusive:
            units = draw(st.integers(1, line.quantity))
            cap = min(payable, line.unit_price.amount * units)
            share = min(payable * units // line.quantity, cap)
            base = draw(st.just(share) | st.integers(0, cap))
        closed = draw(_closed(stage))
        money_ = Money(payable, cart.currency)
        views.append(LineView(index, line, money_, units, Money(base, cart.currency), closed))
    when = at if at is not None else cart.at if cart.at is not None else draw(moments())
    return Context(
        campaign=campaign,
        cart=cart,
        at=when,
        stage=stage,
        lines=tuple(views),
        unit_limit=campaign.limits.per_order,
        exclusive=exclusive,
    )


def contexts(
    *, campaign: Campaign, cart: Cart, at: datetime | None = None, stage: Stage | None = None
) -> st.SearchStrategy[Context]:
    """Draw what the engine may show a mechanic for ``campaign`` and ``cart``.

    Each line in the campaign's scope with something to pay is offered with a drawn
    payable (as if earlier stages discounted it) and, for an exclusive campaign, a
    drawn number of free units and what they have left to pay (as if another exclusive
    campaign took some), and sometimes as closed to other stages (as if an activity
    price closed it). At the ``shipping`` stage the cart's shipping fee is a last line, as
    the engine prices it ([`Cart.with_shipping_line`][promocore.cart.Cart.with_shipping_line]).
    The context has no lines when nothing in the cart is in scope.

    Args:
        campaign: The campaign being priced.
        cart: The cart (in the campaign's currency).
        at: The moment; the cart's ``at``, else a drawn moment.
        stage: The stage running; the campaign's stage, else ``item``.
    """
    return _contexts(campaign, cart, at, stage or campaign.stage or Stage.ITEM)
