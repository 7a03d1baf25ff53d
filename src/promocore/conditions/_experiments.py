"""Experiment conditions: an arm of an experiment, outside a holdout."""

from __future__ import annotations

from typing import ClassVar

import attrs

from promocore.conditions._base import ArmLookup, ConditionReason, Facts, Leaf, Unmet
from promocore.errors import Problem
from promocore.validation import Checks


@attrs.frozen(cache_hash=True)
class InArm(Leaf):
    """The customer is in arm ``arm`` of experiment ``experiment``, and it is running.

    The engine looks customers up in the experiments it was given
    (``Engine(..., experiments=...)``); a customer the experiment's holdout holds out is in
    no arm. An applied campaign records the arms it was served by in ``Applied.arms``.

    Attributes:
        experiment: The experiment's id.
        arm: The arm's name.
    """

    kind: ClassVar[str] = "experiment_arm"
    experiment: str
    arm: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        for name in ("experiment", "arm"):
            value = getattr(self, name)
            checks.check(isinstance(value, str) and bool(value.strip()), name, "must not be empty")
        checks.raise_if_any()

    def _arm(self, facts: Facts) -> str | None:
        customer = facts.customer
        if customer is None or facts.experiments is None:
            return None
        return facts.experiments.arm_of(self.experiment, customer.id, facts.at)

    def holds(self, facts: Facts) -> bool:
        """True if the customer is in the arm."""
        return self._arm(facts) == self.arm

    def unmet(self, facts: Facts) -> Unmet | None:
        """``not_in_arm``, saying where the customer is instead."""
        found = self._arm(facts)
        if found == self.arm:
            return None
        if facts.customer is None:
            where = "the cart has no customer"
        elif found is None:
            where = "the customer is not in it"
        else:
            where = f"the customer is in arm {found!r}"
        return Unmet(
            ConditionReason.NOT_IN_ARM,
            f"for arm {self.arm!r} of experiment {self.experiment!r}; {where}",
        )

    def describe(self) -> str:
        """``"in arm 'treatment' of experiment 'd11'"``."""
        return f"in arm {self.arm!r} of experiment {self.experiment!r}"

    def problems(self, currency: str, experiments: ArmLookup | None) -> list[Problem]:
        """The experiment and the arm must be known to the engine."""
        if experiments is None:
            return [Problem("experiment", "names an experiment; give the engine experiments")]
        found = experiments.experiments.get(self.experiment)
        if found is None:
            known = ", ".join(sorted(experiments.experiments)) or "none"
            return [Problem("experiment", f"no experiment {self.experiment!r} (known: {known})")]
        arms = tuple(found.arm_names)
        if self.arm not in arms:
            return [
                Problem("arm", f"no arm {self.arm!r} in {self.experiment!r} ({', '.join(arms)})")
            ]
        return []


@attrs.frozen(cache_hash=True)
class OutsideHoldout(Leaf):
    """The customer is not in holdout ``holdout`` (a global control group kept from campaigns).

    Anonymous carts are outside every holdout.

    Attributes:
        holdout: The holdout's id.
    """

    kind: ClassVar[str] = "outside_holdout"
    holdout: str

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        value = self.holdout
        checks.check(isinstance(value, str) and bool(value.strip()), "holdout", "must not be empty")
        checks.raise_if_any()

    def holds(self, facts: Facts) -> bool:
        """True if the customer is not held out."""
        customer = facts.customer
        if customer is None or facts.experiments is None:
            return customer is None
        return not facts.experiments.held_out(self.holdout, customer.id)

    def unmet(self, facts: Facts) -> Unmet | None:
        """``held_out``."""
        if self.holds(facts):
            return None
        return Unmet(ConditionReason.HELD_OUT, f"the customer is in holdout {self.holdout!r}")

    def describe(self) -> str:
        """``"outside holdout 'global'"``."""
        return f"outside holdout {self.holdout!r}"

    def problems(self, currency: str, experiments: ArmLookup | None) -> list[Problem]:
        """The holdout must be known to the engine."""
        if experiments is None:
            return [Problem("holdout", "names a holdout; give the engine experiments")]
        if self.holdout not in experiments.holdouts:
            known = ", ".join(sorted(experiments.holdouts)) or "none"
            return [Problem("holdout", f"no holdout {self.holdout!r} (known: {known})")]
        return []
