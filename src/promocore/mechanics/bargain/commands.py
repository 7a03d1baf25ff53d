"""What can be asked of a session: start, help, expire, cancel, order."""

from __future__ import annotations

import attrs

from promocore.mechanics.bargain.params import BargainParams
from promocore.validation import Checks


def _check_names(checks: Checks, owner: object, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        checks.check(isinstance(value, str) and bool(value.strip()), name, "must not be empty")


@attrs.frozen
class Start:
    """Start a session.

    Attributes:
        session_id: The new session's id.
        activity: Id of the bargain campaign.
        initiator: The customer starting it.
        terms: The campaign's params.
        seed: Seed of the cut sequence; the session id when not given.
    """

    session_id: str
    activity: str
    initiator: str
    terms: BargainParams
    seed: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, self, "session_id", "activity", "initiator")
        checks.check(isinstance(self.terms, BargainParams), "terms", "must be BargainParams")
        checks.check(self.seed is None or isinstance(self.seed, str), "seed", "must be a str")
        checks.raise_if_any()


@attrs.frozen
class Help:
    """A friend helps (助力): their cut comes off the price.

    Attributes:
        helper: The helping customer.
        new_customer: The helper never ordered (their cut may be boosted).
    """

    helper: str
    new_customer: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, self, "helper")
        checks.raise_if_any()


@attrs.frozen
class Expire:
    """Mark a session whose time ran out as expired."""


@attrs.frozen
class Cancel:
    """The initiator gives up the session.

    Attributes:
        by: Who asks; must be the initiator.
    """

    by: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, self, "by")
        checks.raise_if_any()


@attrs.frozen
class Order:
    """The initiator buys the item at the session's price.

    Attributes:
        order_id: The order; asking again with the same id changes nothing.
        by: Who orders; must be the initiator.
    """

    order_id: str
    by: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, self, "order_id", "by")
        checks.raise_if_any()


#: Any command a session takes.
Command = Start | Help | Expire | Cancel | Order
