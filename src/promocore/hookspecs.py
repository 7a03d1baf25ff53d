"""The hooks a promocore plugin may implement.

A plugin is a module or object with functions named like the specs below and
decorated with [`hookimpl`][promocore.hookspecs.hookimpl]. Built-in mechanics are plugins
of exactly this kind; third-party ones are found through the ``promocore`` entry-point
group.

Each spec says in which promocore version it appeared; a spec never changes its arguments
within a major version (new arguments are new specs).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from promocore.analytics.alerts import Alert
    from promocore.campaign import Campaign
    from promocore.cart import Cart
    from promocore.errors import Problem
    from promocore.experiments.exposure import Exposure
    from promocore.mechanic import Mechanic
    from promocore.quote import Quote

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
def promocore_validate_campaign(campaign: Campaign) -> list[Problem]:  # type: ignore[empty-body]
    """Check a campaign beyond what its params type checks.

    Called for every campaign an engine is built with. Return problems (with
    paths relative to the campaign, such as ``params.levels``) to refuse it, or
    an empty list. Plugins with checks to run on many campaigns are cheaper with
    `promocore_validate_campaigns`. Added in promocore 0.1.0.

    Args:
        campaign: The campaign, already structurally valid.

    Returns:
        The problems found, possibly none.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_validate_campaigns(  # type: ignore[empty-body]
    mechanic: str, campaigns: Sequence[Campaign]
) -> list[tuple[int, Problem]]:
    """Check many campaigns of one mechanic in one call.

    The batched form of `promocore_validate_campaign`, which costs one hook call per
    campaign: an engine built with many campaigns calls this once per mechanic name its
    campaigns use, with all of them. Every plugin is asked today (filter on ``mechanic``);
    implement whichever form suits, not both for the same checks.

    Args:
        mechanic: The mechanic name every campaign of the batch uses.
        campaigns: The campaigns, already structurally valid.

    Returns:
        ``(position in campaigns, problem)`` pairs, problem paths relative to the
        campaign; an empty list when all are fine.

    Added in promocore 0.1.0.
    """


@hookspec
def promocore_quote_priced(cart: Cart, quote: Quote) -> None:
    """Observe a finished quote (metrics, audit logs). Must not raise.

    Added in promocore 0.1.0.

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
    order, after the write. It must not raise: an exception is logged and dropped, and
    neither the move nor the other plugins' implementations are affected. Events of a
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
    experiment. Must not raise.

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
    ``ContingencyTouched``, carrying its evidence. An implementation that raises stops
    the remaining alerts from being delivered, so catch your own errors.

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
