"""What a law is, and the example it is checked against.

This module does not import hypothesis, so a mechanic can declare extra laws
(``laws = (Law(...),)``) without depending on it at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs

from promocore.campaign import Campaign
from promocore.cart import Cart
from promocore.mechanic import Context, Mechanic
from promocore.plugins import PluginHost


class LawBroken(AssertionError):
    """Raised by a law's check when the example breaks the law; the message says how."""


@attrs.frozen
class Sample:
    """One drawn example a law is checked against.

    Attributes:
        mechanic: The mechanic under test.
        host: A plugin host that provides the mechanic (used to price through the engine
            and to load campaigns from plain data).
        campaign: A valid campaign of the mechanic.
        cart: A cart in the campaign's currency, usually touching its scope and audience.
        at: The moment to price at, usually inside the campaign's schedule.
        context: What [`Mechanic.evaluate`][promocore.mechanic.Mechanic.evaluate] is asked with,
            lines possibly part-discounted already and part-taken by exclusive campaigns; ``None``
            when no line of the cart is in the campaign's scope (the engine never asks then).
        draw: Draws more data from a hypothesis strategy; shrinks with the rest.
        fresh: Makes a copy of the mechanic as it was before the law first used it (the
            mechanic itself when it cannot be copied, or when no maker is given).
    """

    mechanic: Mechanic
    host: PluginHost = attrs.field(eq=False, repr=False)
    campaign: Campaign
    cart: Cart
    at: datetime
    context: Context | None
    draw: Callable[[Any], Any] = attrs.field(eq=False, repr=False)
    fresh: Callable[[], Mechanic] | None = attrs.field(default=None, eq=False, repr=False)

    def fresh_mechanic(self) -> Mechanic:
        """A copy of the mechanic as it was before the law first used it."""
        return self.fresh() if self.fresh is not None else self.mechanic


@attrs.frozen
class Law:
    """A property every example must have.

    Attributes:
        name: Short identifier (``payable_never_negative``); shown in test ids and reports.
        description: One sentence saying what the law demands.
        check: Called with a [`Sample`][promocore.testing.law.Sample]; returns normally when the law
            holds and raises [`LawBroken`][promocore.testing.law.LawBroken] (or any
            ``AssertionError``) saying why it does not.
    """

    name: str
    description: str
    check: Callable[[Sample], None] = attrs.field(eq=False, repr=False)

    def __str__(self) -> str:
        return self.name
