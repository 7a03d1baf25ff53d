"""Exposure events: telling observers which arm a unit actually saw.

Assignment is a pure computation and can run anywhere (a batch job, an analysis); an
*exposure* is the moment a unit is served its arm. Analyses should count exposed units, not
assigned ones. [`expose`][promocore.experiments.exposure.expose] assigns a unit and, if it
is in an arm of a running experiment, calls the
[`promocore_experiment_exposure`][promocore.hookspecs.promocore_experiment_exposure] hook
of every plugin (an event logger, a warehouse writer).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from promocore.experiments.assignment import Assignment, assign
from promocore.experiments.model import Experiment

if TYPE_CHECKING:
    from promocore.plugins import PluginHost


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Exposure:
    """One unit served one arm of an experiment.

    Attributes:
        experiment: The experiment's id.
        arm: The arm served.
        unit_id: The unit.
        at: When it was served.
        context: Free-form details for the observers (channel, page, order id).
    """

    experiment: str
    arm: str
    unit_id: str | bytes | int
    at: datetime
    context: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping)


def expose(
    host: PluginHost,
    experiment: Experiment,
    unit_id: object,
    at: datetime,
    context: Mapping[str, str] | None = None,
) -> Assignment:
    """Assign a unit and report the exposure to the plugins if it is in an arm.

    Nothing is reported when the experiment is not running at ``at`` or the unit is not in
    it (held out, outside the layer slot or the traffic share).

    Args:
        host: The plugin host whose ``promocore_experiment_exposure`` hooks are called.
        experiment: The experiment.
        unit_id: The unit served.
        at: When (with a UTC offset).
        context: Details passed on in the [`Exposure`][promocore.experiments.exposure.Exposure].

    Returns:
        The unit's assignment.

    Raises:
        ValidationError: ``at`` has no UTC offset, or the id is not a valid id.
    """
    running = experiment.running(at)
    assignment = assign(experiment, unit_id)
    if running and assignment.arm is not None:
        host.experiment_exposure(
            Exposure(
                experiment=experiment.id,
                arm=assignment.arm,
                unit_id=assignment.unit_id,
                at=at,
                context=context or {},
            )
        )
    return assignment
