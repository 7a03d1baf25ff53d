"""The hooks a promocore plugin may implement.

A plugin is a module or object with functions named like the specs below and
decorated with [`hookimpl`][promocore.hookspecs.hookimpl]. Built-in mechanics are plugins
of exactly this kind; third-party ones are found through the ``promocore`` entry-point
group.

Each spec says in which promocore version it appeared; a spec never changes its arguments
within a major version (new arguments are new specs). The one-campaign
``promocore_validate_campaign`` was retired before 0.1.0 was released: a mechanic checks its
own campaigns in its ``validate`` member, and a plugin that still implements it is refused
(``pm.check_pending``) with a message naming it.

No hook is ``historic``: the host asks for mechanics, converters and subcommands when it is
built and again when a plugin is registered. Custom condition predicates come through
`promocore_condition_kinds` (see [`promocore.conditions`][promocore.conditions]).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    import cattrs

    from promocore.analytics.alerts import Alert
    from promocore.campaign import Campaign
    from promocore.cart import Cart
    from promocore.cli import Subparsers
    from promocore.errors import Problem
    from promocore.experiments.exposure import Exposure
    from promocore.finalize import Amendment
    from promocore.mechanic import Mechanic
    from promocore.quote import Quote
    from promocore.testing.profiles import MechanicProfile

#: The pluggy project name: hook names start with ``promocore_``.
PROJECT = "promocore"

#: Marks the hook specifications of this module.
hookspec = pluggy.HookspecMarker(PROJECT)
#: Marks a plugin's hook implementations: ``@hookimpl`` above ``def promocore_mechanics()``.
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def promocore_mechanics() -> list[Mechanic]:  # type: ignore[empty-body]
    """Return the mechanics this plugin provides.

    Each mechanic's ``name`` must be unique across all plugins; campaigns name it
    in their ``mechanic`` field.

    Returns:
        The mechanics, possibly none.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_validate_campaigns(  # type: ignore[empty-body]
    mechanic: str, campaigns: Sequence[Campaign]
) -> list[tuple[int, Problem]]:
    """Check many campaigns of one mechanic in one call: rules that span mechanics.

    A mechanic checks its own campaigns in its ``validate`` member
    ([`Validated`][promocore.mechanic.Validated]), which is asked only about them. This hook
    is for the checks a plugin makes across mechanics (house rules: nothing over 50% off, no
    campaign without an end in the ``live`` channel). An engine, or a campaign file, calls it
    once per mechanic name its campaigns use, with all of them and after each mechanic's
    ``validate``.

    Args:
        mechanic: The mechanic name every campaign of the batch uses.
        campaigns: The campaigns, already structurally valid, params of the mechanic's type.

    Returns:
        ``(position in campaigns, problem)`` pairs, problem paths relative to the
        campaign; an empty list when all are fine. An implementation that raises is a
        ``PluginError`` naming the plugin (with ``skip_broken``, a warning).

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_finalize_quote(cart: Cart, quote: Quote, at: datetime) -> Amendment | None:
    """Amend a priced quote: add effects, or veto campaigns that applied, each with a reason.

    Called by [`Engine.price`][promocore.engine.Engine.price] after each pricing, only if a
    plugin implements it. Vetoed campaigns are taken out and the cart is priced again without
    them (so the others may take what they left), then the finalisers are asked again, until
    no new veto comes: a vetoed campaign ends in ``not_applied`` with the veto's reason and
    message. The effects of the last round are added to ``quote.effects``. Pure: everything
    given is frozen, and the same inputs must give the same answer.

    Args:
        cart: The cart priced.
        quote: The quote so far.
        at: The moment priced.

    Returns:
        An [`Amendment`][promocore.finalize.Amendment], or ``None`` for nothing to add. An
        implementation that raises is a ``PluginError`` naming the plugin (with
        ``skip_broken``, a warning).

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_human_converter(converter: cattrs.Converter) -> None:
    """Teach the human-profile converter of a host the plugin's own types.

    Campaign files are read (and ``campaign_to_dict`` written) through a converter that
    [`promocore.config`][promocore.config] builds once per host; a plugin whose params hold a
    type of its own (an ``Sku`` class, a ``Weekday`` set) registers its structure and
    unstructure hooks on it. Raise ``promocore.errors.ValidationError`` (or ``ValueError``)
    from a structure hook to refuse a value: the problem is reported with its path.

    Args:
        converter: A new human-profile converter (see
            [`promocore.serialize`][promocore.serialize]).

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_add_commands(subparsers: Subparsers) -> None:
    """Add subcommands to the ``promocore`` command line.

    Add each as the built-in ones do (see the ``promocore.commands`` package):
    ``subparsers.add_parser(name, help=..., description=...)`` and a ``handler`` default
    taking the parsed arguments and returning the exit status. The handler finds the host
    in ``args.host``; a [`PromocoreError`][promocore.errors.PromocoreError] it raises is
    printed and the exit status is 2.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.

    Added in promocore 0.1.0.
    """


@hookspec(firstresult=True)
def promocore_testing_profile(mechanic: Mechanic) -> MechanicProfile | None:
    """Give the testing profile of a mechanic (how the conformance laws draw its inputs).

    Asked by [`profile_of`][promocore.testing.profiles.profile_of] when it is given a host,
    before the mechanic's own ``testing_profile`` module and the registry; the first answer
    that is not ``None`` wins. Import hypothesis and your strategies inside the
    implementation, so that production code never imports them.

    Args:
        mechanic: The mechanic (often not one of the plugin's: return ``None`` then).

    Returns:
        A [`MechanicProfile`][promocore.testing.profiles.MechanicProfile], or ``None``.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_quote_priced(cart: Cart, quote: Quote) -> None:
    """Observe a finished quote (metrics, audit logs).

    An implementation that raises is logged and becomes a
    [`PluginWarning`][promocore.errors.PluginWarning]; the quote is returned all the same and
    the other observers still see it.

    Args:
        cart: The cart that was priced.
        quote: The result.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_game_event(game: str, record_id: str, event: object, at: datetime) -> None:
    """Observe an event of a promotion game once it is saved (audit logs, metrics, webhooks).

    A [`Runner`][promocore.games.runtime.Runner] built with
    ``observer=hook_observer(host)`` calls it for every event of every move it saves, in
    order, after the write. An exception is logged and becomes a
    [`PluginWarning`][promocore.errors.PluginWarning]: neither the move nor the other plugins'
    implementations are affected. Events of a
    command repeated with its idempotency key are not sent again.

    Args:
        game: The record kind of the game (``"bargain.session"``, ``"presale.order"``).
        record_id: The id of the state that changed (a session, an order, a coupon code).
        event: The event (a frozen attrs value of the game's ``model``).
        at: The moment of the move.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_experiment_exposure(exposure: Exposure) -> None:
    """Observe that a unit was served an arm of an experiment (event logs, analytics).

    Called by [`expose`][promocore.experiments.expose] for units in an arm of a running
    experiment. An exception is logged and becomes a
    [`PluginWarning`][promocore.errors.PluginWarning]; the other observers still hear of it.

    Added in promocore 0.1.0.

    Args:
        exposure: The experiment, the arm, the unit, when, and free-form context.
    """


@hookspec
def promocore_alert(alert: Alert) -> None:
    """React to an alert line crossed by a campaign: page someone, pause the campaign.

    Called once per alert by [`emit_alerts`][promocore.analytics.alerts.emit_alerts], for
    instance after ``promocore review``. ``alert`` is a typed event: a subclass of
    [`Alert`][promocore.analytics.alerts.Alert] such as ``RoiBelowLine`` or
    ``ContingencyTouched``, carrying its evidence. An implementation that raises is logged
    and becomes a [`PluginWarning`][promocore.errors.PluginWarning]; the other plugins and
    the remaining alerts are still served.

    Added in promocore 0.1.0.

    Args:
        alert: The alert.
    """


@hookspec
def promocore_condition_kinds() -> list[type]:  # type: ignore[empty-body]
    """Return the campaign condition classes this plugin provides.

    Each class is an attrs class with a ``kind`` class variable, unique across the
    built-in kinds and every plugin, that campaign files name (``{kind = "weather",
    ...}``); its fields are read from the rest of the table like any other value, and it
    implements [`Condition`][promocore.conditions.Condition] (``holds``, ``unmet``,
    ``describe``; subclass [`Leaf`][promocore.conditions.Leaf] to get ``holds``). An
    optional ``problems(currency, experiments)`` method reports what the engine should
    refuse. Conditions built in code need no registration; files do.

    Returns:
        The classes, possibly none.

    Added in promocore 0.1.0.
    """
