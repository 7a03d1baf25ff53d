import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promocore.analytics import projected_reach, referral_generations
from promocore.errors import ValidationError


def test_generations_hand_checked() -> None:
    #  a ─┬─ b ── d ── f
    #     └─ c
    #  e ──── g
    report = referral_generations(
        ["a", "b", "c", "d", "e", "f", "g"],
        [None, "a", "a", "b", "", "d", "e"],
        invitations=[10, 4, 0, 2, 5, 0, 0],
    )
    g0, g1, g2, g3 = report.generations
    assert (g0.users, g0.invitations, g0.converted) == (2, 15, 3)
    assert g0.invitations_per_user == 7.5
    assert g0.invitation_conversion == pytest.approx(0.2)
    assert g0.k_factor == pytest.approx(1.5)  # 7.5 invitations x 20 % = 1.5
    assert (g1.users, g1.invitations, g1.converted) == (3, 4, 1)
    assert g1.k_factor == pytest.approx(1 / 3)
    assert (g2.users, g2.invitations, g2.converted, g2.k_factor) == (1, 2, 1, 1.0)
    assert (g3.users, g3.converted, g3.k_factor) == (1, 0, 0.0)
    assert g3.invitation_conversion is None
    assert report.seeds == 2 and report.total_users == 7 and report.depth == 3
    assert report.k_factor() == pytest.approx(5 / 7)
    assert report.k_factor(through=0) == pytest.approx(1.5)
    assert report.amplification == pytest.approx(3.5)
    assert report.to_dict()["generations"][0]["k_factor"] == pytest.approx(1.5)


def test_integer_ids_with_a_seed_marker() -> None:
    report = referral_generations(np.array([10, 11, 12]), np.array([-1, 10, 10]), no_inviter=-1)
    assert [g.users for g in report.generations] == [1, 2]
    assert report.generations[0].invitations is None
    assert report.generations[0].invitations_per_user is None


def test_deep_chain_uses_few_rounds() -> None:
    n = 5_000
    report = referral_generations(np.arange(n), np.arange(-1, n - 1), no_inviter=-1)
    assert report.depth == n - 1
    assert {g.users for g in report.generations} == {1}


@pytest.mark.parametrize(
    ("users", "inviters", "expected"),
    [
        (["a", "b"], ["b", "a"], "inviter_ids: the invitations form a cycle"),
        (["a", "b", "c"], [None, "c", "b"], "inviter_ids: the invitations form a cycle"),
        (["a", "a"], [None, "a"], r"user_ids\[1\]: appears twice"),
        (["a", "b"], [None, "z"], r"inviter_ids\[1\]: is not one of user_ids \(got 'z'\)"),
        (["a", "b"], [None, "b"], r"inviter_ids\[1\]: a user cannot invite themselves"),
        (["a", "b"], [None], "inviter_ids: has 1 entries but user_ids has 2"),
        ([1, 2], [None, "1"], "inviter_ids: must be labels of the same kind"),
    ],
)
def test_bad_trees(users: list[object], inviters: list[object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        referral_generations(users, inviters)


def test_invitations_must_cover_joins() -> None:
    with pytest.raises(ValidationError, match="generation 0 sent 1 invitations but 2 invitees"):
        referral_generations(["a", "b", "c"], [None, "a", "a"], invitations=[1, 0, 0])
    with pytest.raises(ValidationError, match=r"invitations\[0\]: must be >= 0"):
        referral_generations(["a"], [None], invitations=[-3])


@st.composite
def trees(draw: st.DrawFn) -> list[int]:
    n = draw(st.integers(1, 60))
    return [-1 if i == 0 else draw(st.integers(-1, i - 1)) for i in range(n)]


@settings(max_examples=80, deadline=None)
@given(parents=trees())
def test_generations_cover_every_user(parents: list[int]) -> None:
    order = list(range(len(parents)))[::-1]  # shuffle ids so children may come first
    ids = [f"u{order[i]}" for i in range(len(parents))]
    inviters = [None if p < 0 else ids[p] for p in parents]
    report = referral_generations(ids, inviters)
    assert report.total_users == len(parents)
    assert report.seeds == sum(p < 0 for p in parents)
    for g, nxt in zip(report.generations, report.generations[1:], strict=False):
        assert g.converted == nxt.users
    depth = [0] * len(parents)
    for i, p in enumerate(parents):
        depth[i] = 0 if p < 0 else depth[p] + 1
    assert report.depth == max(depth)


def test_reach_hand_checked() -> None:
    reach = projected_reach(100, 0.5, 3)
    assert reach.new_users == (100.0, 50.0, 25.0, 12.5)
    assert reach.cumulative == (100.0, 150.0, 175.0, 187.5)
    assert reach.total == 187.5
    assert reach.limit == 200.0
    assert reach.generations == 3


def test_reach_with_per_generation_k_and_audience() -> None:
    reach = projected_reach(10, [2.0, 1.0], 3)
    assert reach.k_factors == (2.0, 1.0, 1.0)
    assert reach.new_users == (10.0, 20.0, 20.0, 20.0)
    assert reach.limit is None
    # 10 -> 20 -> 10, then K = 0.5 forever: 10 + 20 + 10 + 5 + ... = 50
    assert projected_reach(10, [2.0, 0.5], 1).limit == pytest.approx(50.0)
    capped = projected_reach(100, 3.0, 2, audience=1_000)
    # 300 * (1 - 100/1000) = 270; then 810 * (1 - 370/1000) = 510.3
    assert capped.new_users == pytest.approx((100.0, 270.0, 510.3))
    assert capped.limit is None
    assert projected_reach(5, 10.0, 4, audience=20).total == pytest.approx(20.0)
    assert projected_reach(7, 1.0, 0).to_dict()["total"] == 7.0


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((-1, 1.0, 2), {}, "seeds: must be a whole number >= 0"),
        ((1, -0.5, 2), {}, "k_factor: must be a number >= 0"),
        ((1, [1.0, "x"], 2), {}, r"k_factor\[1\]: must be a number >= 0"),
        ((1, [], 2), {}, "k_factor: needs at least one"),
        ((1, 1.0, 2.5), {}, "generations: must be a whole number"),
        ((10, 1.0, 2), {"audience": 5}, "audience: must be a whole number >= seeds"),
    ],
)
def test_reach_refused(args: tuple[object, ...], kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        projected_reach(*args, **kwargs)  # type: ignore[arg-type]


@settings(max_examples=80, deadline=None)
@given(
    seeds=st.integers(0, 10_000),
    k=st.floats(0, 0.99),
    n=st.integers(0, 30),
)
def test_reach_matches_geometric_series(seeds: int, k: float, n: int) -> None:
    reach = projected_reach(seeds, k, n)
    assert reach.total == pytest.approx(seeds * sum(k**g for g in range(n + 1)))
    limit = reach.limit
    assert limit == pytest.approx(seeds / (1 - k))
    assert limit is not None and reach.total <= limit * (1 + 1e-12) + 1e-9
