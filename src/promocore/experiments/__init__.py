"""Experiments: deterministic assignment of customers to arms, holdouts and layers.

An [`Experiment`][promocore.experiments.Experiment] names its arms (with weights), a traffic
share, a schedule, and optionally a [`Holdout`][promocore.experiments.Holdout] and a
[`LayerSlot`][promocore.experiments.LayerSlot] in a layer of mutually exclusive experiments.
[`assign`][promocore.experiments.assign] places one unit,
[`assign_many`][promocore.experiments.assign_many] millions at once; both are pure and give the
same answer in every process, on every machine and in every release (see
[`promocore.experiments.hashing`][promocore.experiments.hashing] for the hash and
[`promocore.experiments.assignment`][promocore.experiments.assignment] for the bucketing).
[`ExperimentSet`][promocore.experiments.ExperimentSet] answers, by id, whether a customer is
in an arm or a holdout at a moment. Files load through
[`promocore.config.load_experiments`][promocore.config.load_experiments].

Examples:
    >>> from promocore.experiments import Arm, Experiment, assign_many
    >>> e = Experiment(id="manjian", arms=[Arm("control"), Arm("treatment")])
    >>> assign_many(e, ["u1", "u2", "u3"]).arms().tolist()
    ['control', 'treatment', 'control']
"""

from promocore.experiments.assignment import (
    Assignment,
    Assignments,
    Status,
    arm_at,
    assign,
    assign_many,
    held_out,
    held_out_many,
    in_arm,
)
from promocore.experiments.errors import UnknownExperimentError
from promocore.experiments.exposure import Exposure, expose
from promocore.experiments.hashing import unit_hash, unit_hashes
from promocore.experiments.model import Arm, Experiment, Holdout, LayerSlot
from promocore.experiments.registry import ExperimentSet

__all__ = [
    "Arm",
    "Assignment",
    "Assignments",
    "Experiment",
    "ExperimentSet",
    "Exposure",
    "Holdout",
    "LayerSlot",
    "Status",
    "UnknownExperimentError",
    "arm_at",
    "assign",
    "assign_many",
    "expose",
    "held_out",
    "held_out_many",
    "in_arm",
    "unit_hash",
    "unit_hashes",
]
