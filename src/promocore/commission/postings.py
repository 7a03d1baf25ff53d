"""Postings: the changes an order or a binding makes to a promoter's account.

A posting is written into its source's outbox (the order or binding record) in
the same compare-and-set as the change that caused it, then applied to the
promoter's account. Each posting has a unique id and an account applies an id
at most once, so delivering an outbox again after a crash changes nothing twice.
"""

from __future__ import annotations

import enum

import attrs

from promocore.money import Money
from promocore.validation import Checks


class PostingKind(enum.Enum):
    """What a posting does to an account."""

    #: A new commission waits out the return window: ``frozen += amount``.
    FREEZE = "freeze"
    #: A frozen commission shrank or was cancelled by a refund: ``frozen -= amount``.
    RELEASE = "release"
    #: A frozen commission settled: ``frozen -= amount``; debt is repaid first, the rest
    #: becomes available. ``sales`` adds to the promoter's settled sales.
    SETTLE = "settle"
    #: A settled commission shrank by a refund: taken from the available balance, the
    #: shortfall recorded as debt. ``sales`` is taken off the settled sales.
    CLAWBACK = "clawback"
    #: A customer bound to the promoter.
    TEAM_JOIN = "team_join"
    #: A customer bound to the promoter rebound to someone else.
    TEAM_LEAVE = "team_leave"


_MONEY_KINDS = frozenset(
    {PostingKind.FREEZE, PostingKind.RELEASE, PostingKind.SETTLE, PostingKind.CLAWBACK}
)


@attrs.frozen
class Posting:
    """One change to one promoter's account.

    Attributes:
        id: Unique id; an account applies each id once.
        promoter: Whose account it changes.
        kind: What it does.
        amount: The commission amount (money kinds only), > 0.
        sales: For ``SETTLE`` and ``CLAWBACK`` of level-1 commissions, the change to
            the promoter's settled sales; ``None`` otherwise.
    """

    id: str
    promoter: str
    kind: PostingKind
    amount: Money | None = None
    sales: Money | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id), "id", "must not be empty")
        checks.check(bool(self.promoter), "promoter", "must not be empty")
        if self.kind in _MONEY_KINDS:
            checks.check(
                self.amount is not None and self.amount.amount > 0, "amount", "must be > 0"
            )
        else:
            checks.check(self.amount is None, "amount", "team postings carry no amount")
        if self.sales is not None:
            checks.check(
                self.kind in (PostingKind.SETTLE, PostingKind.CLAWBACK),
                "sales",
                "only settle and clawback postings change sales",
            )
            checks.check(self.sales.amount >= 0, "sales", "must be >= 0")
        checks.raise_if_any()
