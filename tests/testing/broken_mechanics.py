"""Mechanics with deliberate bugs, to prove the laws catch them."""

from __future__ import annotations

import itertools
from typing import Any

import attrs

from promocore.campaign import Stage
from promocore.mechanic import Context, Decline, LineDiscount, Proposal
from promocore.money import Money


@attrs.frozen
class FlatOffParams:
    """A fixed amount off every line."""

    amount_off: Money


@attrs.frozen
class FlatOffEveryLine:
    """Takes ``amount_off`` off each line, forgetting to cap it at what the line costs."""

    name: str = "flat_off_every_line"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = FlatOffParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        params: FlatOffParams = context.campaign.params
        discounts = tuple(
            LineDiscount(view.index, params.amount_off, view.units) for view in context.lines
        )
        return Proposal(discounts=discounts, message="flat off")


@attrs.frozen
class EmptyParams:
    """No params."""


@attrs.frozen
class SilentDecline:
    """Declines without saying why."""

    name: str = "silent_decline"
    stage: Stage = Stage.ORDER
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        return Decline("Nope!", "")


_calls = itertools.count()


@attrs.frozen
class Moody:
    """Gives one minor unit off every other time it is asked."""

    name: str = "moody"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        view = context.lines[0]
        if next(_calls) % 2 or view.base.amount == 0:
            return Decline("no_discount", "not today")
        return Proposal((LineDiscount(view.index, Money(1, context.currency), 1),), "a fen off")


_seen: set[tuple[str, int]] = set()


@attrs.frozen
class WelcomeOnce:
    """Gives one minor unit off an item the first time it sees it, remembering in a module set."""

    name: str = "welcome_once"
    stage: Stage = Stage.ITEM
    params_type: type[Any] = EmptyParams

    def evaluate(self, context: Context) -> Proposal | Decline:
        view = context.lines[0]
        key = (view.line.sku, view.line.unit_price.amount)
        if key in _seen or view.base.amount == 0:
            return Decline("no_discount", "welcomed before")
        _seen.add(key)
        return Proposal((LineDiscount(view.index, Money(1, context.currency), 1),), "welcome")
