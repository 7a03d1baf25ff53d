import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import DEFAULT_STAGES, Funnel, funnel_from_counts, funnel_from_events
from promocore.errors import ValidationError


def test_counts_hand_checked() -> None:
    funnel = funnel_from_counts([10_000, 1_200, 600, 240, 200])
    steps = funnel.steps
    assert [(s.from_stage, s.to_stage) for s in steps] == [
        ("exposure", "click"),
        ("click", "claim"),
        ("claim", "order"),
        ("order", "paid"),
    ]
    assert [s.conversion for s in steps] == pytest.approx([0.12, 0.5, 0.4, 200 / 240])
    assert [s.drop_off for s in steps] == [8_800, 600, 360, 40]
    assert steps[2].drop_off_rate == pytest.approx(0.6)
    assert funnel.overall_conversion == pytest.approx(0.02)
    assert funnel.conversion_to("order") == pytest.approx(0.024)
    assert funnel.count("claim") == 600
    worst = funnel.worst_step
    assert worst is not None and worst.to_stage == "click"
    # against last campaign, the claim -> order step is the furthest behind
    behind = funnel.worst_step_against([0.10, 0.45, 0.60, 0.80])
    assert behind is not None and behind.to_stage == "order"
    assert funnel.worst_step_against([0.1, 0.1, 0.1, 0.1]) is None


def test_counts_from_mapping_and_custom_stages() -> None:
    funnel = funnel_from_counts(
        {"join": 5, "visit": 50, "buy": 1}, stages=("visit", "join", "buy"), segment="vip"
    )
    assert funnel.counts == (50, 5, 1)
    assert funnel.segment == "vip"
    assert funnel.to_dict()["worst_step"] == "visit->join"


def test_empty_funnel_has_no_rates() -> None:
    funnel = funnel_from_counts([0, 0, 0, 0, 0])
    assert funnel.worst_step is None
    assert funnel.overall_conversion is None
    assert funnel.steps[0].conversion is None


def test_counts_must_not_grow() -> None:
    with pytest.raises(ValidationError) as info:
        funnel_from_counts([100, 120, 50, 10, 1])
    assert str(info.value) == (
        "counts[1]: must be <= counts[0]: 120 reached 'click' but only 100 reached 'exposure'"
    )


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([5, 4, 3], "counts: needs one count per stage (5)"),
        ([5, 4, 3, -1, 0], "counts[3]: must be >= 0 (got -1)"),
        ([5, 4, 3.5, 1, 0], "counts[2]: must be a whole number (got 3.5)"),
        ({"exposure": 1}, "counts['click']: is missing"),
        ({"views": 1}, "counts['views']: is not a stage"),
    ],
)
def test_bad_counts(counts: object, expected: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(expected)):
        funnel_from_counts(counts)  # type: ignore[arg-type]


EVENTS = [
    # user, stage, segment
    ("a", "exposure", "new"),
    ("a", "click", "new"),
    ("a", "click", "new"),  # repeated: counted once
    ("a", "claim", "new"),
    ("a", "order", "new"),
    ("a", "paid", "new"),
    ("b", "exposure", "new"),
    ("b", "claim", "new"),  # skipped click: stops at exposure
    ("c", "exposure", "returning"),
    ("c", "click", "returning"),
    ("d", "order", "returning"),  # nothing before: not in the funnel
    ("e", "exposure", "returning"),
    ("e", "click", "returning"),
    ("e", "claim", "returning"),
]


def _columns() -> tuple[list[str], list[str], list[str]]:
    users, stages, segments = zip(*EVENTS, strict=True)
    return list(users), list(stages), list(segments)


def test_events_in_order() -> None:
    users, stages, segments = _columns()
    result = funnel_from_events(users, stages, segments=segments)
    assert result.overall.counts == (4, 3, 2, 1, 1)
    assert result.segment_names == ("new", "returning")
    assert result["new"].counts == (2, 1, 1, 1, 1)
    assert result["returning"].counts == (2, 2, 1, 0, 0)
    assert result["returning"].worst_step is not None
    assert result["returning"].worst_step.to_stage == "order"
    with pytest.raises(KeyError):
        result["vip"]


def test_events_inferring_earlier_stages() -> None:
    users, stages, _ = _columns()
    result = funnel_from_events(np.array(users), np.array(stages), infer_earlier=True)
    # b reached claim, d reached order: both count at every stage before
    assert result.overall.counts == (5, 5, 4, 2, 1)
    assert result.segments == ()


def test_events_as_stage_indices_and_int_ids() -> None:
    result = funnel_from_events([1, 1, 2, 2, 2], [0, 1, 0, 1, 2], stages=("view", "cart", "buy"))
    assert result.overall.counts == (2, 2, 1)


def test_user_in_two_segments_counts_once_overall() -> None:
    result = funnel_from_events(["a", "a"], ["exposure", "exposure"], segments=["x", "y"])
    assert result.overall.counts[0] == 1
    assert result["x"].counts[0] == 1 and result["y"].counts[0] == 1


def test_unknown_events() -> None:
    with pytest.raises(ValidationError, match=r"events\[1\]: is not a stage"):
        funnel_from_events(["a", "a"], ["exposure", "share"])
    result = funnel_from_events(["a", "a"], ["exposure", "share"], ignore_unknown=True)
    assert result.overall.counts == (1, 0, 0, 0, 0)


def test_bad_event_columns() -> None:
    with pytest.raises(ValidationError) as info:
        funnel_from_events(["a", None], ["exposure"], segments="new")
    messages = [str(p) for p in info.value.problems]
    assert "user_ids[1]: must be a str or an int label (got None)" in messages
    assert "segments: expected an array or a sequence, got str" in messages
    with pytest.raises(ValidationError, match="events: has 1 entries but user_ids has 2"):
        funnel_from_events(["a", "b"], ["exposure"])


def test_funnel_refuses_growing_counts_directly() -> None:
    with pytest.raises(ValidationError):
        Funnel(("a", "b"), (1, 2))


stage_index = st.integers(min_value=0, max_value=len(DEFAULT_STAGES) - 1)
event_logs = st.lists(st.tuples(st.integers(0, 30), stage_index), max_size=200)


@settings(max_examples=80, deadline=None)
@given(log=event_logs, infer=st.booleans())
def test_counts_are_monotone_and_add_up(log: list[tuple[int, int]], infer: bool) -> None:
    users = [u for u, _ in log]
    stages = [s for _, s in log]
    segments = [f"s{u % 3}" for u in users]  # a segment is a property of the user
    result = funnel_from_events(users, stages, segments=segments, infer_earlier=infer)
    for funnel in (result.overall, *result.segments):
        assert all(a >= b for a, b in zip(funnel.counts, funnel.counts[1:], strict=False))
    assert result.overall.counts[0] <= len(set(users))
    for k in range(len(DEFAULT_STAGES)):
        assert result.overall.counts[k] == sum(f.counts[k] for f in result.segments)
    if infer:
        assert result.overall.counts[0] == len(set(users))
    reached_all = {u for u in users if {s for v, s in log if v == u} == set(range(5))}
    assert result.overall.counts[-1] >= len(reached_all)
