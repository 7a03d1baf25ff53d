"""A set of experiments and holdouts, looked up by id: what campaign conditions will ask.

[`ExperimentSet`][promocore.experiments.registry.ExperimentSet] holds the experiments and
holdouts of a campaign file (or built in code), checks that experiments sharing a layer never
overlap, and answers the two questions a campaign condition asks about a customer at a
moment: *is this customer in arm A of experiment E?* and *is this customer held out?*
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

from promocore.experiments.assignment import arm_at, by_id, held_out, in_arm
from promocore.experiments.model import Experiment, Holdout, check_layers, holdouts_of
from promocore.validation import Checks


@attrs.frozen(eq=False)
class ExperimentSet:
    """Experiments and holdouts by id.

    Build it with [`ExperimentSet.of`][promocore.experiments.registry.ExperimentSet.of].

    Attributes:
        experiments: The experiments by id.
        holdouts: Every holdout by id: those given and those the experiments name.
    """

    experiments: Mapping[str, Experiment]
    holdouts: Mapping[str, Holdout]

    @classmethod
    def of(
        cls, experiments: Iterable[Experiment] = (), holdouts: Iterable[Holdout] = ()
    ) -> ExperimentSet:
        """Collect experiments and holdouts, refusing clashes.

        Raises:
            ValidationError: two experiments share an id, two experiments of one layer
                overlap, or two different holdouts share an id.

        Examples:
            >>> from promocore.experiments import Arm, Experiment, Holdout
            >>> everyone = Holdout(id="global", share="0.05")
            >>> e = Experiment(id="d11", arms=[Arm("control"), Arm("treatment")], holdout=everyone)
            >>> registry = ExperimentSet.of([e])
            >>> sorted(registry.holdouts)
            ['global']
        """
        items = tuple(experiments)
        check_layers(items)
        found = dict(holdouts_of(items))
        checks = Checks()
        for i, holdout in enumerate(holdouts):
            known = found.get(holdout.id)
            if known is not None and known != holdout:
                checks.add(f"holdouts[{i}]", f"another holdout has the id {holdout.id!r}")
            found.setdefault(holdout.id, holdout)
        checks.raise_if_any()
        return cls(
            MappingProxyType({e.id: e for e in items}),
            MappingProxyType(dict(sorted(found.items()))),
        )

    def experiment(self, experiment_id: str) -> Experiment:
        """The experiment with this id.

        Raises:
            UnknownExperimentError: there is none.
        """
        found: Experiment = by_id(self.experiments, "experiment", experiment_id)
        return found

    def holdout(self, holdout_id: str) -> Holdout:
        """The holdout with this id.

        Raises:
            UnknownExperimentError: there is none.
        """
        found: Holdout = by_id(self.holdouts, "holdout", holdout_id)
        return found

    def arm_of(self, experiment_id: str, unit_id: object, at: datetime) -> str | None:
        """The arm of ``unit_id`` in the experiment at ``at``, or ``None``.

        Raises:
            UnknownExperimentError: no experiment has this id.
            ValidationError: ``at`` has no UTC offset, or the id is not a valid id.
        """
        return arm_at(self.experiment(experiment_id), unit_id, at)

    def in_arm(self, experiment_id: str, arm: str, unit_id: object, at: datetime) -> bool:
        """Is ``unit_id`` in arm ``arm`` of the experiment at ``at``?

        Raises:
            UnknownExperimentError: no experiment has this id.
            ValidationError: no such arm, ``at`` has no UTC offset, or a bad id.
        """
        return in_arm(self.experiment(experiment_id), arm, unit_id, at)

    def held_out(self, holdout_id: str, unit_id: object) -> bool:
        """Is ``unit_id`` in the holdout?

        Raises:
            UnknownExperimentError: no holdout has this id.
            ValidationError: the id is not a valid id.
        """
        return held_out(self.holdout(holdout_id), unit_id)
