"""What a ``promocore_finalize_quote`` plugin may say about a priced quote.

A finaliser sees the cart, the finished [`Quote`][promocore.quote.Quote] and the moment, all
frozen, and answers an [`Amendment`][promocore.finalize.Amendment] (or ``None`` for nothing to
say): effects without a value to add (an audit marker, a review flag) and campaigns to veto,
each with a reason code and a message (a fraud rule, a margin floor, a channel agreement).
The engine prices the cart again without the vetoed campaigns, so what they took goes back
to the others, and reports each in ``not_applied`` with the finaliser's reason. A finaliser
is pure: the same inputs give the same amendment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from promocore.errors import ValidationError
from promocore.quote import Effect

_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _code(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise ValidationError.single(
            attribute.name, f"must be a snake_case reason code, got {value!r}"
        )


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError.single(attribute.name, "must be a non-empty string")


@attrs.frozen
class Veto:
    """A campaign a finaliser refuses for this quote.

    Attributes:
        campaign: The id of a campaign that applied.
        reason: A snake_case reason code (``"fraud_risk"``); quotes report it in
            ``not_applied``.
        message: Why, in words.
    """

    campaign: str = attrs.field(validator=_text)
    reason: str = attrs.field(validator=_code)
    message: str = attrs.field(validator=_text)


def _effects(items: Iterable[Effect]) -> tuple[Effect, ...]:
    found = tuple(items)
    for item in found:
        if not isinstance(item, Effect):
            raise ValidationError.single("effects", f"must hold Effect values, got {item!r}")
        if item.amount is not None:
            raise ValidationError.single(
                "effects",
                f"{item.kind!r} has a value ({item.amount}): value is granted by a mechanic, "
                "where budgets count it, not added by a finaliser",
            )
    return found


def _vetoes(items: Iterable[Veto]) -> tuple[Veto, ...]:
    found = tuple(items)
    for item in found:
        if not isinstance(item, Veto):
            raise ValidationError.single("vetoes", f"must hold Veto values, got {item!r}")
    return found


@attrs.frozen(kw_only=True)
class Amendment:
    """What a finaliser adds to a quote.

    Attributes:
        effects: Effects without a value to add to the quote's ``effects`` (after the
            campaigns' own): markers such as an audit stamp. An effect worth money is a
            grant, which only a mechanic gives, so that budgets count it.
        vetoes: Campaigns to take out of the quote, each with its reason.
    """

    effects: tuple[Effect, ...] = attrs.field(default=(), converter=_effects)
    vetoes: tuple[Veto, ...] = attrs.field(default=(), converter=_vetoes)
