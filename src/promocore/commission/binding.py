"""Binding customers to the promoters who referred them (绑定关系).

A customer follows a promoter's link; whether that binds them, rebinds them or
changes nothing depends on the [`BindingPolicy`][promocore.commission.binding.BindingPolicy].
[`bind`][promocore.commission.binding.bind] is the pure transition;
[`walk_upline`][promocore.commission.binding.walk_upline] follows bindings up the chain (stopping at
any repeat, so even a corrupted store cannot make it loop).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from promocore.commission.errors import BindingCycleError, SelfBindingError
from promocore.commission.postings import Posting, PostingKind
from promocore.validation import Checks


class BindingMode(enum.Enum):
    """Which link binds a customer."""

    #: The first link binds; later links change nothing while the binding is active.
    FIRST_LINK = "first_link"
    #: Every link binds; a later link moves the customer to the new referrer.
    LAST_LINK = "last_link"
    #: Only a link followed while registering binds; later links change nothing.
    AT_REGISTRATION = "at_registration"


@attrs.frozen
class BindingPolicy:
    """How links bind customers.

    Attributes:
        mode: Which link wins.
        expire_days: A binding lapses this many days after it was made (a lapsed
            binding pays no commission and leaves the customer free to bind again,
            except in ``at_registration`` mode); ``None`` keeps bindings forever.
    """

    mode: BindingMode = BindingMode.FIRST_LINK
    expire_days: int | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        if self.expire_days is not None:
            checks.check(
                not isinstance(self.expire_days, bool) and 1 <= self.expire_days <= 36_500,
                "expire_days",
                "must be a whole number of days from 1 to 36500",
            )
        checks.raise_if_any()

    def expiry(self, bound_at: datetime) -> datetime | None:
        """When a binding made at ``bound_at`` lapses, or ``None``."""
        if self.expire_days is None:
            return None
        return bound_at + timedelta(days=self.expire_days)


@attrs.frozen
class Binding:
    """A customer's link to their referrer.

    Attributes:
        referrer: The promoter the customer is bound to.
        bound_at: When the binding was made (or last renewed).
        expires_at: When it lapses, or ``None``.
    """

    referrer: str
    bound_at: datetime
    expires_at: datetime | None = None

    def active(self, at: datetime) -> bool:
        """Whether the binding holds at ``at``."""
        return self.expires_at is None or at < self.expires_at


@attrs.frozen
class BindingState:
    """Everything stored about one customer's binding.

    Attributes:
        customer: The customer.
        binding: The latest binding (possibly lapsed), or ``None`` if never bound.
        links: How many bindings were made so far; numbers the team postings.
        outbox: Team-size postings not yet applied to the referrers' accounts.
    """

    customer: str
    binding: Binding | None = None
    links: int = 0
    outbox: tuple[Posting, ...] = ()

    def referrer_at(self, at: datetime) -> str | None:
        """The referrer the customer is bound to at ``at``, or ``None``."""
        if self.binding is not None and self.binding.active(at):
            return self.binding.referrer
        return None


@attrs.frozen
class Link:
    """Command: ``customer`` followed ``referrer``'s link.

    Attributes:
        customer: Who followed the link.
        referrer: The promoter whose link it was.
        policy: The binding policy in force.
        referrer_upline: The referrer's chain at the time, nearest first, as
            [`walk_upline`][promocore.commission.binding.walk_upline] returns it; used to refuse
            cycles.
        registering: True if the customer is registering right now.
    """

    customer: str
    referrer: str
    policy: BindingPolicy = BindingPolicy()
    referrer_upline: tuple[str, ...] = ()
    registering: bool = False

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.customer.strip()), "customer", "must not be empty")
        checks.check(bool(self.referrer.strip()), "referrer", "must not be empty")
        checks.raise_if_any()


class IgnoreReason(enum.StrEnum):
    """Why a link changed nothing."""

    ALREADY_BOUND = "already_bound"
    NOT_REGISTERING = "not_registering"


@attrs.frozen
class Bound:
    """Event: the customer is now bound to ``referrer``.

    ``replaced`` is the previous referrer (whose binding may have lapsed), if any.
    """

    customer: str
    referrer: str
    expires_at: datetime | None
    replaced: str | None = None


@attrs.frozen
class Renewed:
    """Event: the customer followed their own referrer's link again; the binding restarts."""

    customer: str
    referrer: str
    expires_at: datetime | None


@attrs.frozen
class LinkIgnored:
    """Event: the link changed nothing, for ``reason``."""

    customer: str
    referrer: str
    reason: IgnoreReason
    message: str


BindingEvent = Bound | Renewed | LinkIgnored


def bind(
    state: BindingState | None, command: Link, now: datetime
) -> tuple[BindingState, tuple[BindingEvent, ...]]:
    """Apply a followed link to a customer's binding state.

    Args:
        state: The customer's state, or ``None`` if nothing is stored yet.
        command: The link followed.
        now: When it was followed.

    Returns:
        The new state and what happened. A link the policy ignores returns the
        state unchanged and a [`LinkIgnored`][promocore.commission.binding.LinkIgnored] event.

    Raises:
        SelfBindingError: the customer followed their own link.
        BindingCycleError: the customer is up the referrer's chain.
    """
    customer, referrer, policy = command.customer, command.referrer, command.policy
    if customer == referrer:
        raise SelfBindingError(customer)
    current = state if state is not None else BindingState(customer)
    active = current.referrer_at(now)
    ignored = _ignored(current, command, active)
    if ignored is not None:
        return current, (ignored,)
    if customer in command.referrer_upline:
        upline = command.referrer_upline
        raise BindingCycleError(customer, referrer, upline[: upline.index(customer) + 1])
    expires_at = policy.expiry(now)
    binding = Binding(referrer, now, expires_at)
    previous = current.binding.referrer if current.binding is not None else None
    if previous == referrer:
        renewed = attrs.evolve(current, binding=binding)
        return renewed, (Renewed(customer, referrer, expires_at),)
    links = current.links + 1
    postings = [Posting(f"team:{customer}:{links}:join", referrer, PostingKind.TEAM_JOIN)]
    if previous is not None:
        postings.append(Posting(f"team:{customer}:{links}:leave", previous, PostingKind.TEAM_LEAVE))
    bound = BindingState(customer, binding, links, (*current.outbox, *postings))
    return bound, (Bound(customer, referrer, expires_at, previous),)


def _ignored(state: BindingState, command: Link, active: str | None) -> LinkIgnored | None:
    mode = command.policy.mode
    customer, referrer = command.customer, command.referrer
    if mode is BindingMode.AT_REGISTRATION:
        if not command.registering:
            return LinkIgnored(
                customer,
                referrer,
                IgnoreReason.NOT_REGISTERING,
                "links bind only while registering",
            )
        if state.binding is not None:
            return LinkIgnored(
                customer,
                referrer,
                IgnoreReason.ALREADY_BOUND,
                f"bound to {state.binding.referrer!r} at registration",
            )
    if mode is BindingMode.FIRST_LINK and active is not None and active != referrer:
        return LinkIgnored(
            customer,
            referrer,
            IgnoreReason.ALREADY_BOUND,
            f"already bound to {active!r} (first link wins)",
        )
    return None


def delivered(state: BindingState, posting_ids: frozenset[str]) -> BindingState:
    """Return ``state`` without the outbox postings in ``posting_ids`` (they were applied)."""
    return attrs.evolve(state, outbox=tuple(p for p in state.outbox if p.id not in posting_ids))


def walk_upline(
    start: str, referrer_of: Callable[[str], str | None], *, limit: int | None = None
) -> tuple[str, ...]:
    """Follow referrers up from ``start``, nearest first.

    Args:
        start: Whose chain to follow (not included in the result).
        referrer_of: Returns a customer's active referrer, or ``None``.
        limit: Stop after this many promoters; ``None`` follows the whole chain.

    Returns:
        The chain. It stops at the top, at ``limit``, or before any promoter met
        twice (``start`` included), so it always ends and never names anyone twice,
        even if the stored bindings were to form a loop.
    """
    chain: list[str] = []
    seen = {start}
    current = start
    while limit is None or len(chain) < limit:
        referrer = referrer_of(current)
        if referrer is None:
            break
        if referrer in seen:
            break
        chain.append(referrer)
        seen.add(referrer)
        current = referrer
    return tuple(chain)
