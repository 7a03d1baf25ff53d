"""A quote's explanations, recorded while pricing and worded when first read.

Pricing notes, per stage, what it decided about each campaign it looked at (a record holds
the outcome, not its wording) and which campaigns it skipped below their floor without
looking. Reading ``not_applied`` or ``hints`` turns the records into
[`NotApplied`][promocore.quote.NotApplied] and [`Hint`][promocore.quote.Hint] entries, asks the
mechanics of the skipped campaigns for their declines on the very state they would have been
asked on, and, for ``explain_all``, checks every other campaign too. The order is the one the
stage runs in: refusals, the exclusive winners' hints, the losers, the exclusive declines, then
the stackable campaigns, each part in canonical order.
"""

from __future__ import annotations

import bisect
import enum
from collections.abc import Sequence

import attrs

from promocore._index import Entry, Index
from promocore._run import Run
from promocore.campaign import Campaign, Stage
from promocore.conditions import Unmet
from promocore.errors import PluginError
from promocore.mechanic import Decline, Upsell
from promocore.money import Money
from promocore.pricing_state import Evaluation, PricingState
from promocore.quote import Gap, Grant, GrantKind, Hint, NotApplied, Reason, Withheld

#: Added to what an exclusive choice says when its search stopped at the budget.
UNPROVEN = "best found within the search budget; not proven optimal"


class Section(enum.IntEnum):
    """Where a record goes in its stage's explanations."""

    REFUSED = 0
    WON = 1
    LOST = 2
    DECLINED = 3
    STACKED = 4


#: A worded record: where it goes, and what it says.
Worded = tuple[int, tuple[int, str], NotApplied | None, Hint | None]


@attrs.frozen
class Refused:
    """A campaign the common checks refused."""

    entry: Entry
    in_scope: tuple[int, ...]

    def word(self, run: Run) -> Worded:
        refusal = run.precheck(self.entry, self.in_scope, explain=True)
        assert refusal is not None
        if isinstance(refusal, Unmet):
            item = not_applied(self.entry, refusal.reason, refusal.message, refusal.gap)
        else:
            item = not_applied(self.entry, *refusal)
        return Section.REFUSED, self.entry.order, item, None


@attrs.frozen
class Won:
    """An exclusive campaign the choice took."""

    evaluation: Evaluation
    order: tuple[int, str]

    def word(self, run: Run) -> Worded:
        hint = hint_of(self.evaluation.campaign, self.evaluation.proposal.upsell, None)
        return Section.WON, self.order, None, hint


@attrs.frozen
class Lost:
    """An exclusive campaign the choice left out.

    Attributes:
        entry: The campaign.
        winner: The campaign its group took, if any.
        amount: What it would grant alone (or at most, unless ``exact``).
        exact: ``amount`` is what it grants, not a bound.
        taken_by: Every exclusive campaign the choice took, by id.
        proven: The choice was proven best.
    """

    entry: Entry
    winner: Evaluation | None
    amount: int
    exact: bool
    taken_by: tuple[str, ...]
    proven: bool

    def word(self, run: Run) -> Worded:
        winner = self.winner
        note = "" if self.proven else f" ({UNPROVEN})"
        if winner is not None:
            saves = winner.amount.with_amount(self.amount).display()
            if not self.exact:
                saves = f"at most {saves}"
            group = self.entry.campaign.exclusive_group or ""
            message = (
                f"{winner.campaign.id} in group {group!r} saves more "
                f"({winner.amount.display()} vs {saves})"
            )
            reason = Reason.LOST_IN_EXCLUSIVE_GROUP
        else:
            message = f"its items are taken by exclusive campaign(s) {', '.join(self.taken_by)}"
            reason = Reason.UNITS_TAKEN
        return Section.LOST, self.entry.order, not_applied(self.entry, reason, message + note), None


@attrs.frozen
class Declined:
    """A campaign its mechanic declined (or that would discount nothing).

    Attributes:
        entry: The campaign.
        outcome: What its mechanic answered.
        winner: For an exclusive campaign, the campaign its group took, if any.
    """

    entry: Entry
    outcome: Evaluation | Decline
    winner: Evaluation | None

    def word(self, run: Run) -> Worded:
        section = Section.DECLINED if self.entry.campaign.is_exclusive else Section.STACKED
        left = run.budget_left(self.entry.campaign)
        return (section, self.entry.order, *declined(self.entry, self.outcome, self.winner, left))


@attrs.frozen
class Stacked:
    """A stackable campaign that applied."""

    evaluation: Evaluation
    order: tuple[int, str]

    def word(self, run: Run) -> Worded:
        hint = hint_of(self.evaluation.campaign, self.evaluation.proposal.upsell, None)
        return Section.STACKED, self.order, None, hint


Record = Refused | Won | Lost | Declined | Stacked


@attrs.define
class StageLog:
    """What one stage decided, and what it skipped.

    Attributes:
        stage: The stage.
        start: The state at its start (opened, if the stage looked at any campaign).
        records: The campaigns it looked at.
        skipped: Runs of campaigns skipped below their floor, with their lines.
        winners: The exclusive campaign each group took.
        stacked: The states after each stackable campaign applied, by its order;
            ``stacked_from`` is the state before the first.
    """

    stage: Stage
    start: PricingState
    records: list[Record] = attrs.field(factory=list)
    skipped: list[tuple[Sequence[Entry], tuple[int, ...]]] = attrs.field(factory=list)
    winners: dict[str, Evaluation] = attrs.field(factory=dict)
    stacked_from: PricingState | None = None
    stacked: list[tuple[tuple[int, str], PricingState]] = attrs.field(factory=list)

    def state_for(self, entry: Entry, opened: PricingState) -> PricingState:
        """The state a skipped campaign would have been asked on (``opened``: the start)."""
        if entry.campaign.is_exclusive or self.stacked_from is None:
            return opened
        at = bisect.bisect_left(self.stacked, entry.order, key=lambda item: item[0])
        return self.stacked[at - 1][1] if at else self.stacked_from

    def word(self, run: Run, index: Index, explain_all: bool) -> list[Worded]:
        """Every explanation of the stage, in order."""
        out = [record.word(run) for record in self.records]
        seen = {_campaign_of(record) for record in self.records}
        opened = self.start.open_stage() if self.skipped else self.start
        for entries, in_scope in self.skipped:
            for entry in entries:
                seen.add(entry.campaign.id)
                out.append(self._skipped(run, entry, in_scope, opened))
        if explain_all:
            for entry in index.stage_entries(self.stage):
                if entry.campaign.id not in seen:
                    out.append(Refused(entry, ()).word(run))
        out.sort(key=lambda worded: (worded[0], worded[1]))
        return out

    def _skipped(
        self, run: Run, entry: Entry, in_scope: tuple[int, ...], opened: PricingState
    ) -> Worded:
        if run.precheck(entry, in_scope) is not None:
            return Refused(entry, in_scope).word(run)
        outcome = run.evaluate(entry, in_scope, self.state_for(entry, opened))
        if isinstance(outcome, Evaluation) and outcome.useful:
            raise PluginError(
                f"mechanic {entry.mechanic.name!r} applied campaign {entry.campaign.id!r} "
                "below the floor it declared"
            )
        group = entry.campaign.exclusive_group
        winner = self.winners.get(group) if group is not None else None
        return Declined(entry, outcome, winner).word(run)


def _campaign_of(record: Record) -> str:
    if isinstance(record, Won | Stacked):
        return record.evaluation.campaign.id
    return record.entry.campaign.id


def explain(
    run: Run, index: Index, logs: Sequence[StageLog], explain_all: bool
) -> tuple[tuple[NotApplied, ...], tuple[Hint, ...]]:
    """The quote's ``not_applied`` and ``hints``, stage by stage."""
    refused: list[NotApplied] = []
    hints: list[Hint] = []
    for log in logs:
        for _, _, item, hint in log.word(run, index, explain_all):
            if item is not None:
                refused.append(item)
            if hint is not None:
                hints.append(hint)
    return tuple(refused), tuple(hints)


# -- wording --------------------------------------------------------------------------------


def not_applied(entry: Entry, reason: str, message: str, gap: Gap | None = None) -> NotApplied:
    """A not-applied entry for ``entry``."""
    campaign = entry.campaign
    return NotApplied(campaign.id, campaign.name, entry.stage, str(reason), message, gap)


def declined(
    entry: Entry,
    outcome: Evaluation | Decline,
    winner: Evaluation | None,
    left: Money | None = None,
) -> tuple[NotApplied, Hint | None]:
    """The not-applied entry, and hint, of a campaign its mechanic declined.

    ``left`` is what the campaign's budget had left, to say why a grant was withheld.
    """
    if isinstance(outcome, Decline):
        item = not_applied(entry, outcome.reason, outcome.message)
        hint = None
        if outcome.reason == Reason.BELOW_THRESHOLD:
            hint = hint_of(entry.campaign, outcome.upsell, winner)
        return item, hint
    if outcome.withheld:
        return not_applied(entry, Reason.BUDGET_EXHAUSTED, withheld_words(outcome, left)), None
    return not_applied(entry, Reason.NO_DISCOUNT, "nothing to discount"), None


def withheld_by_budget(run: Run, evaluation: Evaluation) -> list[Withheld]:
    """What the budget of an applied ``evaluation`` left out, each with its reason."""
    if not evaluation.withheld:
        return []
    message = withheld_words(evaluation, run.budget_left(evaluation.campaign))
    return [
        Withheld(grant=grant, reason=Reason.BUDGET_EXHAUSTED, message=message)
        for grant in evaluation.withheld
    ]


def withheld_words(evaluation: Evaluation, left: Money | None = None) -> str:
    """Why the budget left out the grants ``evaluation`` withheld, in words."""
    parts = ", ".join(_grant_words(grant) for grant in evaluation.withheld)
    room = "" if left is None else f" ({left.display()} left)"
    return f"its budget{room} does not cover {parts}"


def _grant_words(grant: Grant) -> str:
    if grant.kind == GrantKind.GIFT:
        return f"gift {grant.sku} × {grant.quantity} ({grant.value.display()})"
    return f"{grant.kind} ({grant.value.display()})"


def hint_of(campaign: Campaign, upsell: Upsell | None, winner: Evaluation | None) -> Hint | None:
    """What ``upsell`` offers, beyond what the group's ``winner`` already gives."""
    if upsell is None:
        return None
    extra = upsell.extra_saving
    if winner is not None:
        extra = extra - winner.amount
        if extra.amount <= 0:
            return None
    return Hint(
        campaign=campaign.id,
        extra_saving=extra,
        add_amount=upsell.add_amount,
        add_quantity=upsell.add_quantity,
        message=f"{campaign.name}: {upsell.message or gap_words(upsell, extra)}",
    )


def gap_words(upsell: Upsell, extra: Money) -> str:
    """The engine's wording of an upsell."""
    if upsell.add_amount is not None:
        return f"add {upsell.add_amount.display()} more to save {extra.display()} more"
    return f"add {upsell.add_quantity} more unit(s) to save {extra.display()} more"
