"""Deterministic assignment of units to arms, one at a time or millions at once.

A unit is assigned in four steps, each read from the 64-bit
[unit hash][promocore.experiments.hashing] of its id under a key of its own:

1. **Holdout** (if the experiment has one): the top 32 bits of the hash under
   ``"holdout:" + salt`` are a draw ``d``; the unit is held out when
   ``d < floor(share * 2**32)``.
2. **Layer** (if the experiment sits in one): the top 32 bits under ``"layer:" + name``;
   the unit is eligible when ``floor(start * 2**32) <= d < floor(end * 2**32)``.
3. **Traffic**: the top 32 bits of the hash under ``"experiment:" + salt``; the unit enters
   when ``d < floor(traffic * 2**32)``.
4. **Arm**: the low 32 bits of that same hash; arm ``i`` takes the draws from
   ``floor(c[i-1] * 2**32)`` to ``floor(c[i] * 2**32)``, with ``c`` the cumulative
   normalised weights.

Why changing the traffic share keeps everyone in their arm: the traffic draw and the arm
draw are different bits of the hash, so the arm never depends on the share, and a unit
admitted at a share is admitted at every larger share (its draw is below the smaller
threshold, hence below the larger). Raising the share only adds units; lowering it only
removes units; nobody moves between arms. Changing the *weights* does move units (the arm
boundaries move), and changing the salt re-draws everyone: start a new experiment instead.
Holdout and layer draws are keyed by their own salts, so they are shared by every
experiment naming that holdout or layer, and independent of each experiment's draws.

Every threshold is an exact integer computed from the exact shares, so the same id gets the
same arm on every machine.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore.experiments.hashing import UIntArray, unit_hash, unit_hashes
from promocore.experiments.model import Experiment, Holdout, LayerSlot, threshold
from promocore.stats.srm import SRM_THRESHOLD, SRMResult, srm_check

_LOW = (1 << 32) - 1


class Status(enum.Enum):
    """Why a unit is or is not in an experiment."""

    ASSIGNED = "assigned"
    HELD_OUT = "held out"
    OUTSIDE_LAYER = "outside the layer slot"
    OUTSIDE_TRAFFIC = "outside the traffic share"


#: The code of each status in [`Assignments.status`][promocore.experiments.assignment.Assignments].
STATUS_CODES: dict[Status, int] = {status: i for i, status in enumerate(Status)}
_STATUSES = tuple(Status)


@attrs.frozen(kw_only=True)
class Assignment:
    """Where one unit is in one experiment.

    Attributes:
        experiment: The experiment's id.
        unit_id: The unit.
        arm: The arm's name, or ``None`` when the unit is not in the experiment.
        status: Why (assigned, held out, outside the layer slot or the traffic share).
    """

    experiment: str
    unit_id: str | bytes | int
    arm: str | None
    status: Status

    @property
    def assigned(self) -> bool:
        """True if the unit is in an arm."""
        return self.arm is not None


def held_out(holdout: Holdout, unit_id: object) -> bool:
    """Tell whether one unit is in ``holdout``.

    Raises:
        ValidationError: the id is not a text or a 64-bit integer.
    """
    return unit_hash(holdout.key, unit_id) >> 32 < threshold(holdout.share)


def _in_slot(slot: LayerSlot, draw: int) -> bool:
    return threshold(slot.start) <= draw < threshold(slot.end)


def assign(experiment: Experiment, unit_id: object) -> Assignment:
    """Assign one unit (pure and deterministic; the schedule is not consulted).

    Args:
        experiment: The experiment.
        unit_id: A text or an integer id.

    Returns:
        An [`Assignment`][promocore.experiments.assignment.Assignment].

    Raises:
        ValidationError: the id is not a text or a 64-bit integer.

    Examples:
        >>> from promocore.experiments import Arm, Experiment
        >>> e = Experiment(id="demo", arms=[Arm("control"), Arm("treatment")])
        >>> assign(e, "customer-1").arm
        'control'
    """
    status = Status.ASSIGNED
    digest = unit_hash(experiment.key, unit_id)
    if experiment.holdout is not None and held_out(experiment.holdout, unit_id):
        status = Status.HELD_OUT
    elif experiment.layer is not None and not _in_slot(
        experiment.layer, unit_hash(experiment.layer.key, unit_id) >> 32
    ):
        status = Status.OUTSIDE_LAYER
    elif digest >> 32 >= threshold(experiment.traffic):
        status = Status.OUTSIDE_TRAFFIC
    arm = None
    if status is Status.ASSIGNED:
        draw = digest & _LOW
        bounds = experiment.arm_thresholds()
        index = next(i for i, bound in enumerate(bounds) if draw < bound)
        arm = experiment.arms[index].name
    return Assignment(
        experiment=experiment.id,
        unit_id=unit_id,  # type: ignore[arg-type]
        arm=arm,
        status=status,
    )


def arm_at(experiment: Experiment, unit_id: object, at: datetime) -> str | None:
    """The arm of a unit at time ``at``, or ``None`` (not in it, or not running then).

    Raises:
        ValidationError: ``at`` has no UTC offset, or the id is not a valid id.
    """
    if not experiment.running(at):
        return None
    return assign(experiment, unit_id).arm


def in_arm(experiment: Experiment, arm: str, unit_id: object, at: datetime) -> bool:
    """Answer "is this unit in arm ``arm`` of ``experiment`` at time ``at``?".

    Raises:
        ValidationError: ``arm`` names no arm of the experiment, ``at`` has no UTC offset,
            or the id is not a valid id.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from promocore.experiments import Arm, Experiment
        >>> e = Experiment(id="demo", arms=[Arm("control"), Arm("treatment")])
        >>> in_arm(e, "control", "customer-1", datetime(2026, 11, 11, tzinfo=timezone.utc))
        True
    """
    _check_arm(experiment, arm)
    return arm_at(experiment, unit_id, at) == arm


def _check_arm(experiment: Experiment, arm: str) -> None:
    from promocore.errors import ValidationError

    if arm not in experiment.arm_names:
        known = ", ".join(experiment.arm_names)
        raise ValidationError.single(
            "arm", f"experiment {experiment.id!r} has no arm {arm!r} (arms: {known})"
        )


@attrs.frozen(eq=False)
class Assignments:
    """The assignment of many units, as arrays (one entry per unit).

    Attributes:
        experiment: The experiment.
        arm_index: Index of each unit's arm in ``experiment.arms``, ``-1`` when not in it.
        status: Each unit's status code (see ``STATUS_CODES``).
    """

    experiment: Experiment
    arm_index: npt.NDArray[np.int16]
    status: npt.NDArray[np.uint8]

    def __len__(self) -> int:
        return int(self.arm_index.shape[0])

    def arms(self) -> npt.NDArray[Any]:
        """Each unit's arm name (an object array, ``None`` when not in the experiment)."""
        names = np.array([*self.experiment.arm_names, None], dtype=object)
        return names[self.arm_index]  # index -1 reads the trailing None

    def statuses(self) -> list[Status]:
        """Each unit's [`Status`][promocore.experiments.assignment.Status]."""
        return [_STATUSES[code] for code in self.status.tolist()]

    def counts(self) -> dict[str, int]:
        """Units per arm, in the experiment's arm order."""
        arms = len(self.experiment.arms)
        tally = np.bincount(self.arm_index[self.arm_index >= 0], minlength=arms)
        return dict(zip(self.experiment.arm_names, (int(c) for c in tally), strict=True))

    def status_counts(self) -> dict[Status, int]:
        """Units per status."""
        tally = np.bincount(self.status, minlength=len(_STATUSES))
        return {status: int(tally[i]) for i, status in enumerate(_STATUSES)}

    def select(self, mask: object) -> Assignments:
        """The assignments of the units where ``mask`` (one boolean per unit) is true.

        Use it to keep, say, the units that were exposed or that reached checkout, before
        a [`srm`][promocore.experiments.assignment.Assignments.srm] check.

        Raises:
            ValidationError: ``mask`` is not one boolean per unit.
        """
        from promocore.errors import ValidationError

        keep = np.asarray(mask)
        if keep.dtype != np.bool_ or keep.shape != self.arm_index.shape:
            raise ValidationError.single(
                "mask", f"needs one boolean per unit ({len(self)}), got {keep.dtype} {keep.shape}"
            )
        return Assignments(self.experiment, self.arm_index[keep], self.status[keep])

    def srm(self, *, threshold: float = SRM_THRESHOLD) -> SRMResult:
        """Sample-ratio check of the arms' counts against their weights.

        Run it on the units that were *exposed* or *analysed* (see
        [`select`][promocore.experiments.assignment.Assignments.select]); on a plain
        assignment it only confirms the hash: a mismatch among the exposed means logging or
        eligibility lost units unevenly. Uses [`srm_check`][promocore.stats.srm_check].

        Raises:
            ValidationError: the experiment has one arm, or no unit is assigned.
        """
        counts = list(self.counts().values())
        weights = [float(share) for share in self.experiment.shares]
        return srm_check(counts, weights, threshold=threshold)


def assign_many(experiment: Experiment, unit_ids: object) -> Assignments:
    """Assign many units at once with numpy (millions per second for integer ids).

    Args:
        experiment: The experiment.
        unit_ids: A 1-D array or sequence of integer ids, or of text ids.

    Returns:
        An [`Assignments`][promocore.experiments.assignment.Assignments], entry by entry
        equal to [`assign`][promocore.experiments.assignment.assign].

    Raises:
        ValidationError: the ids are not a 1-D array of integers or of texts.

    Examples:
        >>> from promocore.experiments import Arm, Experiment
        >>> e = Experiment(id="demo", arms=[Arm("control"), Arm("treatment")], traffic="0.5")
        >>> a = assign_many(e, range(100_000))
        >>> a.counts()
        {'control': 24923, 'treatment': 25048}
    """
    digest = unit_hashes(experiment.key, unit_ids)
    # Later steps never override an earlier reason: fill from the last step back.
    traffic = np.uint64(threshold(experiment.traffic))
    outside = (digest >> np.uint64(32)) >= traffic
    status = outside.view(np.uint8) * np.uint8(STATUS_CODES[Status.OUTSIDE_TRAFFIC])
    if experiment.layer is not None:
        slot = experiment.layer
        draw = unit_hashes(slot.key, unit_ids) >> np.uint64(32)
        inside = (draw >= np.uint64(threshold(slot.start))) & (
            draw < np.uint64(threshold(slot.end))
        )
        status = np.where(inside, status, np.uint8(STATUS_CODES[Status.OUTSIDE_LAYER]))
    if experiment.holdout is not None:
        held = held_out_many(experiment.holdout, unit_ids)
        status = np.where(held, np.uint8(STATUS_CODES[Status.HELD_OUT]), status)
    # The arm: how many arm boundaries the low 32 bits of the hash reach.
    arm_draw = digest & np.uint64(_LOW)
    index = np.zeros(digest.shape, dtype=np.int16)
    for bound in experiment.arm_thresholds()[:-1]:
        index += arm_draw >= np.uint64(bound)
    index = np.where(status == STATUS_CODES[Status.ASSIGNED], index, np.int16(-1))
    return Assignments(experiment, index, status)


def held_out_many(holdout: Holdout, unit_ids: object) -> npt.NDArray[np.bool_]:
    """Which of many units are in ``holdout`` (a boolean array).

    Raises:
        ValidationError: the ids are not a 1-D array of integers or of texts.
    """
    draws: UIntArray = unit_hashes(holdout.key, unit_ids) >> np.uint64(32)
    return np.asarray(draws < np.uint64(threshold(holdout.share)))


def by_id(items: Mapping[str, Any], kind: str, key: str) -> Any:
    """Look ``key`` up in ``items`` or raise the typed not-found error."""
    from promocore.experiments.errors import UnknownExperimentError

    try:
        return items[key]
    except KeyError:
        known = ", ".join(sorted(items)) or "none"
        raise UnknownExperimentError(f"unknown {kind} {key!r} (known: {known})") from None
