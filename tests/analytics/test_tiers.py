import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import TierAssignment, TierLadder, assign_tiers
from promocore.errors import ValidationError

LADDER = TierLadder(("bronze", "silver", "gold", "diamond"), (6, 9, 12), hysteresis=1)


def test_first_review_uses_thresholds() -> None:
    first = assign_tiers([15, 7, 8, 6, 9, 11, 10, 5, 11, 3], LADDER)
    assert first.tiers() == [
        "diamond",
        "silver",
        "silver",
        "silver",
        "gold",
        "gold",
        "gold",
        "bronze",
        "gold",
        "bronze",
    ]
    assert all(type(t) is str for t in first.tiers())
    assert first.tier(0) == "diamond"
    assert first.counts() == {"bronze": 2, "silver": 3, "gold": 4, "diamond": 1}
    assert first.joined == 10 and first.upgraded == 0 and first.kept == 0
    assert LADDER.tier_for(8.99) == "silver" and LADDER.tier_for(9) == "gold"


def test_second_review_with_hysteresis_and_one_step_down() -> None:
    first = assign_tiers([15, 7, 8, 6, 9, 11, 10, 5, 11, 3], LADDER)
    second = assign_tiers([11.5, 5.2, 4.0, 12, 8.5, 7.9, 10, 5, 2, 3], LADDER, current=first)
    assert second.tiers() == [
        "diamond",  # 11.5 is within 1 of 12: kept
        "silver",  # 5.2 within 1 of 6: kept
        "bronze",  # 4.0: lost silver
        "diamond",  # 12: up two tiers at once
        "gold",  # 8.5: kept
        "silver",  # 7.9: more than 1 below 9
        "gold",
        "bronze",
        "silver",  # 2 would be bronze, but one step down per review
        "bronze",
    ]
    assert (second.upgraded, second.downgraded, second.kept, second.joined) == (1, 3, 6, 0)
    moves = second.transitions()
    assert moves[("gold", "silver")] == 2
    assert moves[("silver", "diamond")] == 1
    assert sum(moves.values()) == 10
    d = second.to_dict()
    assert d["counts"] == {"bronze": 3, "silver": 3, "gold": 2, "diamond": 2}
    assert {"from": "silver", "to": "diamond", "customers": 1} in d["transitions"]
    assert repr(second).startswith("TierAssignment(customers=10, counts={'bronze': 3")


def test_current_as_names_and_step_limits() -> None:
    ladder = TierLadder(
        ("member", "vip", "svip"), (100, 200), hysteresis=0, max_down_steps=None, max_up_steps=1
    )
    result = assign_tiers(
        np.array([500.0, 0.0, 150.0, 250.0]), ladder, current=["member", "svip", None, ""]
    )
    assert result.tiers() == ["vip", "member", "vip", "svip"]
    assert result.previous.tolist() == [0, 2, -1, -1]
    assert result.transitions()[(None, "vip")] == 1
    names = np.array(["svip", "vip", "member", "vip"])
    assert assign_tiers([0, 0, 0, 300], ladder, current=names).tiers() == [
        "member",
        "member",
        "member",
        "svip",
    ]


def test_bad_current_tiers() -> None:
    with pytest.raises(
        ValidationError, match=r"current\[1\]: is not a tier of .* \(got 'platinum'\)"
    ):
        assign_tiers([1, 2], LADDER, current=["gold", "platinum"])
    with pytest.raises(ValidationError, match="current: has 1 entries but scores has 2"):
        assign_tiers([1, 2], LADDER, current=["gold"])
    other = assign_tiers([1], TierLadder(("a", "b"), (1,)))
    with pytest.raises(ValidationError, match="current: was assigned on a ladder with other"):
        assign_tiers([1], LADDER, current=other)
    with pytest.raises(ValidationError, match=r"scores\[0\]: must be a finite number"):
        assign_tiers([float("inf")], LADDER)
    with pytest.raises(ValidationError, match="ladder: expected a TierLadder"):
        assign_tiers([1], "gold")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((("a", "b"), (1, 2)), {}, "thresholds: needs one threshold per tier above the lowest"),
        ((("a", "b", "c"), (5, 5)), {}, r"thresholds\[1\]: must be greater than"),
        ((("a", "a"), (1,)), {}, "names: must be unique"),
        ((("a", ""), (1,)), {}, r"names\[1\]: must be a non-empty str"),
        ((("a", "b"), (1,)), {"hysteresis": -1}, "hysteresis: must be a finite number >= 0"),
        ((("a", "b"), (1,)), {"max_down_steps": 0}, "max_down_steps: must be None or"),
    ],
)
def test_bad_ladders(args: tuple[object, ...], kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        TierLadder(*args, **kwargs)  # type: ignore[arg-type]


# Quarter steps keep every sum and difference exact in binary floating point.
quarters = st.integers(-20, 80).map(lambda v: v / 4)
scores = st.lists(quarters, min_size=1, max_size=60)
ladders = st.builds(
    lambda cuts, h, down: TierLadder(
        tuple(f"t{i}" for i in range(len(cuts) + 1)), tuple(sorted(cuts)), h / 4, down
    ),
    st.lists(st.integers(0, 15), min_size=1, max_size=5, unique=True),
    st.integers(0, 12),
    st.sampled_from([None, 1, 2]),
)


@settings(max_examples=100, deadline=None)
@given(ladder=ladders, first=scores)
def test_without_history_each_customer_gets_their_qualified_tier(
    ladder: TierLadder, first: list[float]
) -> None:
    result = assign_tiers(first, ladder)
    assert result.tiers() == [ladder.tier_for(s) for s in first]


@settings(max_examples=100, deadline=None)
@given(ladder=ladders, data=st.data())
def test_scores_wobbling_within_the_band_do_not_flap(
    ladder: TierLadder, data: st.DataObject
) -> None:
    x = np.array(data.draw(scores))
    band = round(ladder.hysteresis * 4)
    wobble = data.draw(
        st.lists(st.integers(-band, band), min_size=len(x), max_size=len(x)), label="wobble"
    )
    y = x + np.array(wobble) / 4  # every |y - x| <= hysteresis
    t1 = assign_tiers(x, ladder)
    t2 = assign_tiers(y, ladder, current=t1)
    t3 = assign_tiers(x, ladder, current=t2)
    t4 = assign_tiers(y, ladder, current=t3)
    assert t2.index.tolist() == t3.index.tolist() == t4.index.tolist()


@settings(max_examples=100, deadline=None)
@given(ladder=ladders, first=scores, data=st.data())
def test_reviews_are_idempotent_without_step_limits(
    ladder: TierLadder, first: list[float], data: st.DataObject
) -> None:
    free = TierLadder(ladder.names, ladder.thresholds, ladder.hysteresis, max_down_steps=None)
    later = data.draw(st.lists(quarters, min_size=len(first), max_size=len(first)))
    once = assign_tiers(later, free, current=assign_tiers(first, free))
    twice = assign_tiers(later, free, current=once)
    assert once.index.tolist() == twice.index.tolist()
    # a member never sits above their qualified tier by more than the band allows
    for score, tier in zip(later, once.index.tolist(), strict=True):
        assert tier == 0 or score >= free.thresholds[tier - 1] - free.hysteresis


def test_assignment_is_read_only() -> None:
    result = assign_tiers([1.0], LADDER)
    assert isinstance(result, TierAssignment)
    with pytest.raises(ValueError, match="read-only"):
        result.index[0] = 2
