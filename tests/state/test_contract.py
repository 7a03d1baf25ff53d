"""The contract every store backend keeps (run once per backend)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from promocore.errors import PromocoreError, ValidationError
from promocore.games import RetryPolicy, Runner
from promocore.state import Record, Store, VersionConflictError
from tests.state.counter import COUNTER, Bump, Counter

T0 = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)


def test_create_get_and_versions(store: Store) -> None:
    assert store.get("bargain", "s1") is None
    created = store.save("bargain", "s1", {"price": 100, "cuts": []}, expected_version=0)
    assert created == Record("bargain", "s1", 1, {"price": 100, "cuts": []}, None)
    assert store.get("bargain", "s1") == created
    changed = store.save("bargain", "s1", {"price": 93, "cuts": [7]}, expected_version=1)
    assert changed.version == 2
    assert store.get("bargain", "s1") == changed


def test_lost_race_raises_a_conflict(store: Store) -> None:
    store.save("bargain", "s1", {"n": 1}, expected_version=0)
    store.save("bargain", "s1", {"n": 2}, expected_version=1)
    with pytest.raises(VersionConflictError) as info:
        store.save("bargain", "s1", {"n": 99}, expected_version=1)
    assert (info.value.expected, info.value.actual) == (1, 2)
    assert isinstance(info.value, PromocoreError)
    with pytest.raises(VersionConflictError) as created:
        store.save("bargain", "s1", {"n": 99}, expected_version=0)
    assert created.value.actual == 2
    with pytest.raises(VersionConflictError) as missing:
        store.save("bargain", "s2", {"n": 99}, expected_version=3)
    assert missing.value.actual == 0
    record = store.get("bargain", "s1")
    assert record is not None and record.payload == {"n": 2}
    assert store.get("bargain", "s2") is None


def test_kinds_keep_ids_apart(store: Store) -> None:
    store.save("presale", "a:b", {"k": "presale"}, expected_version=0)
    store.save("presale.order", "b", {"k": "order"}, expected_version=0)
    store.save("presale", "a", {"k": "short"}, expected_version=0)
    assert store.get("presale", "a:b") == Record("presale", "a:b", 1, {"k": "presale"})
    assert store.get("presale.order", "b") == Record("presale.order", "b", 1, {"k": "order"})
    assert store.get("presale.order", "a:b") is None


def test_payload_round_trip(store: Store) -> None:
    payload = {
        "text": "砍一刀 ✓",
        "big": 2**62,
        "negative": -5,
        "nested": {"list": [1, "two", None, True, {"x": []}]},
        "empty": {},
    }
    store.save("k", "1", payload, expected_version=0)
    record = store.get("k", "1")
    assert record is not None and record.payload == payload


def test_delete_is_compare_and_set(store: Store) -> None:
    store.save("team", "t1", {}, expected_version=0, due=T0)
    with pytest.raises(VersionConflictError):
        store.delete("team", "t1", expected_version=2)
    store.delete("team", "t1", expected_version=1)
    assert store.get("team", "t1") is None
    assert store.due("team", T0) == []
    with pytest.raises(VersionConflictError):
        store.delete("team", "t1", expected_version=1)
    store.save("team", "t1", {"again": True}, expected_version=0)


def test_due_query(store: Store) -> None:
    store.save("team", "late", {}, expected_version=0, due=T0 + timedelta(hours=2))
    store.save("team", "b", {}, expected_version=0, due=T0)
    store.save("team", "a", {}, expected_version=0, due=T0)
    store.save("team", "early", {}, expected_version=0, due=T0 - timedelta(hours=1))
    store.save("team", "never", {}, expected_version=0)
    store.save("other", "x", {}, expected_version=0, due=T0 - timedelta(days=1))
    due = store.due("team", T0)
    assert [r.id for r in due] == ["early", "a", "b"]
    assert due[0].due == T0 - timedelta(hours=1)
    assert [r.id for r in store.due("team", T0, limit=2)] == ["early", "a"]
    assert [r.id for r in store.due("team", T0 + timedelta(days=1))] == [
        "early", "a", "b", "late",
    ]  # fmt: skip
    store.save("team", "early", {"done": True}, expected_version=1)
    assert [r.id for r in store.due("team", T0)] == ["a", "b"]
    store.save("team", "a", {}, expected_version=1, due=T0 + timedelta(days=3))
    assert [r.id for r in store.due("team", T0)] == ["b"]


def test_due_keeps_the_instant_whatever_the_zone(store: Store) -> None:
    beijing = timezone(timedelta(hours=8))
    saved = store.save(
        "team", "t", {}, expected_version=0, due=datetime(2025, 6, 18, 20, tzinfo=beijing)
    )
    assert saved.due == T0
    record = store.get("team", "t")
    assert record is not None and record.due == T0
    assert [r.id for r in store.due("team", T0)] == ["t"]
    assert store.due("team", T0 - timedelta(microseconds=1)) == []


def test_validation_names_fields(store: Store) -> None:
    with pytest.raises(ValidationError) as info:
        store.save(
            "Bad Kind",
            "",
            {"x": float("nan")},
            expected_version=-1,
            due=datetime(2025, 1, 1),
        )
    assert [p.path for p in info.value.problems] == [
        "kind",
        "id",
        "payload",
        "expected_version",
        "due",
    ]
    with pytest.raises(ValidationError, match=r"^payload: must be JSON-able"):
        store.save("k", "1", {"when": T0}, expected_version=0)
    with pytest.raises(ValidationError, match=r"^payload: must be a dict"):
        store.save("k", "1", [1, 2], expected_version=0)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"^expected_version: must be >= 1"):
        store.delete("k", "1", expected_version=0)
    with pytest.raises(ValidationError, match=r"^limit: "):
        store.due("k", T0, limit=0)
    with pytest.raises(ValidationError, match=r"^before: must be timezone-aware"):
        store.due("k", datetime(2025, 1, 1))
    assert store.get("k", "1") is None


def test_update_retries_lost_races(store: Store) -> None:
    store.save("counter", "c", {"n": 0}, expected_version=0)
    calls: list[int] = []
    runner = Runner(store, COUNTER, retry=RetryPolicy(sleep=lambda _: None))

    def bump(counter: Counter) -> tuple[Bump]:
        record = store.get("counter", "c")
        assert record is not None
        calls.append(record.version)
        if len(calls) == 1:  # somebody else writes between our read and our save
            store.save("counter", "c", {"n": 10}, expected_version=record.version)
        return (Bump(),)

    runner.apply_with("c", bump)
    saved = store.get("counter", "c")
    assert saved is not None and saved.payload["n"] == 11
    assert calls == [1, 2]


def test_concurrent_updates_from_threads_lose_nothing(store: Store) -> None:
    store.save("counter", "c", {"n": 0}, expected_version=0)
    runner = Runner(store, COUNTER, retry=RetryPolicy(attempts=1000))

    def worker() -> None:
        for _ in range(25):
            runner.apply("c", Bump())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = store.get("counter", "c")
    assert record is not None and record.payload["n"] == 100 and record.version == 101
