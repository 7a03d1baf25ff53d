"""Assignment: deterministic, matching its documented bucketing, stable under traffic changes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.errors import FloatRefusedError, ValidationError
from promocore.experiments import (
    Arm,
    Experiment,
    Holdout,
    LayerSlot,
    Status,
    arm_at,
    assign,
    assign_many,
    held_out,
    held_out_many,
    in_arm,
    unit_hash,
)
from promocore.experiments.model import threshold

AT = datetime(2026, 11, 11, 10, tzinfo=UTC)
IDS = [f"customer-{i}" for i in range(2000)]


def two_arms(**fields: object) -> Experiment:
    return Experiment(id="d11", arms=[Arm("control"), Arm("treatment")], **fields)  # type: ignore[arg-type]


def test_the_bucketing_is_the_documented_one() -> None:
    e = Experiment(id="d11", arms=[Arm("control", 1), Arm("b", 2), Arm("c", 1)], traffic="0.7")
    for unit in IDS[:300]:
        digest = unit_hash("experiment:d11", unit)
        got = assign(e, unit)
        if digest >> 32 >= int(Fraction(7, 10) * 2**32):
            assert got.status is Status.OUTSIDE_TRAFFIC and got.arm is None
            continue
        draw = digest & 0xFFFFFFFF
        expected = "control" if draw < 2**30 else "b" if draw < 3 * 2**30 else "c"
        assert got.arm == expected and got.status is Status.ASSIGNED


def test_the_salt_decides_the_draws() -> None:
    a, b = two_arms(salt="same"), Experiment(id="other", arms=two_arms().arms, salt="same")
    assert [assign(a, u).arm for u in IDS[:200]] == [assign(b, u).arm for u in IDS[:200]]
    c = two_arms(salt="new")
    assert [assign(a, u).arm for u in IDS[:200]] != [assign(c, u).arm for u in IDS[:200]]


def test_arrays_agree_with_single_ids() -> None:
    e = Experiment(
        id="d11",
        arms=[Arm("control"), Arm("treatment", 3)],
        traffic="0.6",
        holdout=Holdout(id="global", share="0.1"),
        layer=LayerSlot("checkout", "0.2", "0.9"),
    )
    many = assign_many(e, IDS)
    single = [assign(e, u) for u in IDS]
    assert many.arms().tolist() == [s.arm for s in single]
    assert many.statuses() == [s.status for s in single]
    assert len(many) == len(IDS)
    counts = many.status_counts()
    assert all(counts[s] > 0 for s in Status)


def test_shares_come_out_as_planned() -> None:
    e = Experiment(id="d11", arms=[Arm("control"), Arm("treatment", 3)], traffic="0.5")
    a = assign_many(e, np.arange(400_000))
    counts = a.counts()
    assert sum(counts.values()) == pytest.approx(200_000, rel=0.01)
    assert counts["treatment"] / sum(counts.values()) == pytest.approx(0.75, abs=0.005)
    assert not a.srm().mismatch


def test_srm_flags_lost_units() -> None:
    e = two_arms()
    a = assign_many(e, np.arange(100_000))
    arms = a.arms()
    keep = (arms == "control") | (np.arange(100_000) % 10 != 0)  # lose 10% of treatment
    lossy = a.select(keep)
    assert len(lossy) == int(keep.sum())
    assert lossy.srm().mismatch
    with pytest.raises(ValidationError, match="one boolean per unit"):
        a.select(keep[:10])


share = st.integers(0, 1000).map(lambda k: Decimal(k) / 1000)


@given(low=share, high=share, weights=st.lists(st.integers(1, 9), min_size=1, max_size=5))
def test_raising_traffic_only_adds_units_and_nobody_changes_arm(
    low: Decimal, high: Decimal, weights: list[int]
) -> None:
    low, high = min(low, high), max(low, high)
    arms = [Arm(f"arm{i}", w) for i, w in enumerate(weights)]
    small = Experiment(id="t", arms=arms, traffic=low)
    large = Experiment(id="t", arms=arms, traffic=high)
    ids = np.arange(3000)
    before, after = assign_many(small, ids).arms(), assign_many(large, ids).arms()
    was_in = before != None  # noqa: E711 (elementwise on an object array)
    assert (after[was_in] == before[was_in]).all()
    assert (after != None).sum() >= was_in.sum()  # noqa: E711


@given(
    unit=st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
    | st.integers(-(2**63), 2**64 - 1)
)
def test_arm_never_depends_on_traffic(unit: str | int) -> None:
    everyone = assign(two_arms(), unit).arm
    for traffic in ("0.01", "0.5", "0.99"):
        arm = assign(two_arms(traffic=traffic), unit).arm
        assert arm is None or arm == everyone


def test_traffic_zero_and_one() -> None:
    assert all(assign(two_arms(traffic=0), u).status is Status.OUTSIDE_TRAFFIC for u in IDS[:50])
    assert all(assign(two_arms(traffic=1), u).assigned for u in IDS[:50])


def test_a_holdout_is_shared_by_the_experiments_naming_it() -> None:
    holdout = Holdout(id="global", share="0.2")
    a = two_arms(holdout=holdout)
    b = Experiment(id="other", arms=[Arm("x"), Arm("y")], holdout=holdout)
    held = held_out_many(holdout, IDS)
    assert held.mean() == pytest.approx(0.2, abs=0.03)
    for unit, is_held in zip(IDS, held, strict=True):
        assert held_out(holdout, unit) == is_held
        assert (assign(a, unit).status is Status.HELD_OUT) == is_held
        assert (assign(b, unit).status is Status.HELD_OUT) == is_held


def test_experiments_of_one_layer_never_share_a_unit() -> None:
    first = two_arms(layer=LayerSlot("checkout", "0", "0.4"))
    second = Experiment(id="x", arms=[Arm("a"), Arm("b")], layer=LayerSlot("checkout", "0.4", "1"))
    a, b = assign_many(first, IDS).arm_index >= 0, assign_many(second, IDS).arm_index >= 0
    assert not (a & b).any()
    assert (a | b).all()
    assert a.mean() == pytest.approx(0.4, abs=0.04)


def test_in_arm_and_the_schedule() -> None:
    e = two_arms(
        starts_at=datetime(2026, 11, 1, tzinfo=UTC), ends_at=datetime(2026, 11, 12, tzinfo=UTC)
    )
    unit = IDS[0]
    arm = assign(e, unit).arm
    assert arm is not None
    other = "control" if arm == "treatment" else "treatment"
    assert in_arm(e, arm, unit, AT) and not in_arm(e, other, unit, AT)
    assert arm_at(e, unit, datetime(2026, 10, 31, tzinfo=UTC)) is None
    assert not in_arm(e, arm, unit, datetime(2026, 11, 12, tzinfo=UTC))
    with pytest.raises(ValidationError, match="no arm 'nope'"):
        in_arm(e, "nope", unit, AT)
    with pytest.raises(ValidationError, match="UTC offset"):
        in_arm(e, arm, unit, datetime(2026, 11, 11))


def test_thresholds_are_exact() -> None:
    assert threshold(Decimal("0.5")) == 2**31
    assert threshold(Decimal(1)) == 2**32
    assert threshold(Decimal("0.1")) == (2**32) // 10
    e = Experiment(id="t", arms=[Arm("a", 1), Arm("b", 1), Arm("c", 1)])
    assert e.arm_thresholds() == (2**32 // 3, 2**33 // 3, 2**32)


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"arms": []}, "arms"),
        ({"arms": [Arm("a"), Arm("a")]}, "arms[1].name"),
        ({"traffic": "1.5"}, "traffic"),
        ({"traffic": "abc"}, "traffic"),
        ({"id": ""}, "id"),
        ({"control": "nope"}, "control"),
        ({"starts_at": datetime(2026, 1, 1)}, "starts_at"),
        (
            {
                "starts_at": datetime(2026, 2, 1, tzinfo=UTC),
                "ends_at": datetime(2026, 1, 1, tzinfo=UTC),
            },
            "ends_at",
        ),
    ],
)
def test_bad_definitions_are_refused_naming_the_field(fields: dict[str, object], path: str) -> None:
    raw: dict[str, object] = {"id": "t", "arms": [Arm("a"), Arm("b")], **fields}
    with pytest.raises(ValidationError) as caught:
        Experiment(**raw)  # type: ignore[arg-type]
    assert path in [p.path for p in caught.value.problems]


def test_parts_check_themselves() -> None:
    with pytest.raises(ValidationError, match="weight"):
        Arm("a", 0)
    with pytest.raises(FloatRefusedError):
        Arm("a", 0.5)
    with pytest.raises(ValidationError, match="share"):
        Holdout(id="h", share="-0.1")
    with pytest.raises(ValidationError, match="end"):
        LayerSlot("l", "0.5", "0.5")
    assert LayerSlot("l", "0", "0.5").overlaps(LayerSlot("l", "0.4", "1"))
    assert not LayerSlot("l", "0", "0.5").overlaps(LayerSlot("l", "0.5", "1"))
    assert not LayerSlot("l", "0", "0.5").overlaps(LayerSlot("m", "0", "1"))
