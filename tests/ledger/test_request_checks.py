"""The cheap check of a plain request agrees with the full one on every input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promocore.errors import ValidationError
from promocore.ledger import Draw
from promocore.ledger.planning import (
    MAX_ITEMS,
    _plain_request,
    check_commit_now,
    check_reserve,
)

_names = st.one_of(
    st.sampled_from(["stock", "budget", "once", "c1"]),
    st.text(min_size=0, max_size=4),
    st.text(alphabet="ab\x00\x1f\x7f\u2028 ", max_size=3),
    st.just("k" * 200),
    st.just("k" * 201),
)
_draws = st.builds(
    Draw,
    account=st.sampled_from(["stock", "budget", "once"]),
    amount=st.integers(1, 5),
    subject=st.one_of(st.none(), st.sampled_from(["c1", "c2"])),
)
_items = st.one_of(
    st.lists(_draws, min_size=0, max_size=4),
    st.lists(_draws, min_size=0, max_size=4).map(tuple),
    st.lists(st.one_of(_draws, st.integers(), st.text(max_size=2)), max_size=3),
    st.lists(_draws, min_size=MAX_ITEMS + 1, max_size=MAX_ITEMS + 1, unique_by=lambda d: d),
    st.none(),
    st.text(max_size=3),
    st.frozensets(_draws, max_size=2),
)
_nows = st.one_of(
    st.none(),
    st.just(datetime(2026, 12, 2, 12, tzinfo=UTC)),
    st.just(datetime(2026, 12, 2, 20, tzinfo=timezone(timedelta(hours=8)))),
    st.just(datetime(2026, 12, 2, 12)),
    st.just("2026-12-02"),
)
_ttls = st.one_of(
    st.sampled_from(
        [timedelta(minutes=30), timedelta(0), timedelta(days=366), timedelta(days=367)]
    ),
    st.just(-timedelta(seconds=1)),
    st.just(30),
)


def _full(check: object, *args: object) -> tuple[Draw, ...] | str:
    try:
        return check(*args)  # type: ignore[operator, no-any-return]
    except ValidationError as error:
        return f"refused: {error}"


@given(key=_names, items=_items, now=_nows)
def test_a_plain_request_is_one_the_full_check_accepts_as_is(
    key: object, items: object, now: object
) -> None:
    plain = _plain_request(key, items, now)
    if plain is not None:
        assert plain == tuple(items)  # type: ignore[arg-type]
        assert _full(check_commit_now, key, items, now) == plain


@given(key=_names, items=_items, now=_nows, ttl=_ttls)
def test_reserve_checks_give_the_same_answer_with_or_without_the_cheap_path(
    key: object, items: object, now: object, ttl: object
) -> None:
    fast = _full(check_reserve, key, items, ttl, now)
    fast_now = _full(check_commit_now, key, items, now)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr("promocore.ledger.planning._plain_request", lambda *_: None)
        assert _full(check_reserve, key, items, ttl, now) == fast
        assert _full(check_commit_now, key, items, now) == fast_now


def test_two_draws_from_one_counter_take_the_full_path() -> None:
    twice = [Draw.stock("stock", 1), Draw.stock("stock", 2)]
    assert _plain_request("k", twice, None) is None
    with pytest.raises(ValidationError, match=r"items\[1\]: draws from the same counter"):
        check_commit_now("k", twice, None)
