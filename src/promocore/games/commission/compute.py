"""Computing an order's commissions: pure, exact, explained.

For each eligible line and each level with a promoter, the commission is the
level's rate applied to the line's base: ``base × percent / 100`` rounded
**down** to the minor unit, or a fixed amount per unit capped at the base. If
the order's commissions add up to more than ``max_share`` percent of what the
buyer paid (itself rounded down), they are scaled down to exactly that with
[`promocore.money.allocate`][promocore.money.allocate]. Lines that pay nothing say why.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs

from promocore.games.commission.order import OrderLine, PaidOrder
from promocore.games.commission.params import CommissionBase, CommissionParams, Rate
from promocore.money import Money, Rounding, allocate, total


class IneligibleReason(enum.StrEnum):
    """Why a line pays no commission."""

    #: Outside the program (out of the campaign's scope, or the campaign did not apply).
    EXCLUDED = "excluded"
    #: An activity item (bargain, group buy, flash sale) and the program excludes them.
    ACTIVITY_ITEM = "activity_item"
    #: Nothing was paid for the line's base.
    NOTHING_PAID = "nothing_paid"
    #: An activity price closed the line to the post stage (seen when pricing a cart).
    CLOSED = "closed"


@attrs.frozen
class Ineligible:
    """A line that pays no commission, and why."""

    line_id: str
    sku: str
    reason: IneligibleReason
    message: str


@attrs.frozen
class Draft:
    """One commission before it is recorded: one line, one level.

    Attributes:
        line_id: The order line.
        sku: The line's sku.
        level: 1 for the direct referrer, up to 3.
        rank: The rank of the level's promoter when the order was paid.
        rate: The rate applied.
        base: The line's commission base.
        uncapped: The rate applied to the base, before the order's share cap.
        amount: What the promoter earns (after the share cap); > 0.
    """

    line_id: str
    sku: str
    level: int
    rank: str | None
    rate: Rate
    base: Money
    uncapped: Money
    amount: Money


@attrs.frozen
class Computation:
    """An order's commissions and the lines that pay none.

    Attributes:
        drafts: The commissions, by line then level; zero amounts are left out.
        ineligible: Lines that pay nothing, with the reason.
        paid: What the buyer paid for the order.
        cap: The most the order's commissions may add up to.
        capped: Whether the commissions were scaled down to ``cap``.
    """

    drafts: tuple[Draft, ...]
    ineligible: tuple[Ineligible, ...]
    paid: Money
    cap: Money
    capped: bool

    @property
    def total(self) -> Money:
        """What the order's commissions add up to."""
        return total((d.amount for d in self.drafts), self.paid.currency)


def line_base(line: OrderLine, base: CommissionBase) -> Money:
    """The amount percent rates apply to for ``line``."""
    if base is CommissionBase.PAYABLE_WITH_SHIPPING:
        return line.paid
    return line.payable


def share_cap(paid: Money, params: CommissionParams) -> Money:
    """The most commissions may add up to on ``paid``: ``max_share`` percent, rounded down."""
    return paid.percent(params.max_share, Rounding.DOWN)


def ineligibility(line: OrderLine, params: CommissionParams) -> Ineligible | None:
    """Why ``line`` pays no commission under ``params``, or ``None`` if it is eligible."""
    if line.excluded is not None:
        return Ineligible(line.line_id, line.sku, IneligibleReason.EXCLUDED, line.excluded)
    if line.activity is not None and not params.activity_items:
        return Ineligible(
            line.line_id,
            line.sku,
            IneligibleReason.ACTIVITY_ITEM,
            f"activity item ({line.activity}): the program pays no commission on activity items",
        )
    if line_base(line, params.base).amount == 0:
        return Ineligible(
            line.line_id, line.sku, IneligibleReason.NOTHING_PAID, "nothing was paid for the line"
        )
    return None


def beneficiaries(
    buyer: str, upline: Sequence[str], params: CommissionParams, *, buyer_is_promoter: bool
) -> tuple[str, ...]:
    """The promoters paid for ``buyer``'s order, level 1 first.

    Args:
        buyer: Who paid.
        upline: The buyer's chain of referrers, nearest first.
        params: The program.
        buyer_is_promoter: Whether the buyer is a promoter; with self-purchase
            rebates on, a promoter is their own level 1.
    """
    chain = [p for p in upline if p != buyer]
    if params.self_purchase and buyer_is_promoter:
        chain.insert(0, buyer)
    return tuple(chain[: params.levels])


def compute(order: PaidOrder, ranks: Sequence[str | None], params: CommissionParams) -> Computation:
    """Compute ``order``'s commissions.

    Args:
        order: The paid order.
        ranks: The rank of the promoter at each level, level 1 first; as many
            entries as levels that have a promoter (at most ``params.levels``).
        params: The program.

    Returns:
        The commissions and the ineligible lines.
    """
    levels = min(len(ranks), params.levels)
    uncapped: list[Draft] = []
    ineligible: list[Ineligible] = []
    for line in order.lines:
        refusal = ineligibility(line, params)
        if refusal is not None:
            ineligible.append(refusal)
            continue
        base = line_base(line, params.base)
        for level in range(1, levels + 1):
            rank = ranks[level - 1]
            rate = params.rate_for(line.sku, level, rank)
            amount = rate.amount(base, line.quantity)
            uncapped.append(Draft(line.line_id, line.sku, level, rank, rate, base, amount, amount))
    paid = order.paid
    cap = share_cap(paid, params)
    amounts = [d.uncapped for d in uncapped]
    capped = total(amounts, order.currency) > cap
    if capped:
        amounts = list(allocate(cap, amounts, caps=amounts))
    drafts = tuple(
        attrs.evolve(d, amount=a) for d, a in zip(uncapped, amounts, strict=True) if a.amount
    )
    return Computation(drafts, tuple(ineligible), paid, cap, capped)
