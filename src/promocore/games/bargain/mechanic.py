"""``bargain``: an item-stage price reached by friends' help (砍价).

A cart line that references a session (``refs={"bargain": "<session id>"}``) and
carries its snapshot (see [`annotate`][promocore.games.bargain.snapshot.annotate])
gets one unit at the session's price: the floor once the session succeeded, or
the current price when the activity sells above the floor. The line is then
closed to the stages in ``closed_stages`` (order and coupon by default), so no
满减 or coupon discounts it further; the quote says so. Other units of the same
line keep the list price and are closed with it: put them on a line of their own
to let later stages discount them.

A snapshot that contradicts the campaign's terms (a price below the floor or above the
start price, another floor, selling above a floor the activity sells only at) is refused
with [`RefRefusedError`][promocore.errors.RefRefusedError]; that the session exists, is the
customer's and can be ordered is checked against the store at checkout
([`BargainService.verify`][promocore.games.bargain.service.BargainService.verify]).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import attrs

from promocore.campaign import Campaign, Stage
from promocore.cart import Customer
from promocore.errors import Problem, RefRefusedError, ValidationError
from promocore.games.bargain.model import Status
from promocore.games.bargain.params import NAME, BargainParams
from promocore.games.bargain.snapshot import PREFIX, REF, SessionSnapshot
from promocore.hookspecs import hookimpl
from promocore.mechanic import Context, Decline, LineDiscount, LineView, Mechanic, Proposal
from promocore.money import Money, total
from promocore.quote import Reason


class BargainReason(enum.StrEnum):
    """Why a bargain line was not priced, beyond the common [`Reason`][promocore.quote.Reason]."""

    IN_PROGRESS = "bargain_in_progress"
    EXPIRED = "bargain_expired"
    CLOSED = "bargain_closed"
    UNRESOLVED = "bargain_unresolved"
    NOT_INITIATOR = "bargain_not_initiator"


#: A reason code and message for a line left unpriced.
Refusal = tuple[str, str]


@attrs.frozen
class _Priced:
    discount: LineDiscount
    note: str


def _refusal(snapshot: SessionSnapshot, customer: Customer | None, at: datetime) -> Refusal | None:
    sid = snapshot.session_id
    if customer is None or customer.id != snapshot.initiator:
        return (
            BargainReason.NOT_INITIATOR,
            f"session {sid} belongs to {snapshot.initiator}, not to this cart's customer",
        )
    if snapshot.status is Status.SUCCEEDED:
        return None
    if snapshot.status is Status.STARTED:
        if at >= snapshot.expires_at:
            return (
                BargainReason.EXPIRED,
                f"session {sid} expired at {snapshot.expires_at.isoformat()}",
            )
        if snapshot.buy_above_floor:
            return None
        return (
            BargainReason.IN_PROGRESS,
            f"session {sid} is {(snapshot.price - snapshot.floor).display()} above its floor "
            f"(at most {snapshot.helps_left} more help(s) needed)",
        )
    if snapshot.status is Status.EXPIRED:
        return BargainReason.EXPIRED, f"session {sid} expired at {snapshot.expires_at.isoformat()}"
    return BargainReason.CLOSED, f"session {sid} is {snapshot.status.value}"


def _check_claim(snapshot: SessionSnapshot, params: BargainParams, index: int) -> None:
    """Refuse a snapshot that claims a price the campaign's terms cannot give.

    Pricing cannot look the session up, but it can hold its snapshot to the terms every
    session of the campaign is made under: the floor, the start price, and whether it
    sells above the floor.

    Raises:
        RefRefusedError: the snapshot contradicts the terms.
    """
    sid = snapshot.session_id
    floor = params.floor_price
    problems: list[Problem] = []

    def refuse(field: str, message: str) -> None:
        problems.append(Problem(f"lines[{index}].refs.{PREFIX}{field}", message))

    if snapshot.price.currency == floor.currency:
        if snapshot.price < floor:
            refuse(
                "price",
                f"session {sid} claims {snapshot.price.display()}, below the campaign's floor "
                f"{floor.display()}",
            )
        elif snapshot.price > params.start_price:
            refuse(
                "price",
                f"session {sid} claims {snapshot.price.display()}, above the campaign's start "
                f"price {params.start_price.display()}",
            )
        elif snapshot.status is Status.SUCCEEDED and snapshot.price != floor:
            refuse(
                "price",
                f"session {sid} claims it succeeded at {snapshot.price.display()}, not at the "
                f"floor {floor.display()}",
            )
    if snapshot.floor != floor:
        refuse(
            "floor",
            f"session {sid} claims a floor of {snapshot.floor.display()}; the campaign's is "
            f"{floor.display()}",
        )
    if snapshot.buy_above_floor and not params.buy_above_floor:
        refuse(
            "buy_above_floor", f"the campaign sells only at the floor, not as session {sid} says"
        )
    if problems:
        raise RefRefusedError(problems)


def _stages(stages: frozenset[Stage]) -> str:
    order = list(Stage)
    return ", ".join(s.value for s in sorted(stages, key=order.index))


@attrs.frozen
class Bargain:
    """The ``bargain`` mechanic."""

    name: str = NAME
    stage: Stage = Stage.ITEM
    params_type: type[Any] = BargainParams
    #: Where promocore.testing finds its strategies (imported by the tests only).
    testing_profile: str = "promocore.games.bargain.strategies"

    def validate(self, campaign: Campaign) -> list[Problem]:
        """Check that a bargain campaign's currency and scope fit its params."""
        return campaign_problems(campaign)

    def evaluate(self, context: Context) -> Proposal | Decline:
        """Price each line referencing a session of this campaign at the session's price."""
        params: BargainParams = context.campaign.params
        left = context.unit_limit
        discounts: list[LineDiscount] = []
        notes: list[str] = []
        refusals: list[Refusal] = []
        for view in context.lines:
            found = self._line(context, params, view)
            if found is None:
                continue
            if not isinstance(found, _Priced):
                refusals.append(found)
                continue
            if left is not None and left <= 0:
                refusals.append((Reason.LIMIT_REACHED, "the per-order unit limit is used up"))
                continue
            discounts.append(found.discount)
            notes.append(found.note)
            if left is not None:
                left -= 1
        if discounts:
            saved = total((d.amount for d in discounts), context.currency)
            closed = (
                f"; not combined with {_stages(params.closed_stages)} discounts"
                if params.closed_stages
                else ""
            )
            return Proposal(
                discounts=tuple(discounts),
                message=f"{context.campaign.name}: {'; '.join(notes)}, "
                f"{saved.display()} off{closed}",
                closes=params.closed_stages,
            )
        if refusals:
            return Decline(*refusals[0])
        return Decline(Reason.NOT_REFERENCED, "no line references a session of this bargain")

    def _line(
        self, context: Context, params: BargainParams, view: LineView
    ) -> _Priced | Refusal | None:
        """The discount of one line, why it gets none, or ``None`` if it is not ours."""
        line = view.line
        session_id = line.ref(REF)
        if session_id is None or line.sku != params.sku:
            return None
        try:
            snapshot = SessionSnapshot.from_line(line)
        except ValidationError as error:
            return BargainReason.UNRESOLVED, f"line {view.index}: {error}"
        if snapshot is None:
            return (
                BargainReason.UNRESOLVED,
                f"line {view.index} references session {session_id} without its snapshot "
                "(annotate the cart before pricing)",
            )
        if snapshot.activity != context.campaign.id:
            return None
        if snapshot.sku != line.sku:
            return BargainReason.UNRESOLVED, f"session {session_id} is for sku {snapshot.sku}"
        if snapshot.price.currency != context.currency:
            return Reason.CURRENCY_MISMATCH, f"session {session_id} is in {snapshot.price.currency}"
        _check_claim(snapshot, params, view.index)
        refusal = _refusal(snapshot, context.customer, context.at)
        if refusal is not None:
            return refusal
        # what one unit has left to pay, rounded down (exact integer division)
        unit_base = Money(view.base.amount // view.units, context.currency)
        amount = unit_base - snapshot.price
        if amount.amount <= 0:
            return (
                Reason.NO_DISCOUNT,
                f"line {view.index} already costs no more than the session's "
                f"{snapshot.price.display()}",
            )
        state = (
            "reached its floor"
            if snapshot.status is Status.SUCCEEDED
            else "bought before the floor"
        )
        note = f"session {session_id} {state}, 1 × {line.sku} at {snapshot.price.display()}"
        return _Priced(LineDiscount(view.index, amount, 1, unit_base), note)


MECHANIC: Mechanic = Bargain()


@hookimpl
def promocore_mechanics() -> list[Mechanic]:
    """Provide ``bargain``."""
    return [MECHANIC]


def campaign_problems(campaign: Campaign) -> list[Problem]:
    """Return what is wrong with a bargain campaign: its currency or scope does not fit."""
    if not isinstance(campaign.params, BargainParams):
        return [Problem("params", "must be BargainParams")]
    params: BargainParams = campaign.params
    problems = []
    if params.currency != campaign.currency:
        problems.append(
            Problem(
                "params.start_price",
                f"is in {params.currency}, the campaign in {campaign.currency}",
            )
        )
    scope = campaign.scope
    named_elsewhere = bool(scope.skus) and params.sku not in scope.skus and not scope.categories
    if params.sku in scope.exclude_skus or named_elsewhere:
        problems.append(Problem("scope", f"does not cover the bargain sku {params.sku!r}"))
    return problems
