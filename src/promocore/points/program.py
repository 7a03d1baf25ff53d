"""A points program: one set of rules for earning, spending and expiring points."""

from __future__ import annotations

import attrs

from promocore.money import Money
from promocore.points.actions import ActionRule
from promocore.points.rules import EarnRule, Expiry, RedemptionRule
from promocore.validation import Checks


@attrs.frozen
class PointsProgram:
    """The rules of one points program.

    Attributes:
        id: Unique id; the program's campaigns are named after it.
        name: Human name shown in explanations (``"积分抵现"``).
        redemption: How points pay at checkout.
        earning: Points earned per amount paid, if any.
        expiry: When earned points expire.
        actions: Points earned for actions such as the daily check-in.
        currency: Currency of the program's amounts.
    """

    id: str
    name: str
    redemption: RedemptionRule
    earning: EarnRule | None = None
    expiry: Expiry = attrs.field(factory=Expiry)
    actions: tuple[ActionRule, ...] = ()
    currency: str = "CNY"

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        checks.check(bool(self.id.strip()), "id", "must not be empty")
        checks.check(bool(self.name.strip()), "name", "must not be empty")
        amounts = [("redemption.rate.value", self.redemption.rate.value)]
        if self.earning is not None:
            amounts.append(("earning.per", self.earning.per))
        try:
            Money.zero(self.currency)
        except ValueError as exc:
            checks.add("currency", str(exc))
        else:
            for path, amount in amounts:
                checks.check(amount.currency == self.currency, path, f"must be in {self.currency}")
        names = [rule.action for rule in self.actions]
        checks.check(len(names) == len(set(names)), "actions", "each action may have one rule")
        checks.raise_if_any()

    def action(self, name: str) -> ActionRule:
        """The rule of the action ``name``.

        Raises:
            KeyError: the program has no rule for it.
        """
        for rule in self.actions:
            if rule.action == name:
                return rule
        raise KeyError(f"program {self.id!r} has no rule for action {name!r}")
