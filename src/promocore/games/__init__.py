"""The promotion games: state machines on one runtime, each game in the same folder shape.

A game is a frozen state, frozen commands and events, and a pure
``transition(state, command, now) -> (state', events)`` refusing illegal moves with a typed
error ([`Game`][promocore.games.game.Game]). One [`Runner`][promocore.games.runtime.Runner]
keeps any game in a [`Store`][promocore.state.Store] with optimistic versions, retries lost
races, makes commands idempotent, sweeps due states and emits events; each game's service only
adds its own side effects. [`returns`][promocore.games.returns] computes what a return of some
units refunds, for every game.

Every game lives in ``promocore.games.<name>`` with the same modules:

* ``params``: the campaign's terms, validated;
* ``model``: the frozen states, commands and events;
* ``rules``: the pure transitions, and the [`Game`][promocore.games.game.Game] definitions;
* ``errors``: the game's errors, subclasses of the shared bases in
  [`promocore.errors`][promocore.errors];
* ``mechanic``: the pricing mechanic (pure: it imports the model, rules and params only);
* ``service``: the runner-backed service with the game's side effects;
* ``strategies``: hypothesis strategies, found by `promocore.testing` (never imported by the
  other modules);

plus modules of the game's own (a bargain's ``cuts``, a presale's ``legal``). The games are
``bargain`` (砍价), ``presale`` (定金膨胀), ``coupons`` (优惠券), ``points`` (积分),
``invites`` (邀请有礼) and ``commission`` (分销); group buys (拼团) and flash sales (秒杀) are
plugin distributions laid out the same way.

Names are loaded on first use: importing a game's mechanic loads no runner and no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from promocore.lazy import lazy_exports

if TYPE_CHECKING:
    from promocore.games.game import CommandId as CommandId
    from promocore.games.game import Game as Game
    from promocore.games.game import GameEvent as GameEvent
    from promocore.games.returns import check_return as check_return
    from promocore.games.returns import unit_refund as unit_refund
    from promocore.games.runtime import Outcome as Outcome
    from promocore.games.runtime import RetryPolicy as RetryPolicy
    from promocore.games.runtime import Runner as Runner
    from promocore.games.runtime import hook_observer as hook_observer

_EXPORTS = {
    "CommandId": "promocore.games.game",
    "Game": "promocore.games.game",
    "GameEvent": "promocore.games.game",
    "Outcome": "promocore.games.runtime",
    "RetryPolicy": "promocore.games.runtime",
    "Runner": "promocore.games.runtime",
    "check_return": "promocore.games.returns",
    "hook_observer": "promocore.games.runtime",
    "unit_refund": "promocore.games.returns",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
