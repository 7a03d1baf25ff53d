"""Conversion funnels: exposure → click → claim → order → paid, overall and by segment.

A funnel counts the users who reached each stage. From event logs a user counts
at a stage only after reaching every earlier stage (an order with no recorded
click is not a click-through), unless ``infer_earlier`` says that reaching a
stage implies the ones before it. Either way the counts never increase along
the funnel, and each step reports its conversion and drop-off.

Examples:
    >>> f = funnel_from_counts([10_000, 1_200, 600, 240, 200])
    >>> [round(s.conversion, 2) for s in f.steps]
    [0.12, 0.5, 0.4, 0.83]
    >>> f.worst_step.to_stage
    'click'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from promocore._arrays import (
    IntArray,
    int_array,
    label_array,
    report,
    same_length,
    to_1d,
)
from promocore._typed import tuple_of, typed_fields
from promocore.validation import Checks

__all__ = [
    "DEFAULT_STAGES",
    "Funnel",
    "FunnelStep",
    "SegmentedFunnel",
    "funnel_from_counts",
    "funnel_from_events",
]

#: The stages of a promotion funnel, in order.
DEFAULT_STAGES: tuple[str, ...] = ("exposure", "click", "claim", "order", "paid")


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@attrs.frozen
class FunnelStep:
    """One step of a funnel, from one stage to the next.

    Attributes:
        from_stage: Stage the users were at.
        to_stage: Stage they were asked to reach.
        entered: Users at ``from_stage``.
        converted: Users who went on to ``to_stage``.
    """

    from_stage: str
    to_stage: str
    entered: int
    converted: int

    @property
    def conversion(self) -> float | None:
        """Return converted / entered; None when nobody entered."""
        return _rate(self.converted, self.entered)

    @property
    def drop_off(self) -> int:
        """Return how many users stopped at this step."""
        return self.entered - self.converted

    @property
    def drop_off_rate(self) -> float | None:
        """Return drop-off / entered; None when nobody entered."""
        return _rate(self.drop_off, self.entered)

    def to_dict(self) -> dict[str, Any]:
        """Return the step as plain values."""
        return {
            "from_stage": self.from_stage,
            "to_stage": self.to_stage,
            "entered": self.entered,
            "converted": self.converted,
            "conversion": self.conversion,
            "drop_off": self.drop_off,
            "drop_off_rate": self.drop_off_rate,
        }


def _as_names(values: Iterable[str]) -> tuple[str, ...]:
    return tuple_of(values)


def _as_counts(values: Iterable[int]) -> tuple[int, ...]:
    return tuple_of(values)


def _check_funnel(instance: Funnel, _: object, counts: tuple[int, ...]) -> None:
    if not isinstance(counts, tuple) or not isinstance(instance.stages, tuple):
        return  # refused by the type check that follows
    checks = Checks()
    if len(counts) != len(instance.stages):
        checks.add("counts", f"needs one count per stage ({len(instance.stages)})")
    for i, n in enumerate(counts):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            checks.add(f"counts[{i}]", f"must be a whole number >= 0 (got {n!r})")
        elif i and isinstance(counts[i - 1], int) and n > counts[i - 1]:
            checks.add(
                f"counts[{i}]",
                f"must be <= counts[{i - 1}]: {n} reached {instance.stages[i]!r} "
                f"but only {counts[i - 1]} reached {instance.stages[i - 1]!r}",
            )
    checks.raise_if_any()


@attrs.frozen
@typed_fields
class Funnel:
    """Users at each stage of a funnel.

    Attributes:
        stages: Stage names, first to last.
        counts: Users who reached each stage; never increasing.
        segment: The segment this funnel describes, or None for everyone.
    """

    stages: tuple[str, ...] = attrs.field(converter=_as_names)
    counts: tuple[int, ...] = attrs.field(converter=_as_counts, validator=_check_funnel)
    segment: str | None = None

    @property
    def steps(self) -> tuple[FunnelStep, ...]:
        """Return the steps between consecutive stages."""
        return tuple(
            FunnelStep(self.stages[i], self.stages[i + 1], self.counts[i], self.counts[i + 1])
            for i in range(len(self.stages) - 1)
        )

    @property
    def overall_conversion(self) -> float | None:
        """Return last stage / first stage; None when nobody entered."""
        return _rate(self.counts[-1], self.counts[0]) if self.counts else None

    def conversion_to(self, stage: str) -> float | None:
        """Return the share of the first stage's users who reached ``stage``.

        Raises:
            KeyError: ``stage`` is not a stage of this funnel.
        """
        return _rate(self.counts[self.stages.index(stage)], self.counts[0])

    def count(self, stage: str) -> int:
        """Return the users who reached ``stage``."""
        return self.counts[self.stages.index(stage)]

    @property
    def worst_step(self) -> FunnelStep | None:
        """Return the step with the highest drop-off rate (earliest on ties).

        Steps nobody entered are skipped; None when no step was entered.
        """
        entered = [s for s in self.steps if s.entered]
        return max(entered, key=lambda s: s.drop_off / s.entered, default=None)

    def worst_step_against(self, benchmark: Sequence[float]) -> FunnelStep | None:
        """Return the step whose conversion falls furthest below ``benchmark``.

        Args:
            benchmark: Expected conversion of each step (one per step), such as
                last campaign's figures or an industry norm.

        Returns:
            The step with the largest shortfall, or None when no step is short.

        Raises:
            ValidationError: ``benchmark`` does not have one rate per step.
        """
        checks = Checks()
        if len(benchmark) != len(self.steps):
            checks.add("benchmark", f"needs one rate per step ({len(self.steps)})")
        for i, b in enumerate(benchmark):
            ok = isinstance(b, int | float) and not isinstance(b, bool) and 0 <= b <= 1
            checks.check(ok, f"benchmark[{i}]", f"must be a rate from 0 to 1 (got {b!r})")
        checks.raise_if_any()
        worst, gap = None, 0.0
        for step, expected in zip(self.steps, benchmark, strict=True):
            if step.conversion is not None and expected - step.conversion > gap:
                worst, gap = step, expected - step.conversion
        return worst

    def to_dict(self) -> dict[str, Any]:
        """Return the funnel as plain values."""
        worst = self.worst_step
        return {
            "segment": self.segment,
            "stages": list(self.stages),
            "counts": list(self.counts),
            "steps": [s.to_dict() for s in self.steps],
            "overall_conversion": self.overall_conversion,
            "worst_step": None if worst is None else f"{worst.from_stage}->{worst.to_stage}",
        }


@attrs.frozen
class SegmentedFunnel:
    """A funnel for everyone and one per segment.

    Attributes:
        overall: Everyone; a user who appears in several segments counts once.
        segments: One funnel per segment, in sorted segment order.
    """

    overall: Funnel
    segments: tuple[Funnel, ...] = ()

    def __getitem__(self, segment: str) -> Funnel:
        """Return the funnel of ``segment``."""
        for funnel in self.segments:
            if funnel.segment == segment:
                return funnel
        raise KeyError(segment)

    @property
    def segment_names(self) -> tuple[str, ...]:
        """Return the segment names."""
        return tuple(str(f.segment) for f in self.segments)

    def to_dict(self) -> dict[str, Any]:
        """Return every funnel as plain values."""
        return {"overall": self.overall.to_dict(), "segments": [s.to_dict() for s in self.segments]}


def _stage_names(stages: object, checks: Checks) -> tuple[str, ...]:
    if isinstance(stages, str) or not isinstance(stages, Sequence):
        checks.add("stages", "expected a sequence of stage names")
        return DEFAULT_STAGES
    names = tuple(stages)
    for i, name in enumerate(names):
        checks.check(isinstance(name, str) and bool(name), f"stages[{i}]", "must be a name")
    checks.check(len(set(names)) == len(names), "stages", "names must be unique")
    checks.check(1 <= len(names) <= 32, "stages", "needs 1 to 32 stages")
    return names


def funnel_from_counts(
    counts: Sequence[int] | Mapping[str, int] | npt.NDArray[Any],
    *,
    stages: Sequence[str] = DEFAULT_STAGES,
    segment: str | None = None,
) -> Funnel:
    """Build a funnel from the number of users at each stage.

    Args:
        counts: One count per stage, first to last, or a mapping from stage name
            to count (every stage present).
        stages: Stage names, first to last.
        segment: Name of the segment the counts describe, if any.

    Returns:
        The funnel.

    Raises:
        ValidationError: a count is negative, not whole, missing, or larger than
            the count of the stage before it.
    """
    checks = Checks()
    names = _stage_names(stages, checks)
    if isinstance(counts, Mapping):
        for key in counts:
            checks.check(key in names, f"counts[{key!r}]", f"is not a stage of {list(names)}")
        for name in names:
            checks.check(name in counts, f"counts[{name!r}]", "is missing")
        checks.raise_if_any()
        values = int_array([counts[n] for n in names], "counts", checks)
    else:
        values = int_array(counts, "counts", checks)
        if not checks.problems:
            checks.check(
                len(values) == len(names), "counts", f"needs one count per stage ({len(names)})"
            )
    checks.check(segment is None or isinstance(segment, str), "segment", "must be a str or None")
    checks.raise_if_any()
    return Funnel(names, tuple(int(v) for v in values), segment)


def _stage_codes(
    events: npt.NDArray[Any], names: tuple[str, ...], checks: Checks, ignore_unknown: bool
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Return each event's stage index and which events belong to the funnel."""
    if events.dtype.kind in "iu":
        codes = events.astype(np.int64)
        known = (codes >= 0) & (codes < len(names))
    else:
        labels = label_array(events, "events", checks)
        codes = np.full(len(labels), -1, dtype=np.int64)
        for i, name in enumerate(names):
            codes[labels == name] = i
        known = codes >= 0
    if not ignore_unknown:
        report(checks, "events", ~known, f"is not a stage of {list(names)}", events)
    return codes, known


def _depths(group: IntArray, codes: IntArray, groups: int, stages: int, infer: bool) -> IntArray:
    """Return, per group, how many stages it reached (in order, or its deepest stage)."""
    reached = np.zeros((groups, stages), dtype=bool)
    reached[group, codes] = True
    if infer:
        any_reached = reached.any(axis=1)
        deepest = stages - np.argmax(reached[:, ::-1], axis=1)
        return np.where(any_reached, deepest, 0).astype(np.int64)
    prefix = np.logical_and.accumulate(reached, axis=1)
    depth: IntArray = prefix.sum(axis=1).astype(np.int64)
    return depth


def _counts_by(segment_of: IntArray, depth: IntArray, segments: int, stages: int) -> IntArray:
    """Return ``counts[segment, stage]``: groups whose depth passes each stage."""
    hist = np.bincount(
        segment_of * (stages + 1) + depth, minlength=segments * (stages + 1)
    ).reshape(segments, stages + 1)
    at_least = np.cumsum(hist[:, ::-1], axis=1)[:, ::-1]
    return at_least[:, 1:].astype(np.int64)


def funnel_from_events(
    user_ids: object,
    events: object,
    *,
    segments: object = None,
    stages: Sequence[str] = DEFAULT_STAGES,
    infer_earlier: bool = False,
    ignore_unknown: bool = False,
) -> SegmentedFunnel:
    """Build funnels from an event log: one row per (user, stage reached) event.

    Repeated events are harmless: a user counts once per stage.

    Args:
        user_ids: Who each event belongs to (str or int ids).
        events: The stage of each event: a stage name, or its index in ``stages``.
        segments: The segment of each event's user (str or int labels), or None.
            A user seen in two segments counts in both, and once overall.
        stages: Stage names, first to last.
        infer_earlier: When True, reaching a stage implies every earlier stage
            (use it when early stages such as exposure are not logged per user).
            When False, a user counts at a stage only after every earlier one.
        ignore_unknown: Skip events whose stage is not in ``stages`` instead of
            refusing them.

    Returns:
        The overall funnel and one per segment.

    Raises:
        ValidationError: arrays of different lengths, bad labels or unknown stages.
    """
    checks = Checks()
    names = _stage_names(stages, checks)
    users = label_array(user_ids, "user_ids", checks)
    raw_events = to_1d(events, "events", checks)
    segs = None if segments is None else label_array(segments, "segments", checks)
    checks.raise_if_any()
    assert raw_events is not None
    same_length(checks, [("user_ids", users), ("events", raw_events), ("segments", segs)])
    checks.raise_if_any()
    codes, known = _stage_codes(raw_events, names, checks, ignore_unknown)
    checks.raise_if_any()
    if not known.all():
        users, codes = users[known], codes[known]
        segs = None if segs is None else segs[known]
    n = len(names)
    _, user_code = np.unique(users, return_inverse=True)
    user_code = user_code.astype(np.int64).reshape(-1)
    n_users = int(user_code.max()) + 1 if user_code.size else 0
    depth = _depths(user_code, codes, n_users, n, infer_earlier)
    overall = _counts_by(np.zeros(n_users, dtype=np.int64), depth, 1, n)[0]
    result_segments: list[Funnel] = []
    if segs is not None:
        seg_names, seg_code = np.unique(segs, return_inverse=True)
        seg_code = seg_code.astype(np.int64).reshape(-1)
        pair_names, pair = np.unique(seg_code * max(n_users, 1) + user_code, return_inverse=True)
        pair = pair.astype(np.int64).reshape(-1)
        pair_depth = _depths(pair, codes, len(pair_names), n, infer_earlier)
        pair_segment = (pair_names // max(n_users, 1)).astype(np.int64)
        by_segment = _counts_by(pair_segment, pair_depth, len(seg_names), n)
        result_segments = [
            Funnel(names, tuple(int(v) for v in row), str(seg_names[i]))
            for i, row in enumerate(by_segment)
        ]
    return SegmentedFunnel(Funnel(names, tuple(int(v) for v in overall)), tuple(result_segments))
