"""What an experiment is: arms with weights, traffic, schedule, holdout and layer slot.

Every definition is a frozen attrs object that checks itself on construction and raises a
[`ValidationError`][promocore.errors.ValidationError] naming the field. Shares and weights
are exact (``Decimal`` or ``int``; floats are refused, as everywhere in promocore), so the
bucket thresholds they give are the same on every machine. Files load through
[`promocore.config.load_experiments`][promocore.config.load_experiments].

Limits: ids, salts and arm names are non-empty texts of at most 200 characters; an
experiment has at most 100 arms; a weight is at most 10**9.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import attrs

from promocore._typed import tuple_of, typed_fields
from promocore.campaign import Schedule
from promocore.cart import check_aware
from promocore.errors import ValidationError
from promocore.money import to_decimal
from promocore.validation import Checks

#: Longest id, salt or arm name.
MAX_NAME = 200
#: Most arms in one experiment.
MAX_ARMS = 100
#: Largest arm weight.
MAX_WEIGHT = 10**9
#: Draws are 32-bit: a share ``s`` admits the draws below ``floor(s * 2**32)``.
DRAW_BITS = 32
DRAW_SPACE = 1 << DRAW_BITS


def _exact(value: object) -> Decimal:
    """Read a share or weight exactly: ``Decimal``, ``int`` or a numeric string."""
    try:
        return to_decimal(value, "value")
    except ValidationError as exc:
        raise ValidationError.single("", exc.problems[0].message.removeprefix("value: ")) from None


def _named(name: str, value: object) -> Decimal:
    try:
        return _exact(value)
    except ValidationError as exc:
        raise exc.prefixed(name) from None


def _weight(value: object) -> Decimal:
    return _named("weight", value)


def _share(value: object) -> Decimal:
    return _named("share", value)


def _start(value: object) -> Decimal:
    return _named("start", value)


def _end(value: object) -> Decimal:
    return _named("end", value)


def _traffic(value: object) -> Decimal:
    return _named("traffic", value)


def _check_name(checks: Checks, path: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        checks.add(path, "must be a non-empty text")
    elif len(value) > MAX_NAME:
        checks.add(path, f"must be at most {MAX_NAME} characters")


def _check_share(checks: Checks, path: str, value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        checks.add(path, f"must be between 0 and 1 (got {value})")


def threshold(share: Decimal | Fraction) -> int:
    """The draws admitted by ``share``: those below ``floor(share * 2**32)``."""
    exact = Fraction(share)
    return int(exact.numerator * DRAW_SPACE // exact.denominator)


@attrs.frozen
class Arm:
    """One arm of an experiment.

    Attributes:
        name: The arm's name, unique in its experiment (``"control"``, ``"treatment"``).
        weight: Its relative share of the experiment's traffic (> 0).
    """

    name: str
    weight: Decimal = attrs.field(default=Decimal(1), converter=_weight)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_name(checks, "name", self.name)
        if not Decimal(0) < self.weight <= MAX_WEIGHT:
            checks.add("weight", f"must be > 0 and at most {MAX_WEIGHT} (got {self.weight})")
        checks.raise_if_any()


@attrs.frozen
class Holdout:
    """Units kept out of every experiment and campaign that names this holdout.

    Attributes:
        id: The holdout's id (``"global-2026"``).
        share: Fraction of all units held out, from 0 to 1.
        salt: Hashing salt; defaults to the id. A new salt draws a new holdout.
    """

    id: str
    share: Decimal = attrs.field(converter=_share)
    salt: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_name(checks, "id", self.id)
        _check_share(checks, "share", self.share)
        if self.salt is not None:
            _check_name(checks, "salt", self.salt)
        checks.raise_if_any()

    @property
    def key(self) -> str:
        """The hashing key of the holdout draw."""
        return f"holdout:{self.salt if self.salt is not None else self.id}"


@attrs.frozen
class LayerSlot:
    """Where an experiment sits in a layer of mutually exclusive experiments.

    A layer (namespace) hashes every unit once, to a draw from 0 to 1; each experiment of
    the layer owns a range of that draw, and ranges of one layer never overlap, so no unit
    is in two experiments of a layer.

    Attributes:
        layer: The layer's name; also its hashing salt.
        start: Start of the range (inclusive), from 0 to 1.
        end: End of the range (exclusive), from ``start`` to 1.
    """

    layer: str
    start: Decimal = attrs.field(converter=_start)
    end: Decimal = attrs.field(converter=_end)

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_name(checks, "layer", self.layer)
        _check_share(checks, "start", self.start)
        _check_share(checks, "end", self.end)
        if not checks.problems and self.end <= self.start:
            checks.add("end", f"must be greater than start ({self.end} <= {self.start})")
        checks.raise_if_any()

    @property
    def key(self) -> str:
        """The hashing key of the layer draw."""
        return f"layer:{self.layer}"

    def overlaps(self, other: LayerSlot) -> bool:
        """True if both slots are in the same layer and their ranges intersect."""
        return self.layer == other.layer and self.start < other.end and other.start < self.end


def _arms(value: Iterable[Arm]) -> tuple[Arm, ...]:
    return tuple_of(value)


@attrs.frozen(kw_only=True)
@typed_fields
class Experiment:
    """An experiment: who is in it, in which arm, and when.

    A unit (a customer id) is assigned in four independent steps, each a hash draw (see
    [`promocore.experiments.assignment`][promocore.experiments.assignment]): held out?
    inside the layer slot? inside the traffic share? which arm?

    Attributes:
        id: The experiment's id.
        arms: Its arms, at least one; names unique.
        salt: Hashing salt; defaults to the id. Two experiments with one salt assign alike.
        traffic: Share of the eligible units that enter the experiment, from 0 to 1.
            Raising it only adds units; nobody changes arm.
        starts_at: Start (inclusive), or ``None``.
        ends_at: End (exclusive), or ``None``.
        holdout: Units held out of this experiment (and of whatever else names the
            holdout), or ``None``.
        layer: The slot in a layer of mutually exclusive experiments, or ``None``.
        control: Name of the control arm; defaults to the first arm.
    """

    id: str
    arms: tuple[Arm, ...] = attrs.field(converter=_arms)
    salt: str | None = None
    traffic: Decimal = attrs.field(default=Decimal(1), converter=_traffic)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    holdout: Holdout | None = None
    layer: LayerSlot | None = None
    control: str | None = None

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        _check_name(checks, "id", self.id)
        if self.salt is not None:
            _check_name(checks, "salt", self.salt)
        _check_share(checks, "traffic", self.traffic)
        if not self.arms:
            checks.add("arms", "needs at least one arm")
        elif len(self.arms) > MAX_ARMS:
            checks.add("arms", f"has more than {MAX_ARMS} arms")
        seen: dict[str, int] = {}
        for i, arm in enumerate(self.arms):
            if not isinstance(arm, Arm):
                checks.add(f"arms[{i}]", f"must be an Arm, got {type(arm).__name__}")
                continue
            if arm.name in seen:
                checks.add(f"arms[{i}].name", f"duplicate arm name (also arms[{seen[arm.name]}])")
            seen.setdefault(arm.name, i)
        if self.control is not None and self.control not in seen:
            checks.add("control", f"names no arm of the experiment ({self.control!r})")
        try:
            Schedule(starts_at=self.starts_at, ends_at=self.ends_at)  # the campaigns' rules
        except ValidationError as exc:
            checks.absorb(exc)
        checks.raise_if_any()

    @property
    def schedule(self) -> Schedule:
        """When the experiment runs, as a campaign [`Schedule`][promocore.campaign.Schedule]."""
        return Schedule(starts_at=self.starts_at, ends_at=self.ends_at)

    @property
    def key(self) -> str:
        """The hashing key of the traffic and arm draws."""
        return f"experiment:{self.salt if self.salt is not None else self.id}"

    @property
    def arm_names(self) -> tuple[str, ...]:
        """The arms' names, in order."""
        return tuple(arm.name for arm in self.arms)

    @property
    def control_arm(self) -> str:
        """The control arm's name."""
        return self.control if self.control is not None else self.arms[0].name

    @property
    def shares(self) -> tuple[Fraction, ...]:
        """Each arm's exact share of the experiment's units (weights normalised)."""
        total = sum((Fraction(arm.weight) for arm in self.arms), Fraction(0))
        return tuple(Fraction(arm.weight) / total for arm in self.arms)

    def arm_thresholds(self) -> tuple[int, ...]:
        """Upper draw bound of each arm: arm ``i`` takes draws in ``[t[i-1], t[i])``."""
        bounds = []
        running = Fraction(0)
        for share in self.shares:
            running += share
            bounds.append(threshold(running))
        return tuple(bounds)

    def running(self, at: datetime) -> bool:
        """True if ``at`` is inside the schedule (``starts_at <= at < ends_at``).

        Raises:
            ValidationError: ``at`` has no UTC offset.
        """
        checks = Checks()
        check_aware(checks, "at", at)
        checks.raise_if_any()
        schedule = self.schedule
        return not (schedule.not_started(at) or schedule.ended(at))


def check_layers(experiments: Iterable[Experiment]) -> None:
    """Refuse experiments of one layer whose ranges overlap, or two with the same id.

    Raises:
        ValidationError: a problem per clash, at ``experiments[i].layer`` or ``.id``.
    """
    checks = Checks()
    seen: list[tuple[int, Experiment]] = []
    ids: dict[str, int] = {}
    for i, experiment in enumerate(experiments):
        if experiment.id in ids:
            checks.add(
                f"experiments[{i}].id", f"duplicate id (also experiments[{ids[experiment.id]}])"
            )
        ids.setdefault(experiment.id, i)
        slot = experiment.layer
        if slot is None:
            continue
        for j, other in seen:
            assert other.layer is not None
            if slot.overlaps(other.layer):
                checks.add(
                    f"experiments[{i}].layer",
                    f"overlaps experiments[{j}] ({other.id!r}) in layer {slot.layer!r}",
                )
        seen.append((i, experiment))
    checks.raise_if_any()


def holdouts_of(experiments: Iterable[Experiment]) -> Mapping[str, Holdout]:
    """The holdouts the experiments name, by id.

    Raises:
        ValidationError: two different holdouts share an id.
    """
    found: dict[str, Holdout] = {}
    checks = Checks()
    for i, experiment in enumerate(experiments):
        holdout = experiment.holdout
        if holdout is None:
            continue
        known = found.get(holdout.id)
        if known is not None and known != holdout:
            checks.add(f"experiments[{i}].holdout", f"another holdout has the id {holdout.id!r}")
        found.setdefault(holdout.id, holdout)
    checks.raise_if_any()
    return found
