"""What bargaining keeps and exchanges: sessions, the commands they take, the events they cause.

A [`BargainSession`][promocore.games.bargain.model.BargainSession] is one shopper's item, cut by
friends toward the floor. Commands ([`Start`][promocore.games.bargain.model.Start],
[`Help`][promocore.games.bargain.model.Help], [`Expire`][promocore.games.bargain.model.Expire],
[`Cancel`][promocore.games.bargain.model.Cancel], [`Order`][promocore.games.bargain.model.Order],
[`Refund`][promocore.games.bargain.model.Refund]) go through
[`apply`][promocore.games.bargain.rules.apply]; the events say what happened. A
[`Tally`][promocore.games.bargain.model.Tally] lists the sessions that used a limit spanning
sessions (helps per helper, sessions per customer, the activity's stock).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from promocore.games.bargain.params import BargainParams
from promocore.money import Money, total
from promocore.validation import Checks


class Status(enum.Enum):
    """Where a session is in its life.

    ``started`` (taking help) → ``succeeded`` (at the floor) → ``ordered``;
    ``started`` → ``expired`` when time runs out; ``started`` or ``succeeded`` →
    ``cancelled`` by the initiator. With ``buy_above_floor``, ``started`` →
    ``ordered`` at the current price. ``ordered`` → ``refunded`` when the unit comes back.
    """

    STARTED = "started"
    SUCCEEDED = "succeeded"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    ORDERED = "ordered"
    REFUNDED = "refunded"


#: Statuses no move leaves (a refund aside: it follows an order).
FINAL: frozenset[Status] = frozenset(
    {Status.EXPIRED, Status.CANCELLED, Status.ORDERED, Status.REFUNDED}
)


@attrs.frozen
class Cut:
    """One cut of a session's price.

    Attributes:
        by: The customer who cut (the initiator for the first cut, if they cut).
        amount: How much came off.
        at: When.
        boosted: The cut was made bigger for a new helper.
    """

    by: str
    amount: Money
    at: datetime
    boosted: bool = False


def _cuts(items: Iterable[Cut]) -> tuple[Cut, ...]:
    return tuple(items)


@attrs.frozen
class BargainSession:
    """The state of one session; change it only through `apply`.

    Attributes:
        id: Unique session id (also the one cart lines reference).
        activity: Id of the campaign the session belongs to.
        initiator: The customer who started it and may order it.
        seed: Seed of the session's cut sequence.
        terms: The activity's params when the session started.
        started_at: When it started.
        expires_at: When it stops taking help unless it succeeded.
        price: The current price.
        cuts: Every cut so far, in order.
        status: Where the session is in its life.
        succeeded_at: When it reached the floor.
        closed_at: When it expired, was cancelled or ordered.
        order_id: The order that bought it.
        refund_id: The refund that took the unit back, once refunded.
        refunded: What that refund gave back (the price the unit was ordered at).
        refunded_at: When it was refunded.
    """

    id: str
    activity: str
    initiator: str
    seed: str
    terms: BargainParams
    started_at: datetime
    expires_at: datetime
    price: Money
    cuts: tuple[Cut, ...] = attrs.field(default=(), converter=_cuts)
    status: Status = Status.STARTED
    succeeded_at: datetime | None = None
    closed_at: datetime | None = None
    order_id: str | None = None
    refund_id: str | None = None
    refunded: Money | None = None
    refunded_at: datetime | None = None

    @property
    def helpers(self) -> tuple[str, ...]:
        """Customers who helped, in order (the initiator's own cut is not a help)."""
        offset = 1 if self.terms.initiator_cuts_first else 0
        return tuple(cut.by for cut in self.cuts[offset:])

    @property
    def helps(self) -> int:
        """How many friends helped."""
        return len(self.helpers)

    @property
    def cut_total(self) -> Money:
        """What the cuts took off in all."""
        return total((cut.amount for cut in self.cuts), self.price.currency)

    @property
    def to_floor(self) -> Money:
        """What is still above the floor."""
        return self.price - self.terms.floor_price

    @property
    def at_floor(self) -> bool:
        """True if the price reached the floor."""
        return self.price == self.terms.floor_price

    @property
    def helps_left(self) -> int:
        """Helps still needed at most (new helpers' bigger cuts may need fewer)."""
        return 0 if self.at_floor else self.terms.cuts - len(self.cuts)

    def is_open(self, at: datetime) -> bool:
        """True if the session takes help at ``at``."""
        return self.status is Status.STARTED and at < self.expires_at

    def is_due(self, at: datetime) -> bool:
        """True if the session should be expired at ``at`` (still started, time is up)."""
        return self.status is Status.STARTED and at >= self.expires_at

    def orderable(self, at: datetime) -> bool:
        """True if the initiator may order the session at ``at``."""
        if self.status is Status.SUCCEEDED:
            return True
        return self.terms.buy_above_floor and self.is_open(at)


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


@attrs.frozen
class Refund:
    """The ordered unit came back: refund what was paid for it and give its stock back.

    Attributes:
        refund_id: The refund; asking again with the same id changes nothing.
        reason: Why, for the records.
    """

    refund_id: str
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_names(checks, self, "refund_id")
        checks.raise_if_any()


#: Any command a session takes.
Command = Start | Help | Expire | Cancel | Order | Refund


@attrs.frozen
class Started:
    """A session started at ``price``."""

    session_id: str
    activity: str
    initiator: str
    price: Money
    expires_at: datetime
    at: datetime


@attrs.frozen
class PriceCut:
    """``by`` cut ``amount`` off; the price is now ``price``.

    ``help_number`` counts the friends' helps (1 for the first friend); it is 0
    for the initiator's own cut.
    """

    session_id: str
    by: str
    amount: Money
    price: Money
    help_number: int
    boosted: bool
    at: datetime


@attrs.frozen
class Succeeded:
    """The session reached its floor ``price``."""

    session_id: str
    price: Money
    helps: int
    at: datetime


@attrs.frozen
class Expired:
    """The session's time ran out at ``at`` while ``price`` was above the floor."""

    session_id: str
    price: Money
    at: datetime


@attrs.frozen
class Cancelled:
    """The initiator cancelled the session."""

    session_id: str
    at: datetime


@attrs.frozen
class Ordered:
    """The initiator bought the item at ``price`` with order ``order_id``."""

    session_id: str
    order_id: str
    price: Money
    at: datetime


@attrs.frozen
class Refunded:
    """The unit of order ``order_id`` came back; ``amount`` (what it was ordered at) is refunded."""

    session_id: str
    order_id: str
    refund_id: str
    amount: Money
    at: datetime
    reason: str = ""


#: Any event a transition returns.
Event = Started | PriceCut | Succeeded | Expired | Cancelled | Ordered | Refunded


def _ids(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


@attrs.frozen
class Tally:
    """The sessions that used one limit, in the order they used it."""

    sessions: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    @property
    def used(self) -> int:
        """How much of the limit is used."""
        return len(self.sessions)

    def has(self, session_id: str) -> bool:
        """True if ``session_id`` is recorded."""
        return session_id in self.sessions

    def without(self, session_id: str) -> Tally:
        """Return the tally with ``session_id`` given back (unchanged if absent)."""
        if session_id not in self.sessions:
            return self
        return Tally(tuple(s for s in self.sessions if s != session_id))

    def _with(self, session_id: str) -> Tally:
        return Tally((*self.sessions, session_id))


@attrs.frozen
class CountHelp:
    """Count a help by ``helper`` on ``session_id`` against the ``limit`` of helps per helper."""

    session_id: str
    helper: str
    limit: int


@attrs.frozen
class CountStart:
    """Count the session ``session_id`` ``initiator`` starts against the ``limit`` per customer."""

    session_id: str
    initiator: str
    limit: int


@attrs.frozen
class TakeUnit:
    """Take one unit of the activity's ``stock`` for ``session_id``."""

    session_id: str
    activity: str
    stock: int


@attrs.frozen
class Uncount:
    """Give back what ``session_ids`` used (a refused move, a refund, a count a crash left)."""

    session_ids: tuple[str, ...]


#: Any command a tally takes.
TallyCommand = CountHelp | CountStart | TakeUnit | Uncount
