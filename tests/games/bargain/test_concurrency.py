"""Concurrent moves on shared sessions, over the in-memory and SQLite stores."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from promocore.games.bargain import (
    BargainError,
    BargainService,
    HelperLimitError,
    OutOfStockError,
    SessionSucceededError,
    Status,
)
from promocore.money import total
from promocore.state import JSONObject, MemoryStore, Record, Store, VersionConflictError
from tests.games.bargain.builders import T0, campaign, minutes, terms

THREADS = 12


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        from promocore.state.sqlite import SqliteStore

        opened: Store = SqliteStore(tmp_path / "bargain.sqlite3", durable=False)
    else:
        opened = MemoryStore()
    yield opened
    opened.close()


class Racy:
    """A store that pauses after each read, so concurrent writers really collide."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.conflicts = 0
        self._lock = threading.Lock()

    def get(self, kind: str, id: str) -> Record | None:
        found = self.inner.get(kind, id)
        time.sleep(0.002)
        return found

    def save(
        self,
        kind: str,
        id: str,
        payload: JSONObject,
        *,
        expected_version: int,
        due: datetime | None = None,
    ) -> Record:
        try:
            return self.inner.save(kind, id, payload, expected_version=expected_version, due=due)
        except VersionConflictError:
            with self._lock:
                self.conflicts += 1
            raise

    def delete(self, kind: str, id: str, *, expected_version: int) -> None:
        self.inner.delete(kind, id, expected_version=expected_version)

    def due(self, kind: str, before: datetime, *, limit: int = 100) -> list[Record]:
        return self.inner.due(kind, before, limit=limit)

    def close(self) -> None:
        self.inner.close()


def run_all(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job on its own thread, all released at once; return results or errors."""
    results: list[object] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except BargainError as error:
            results[i] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_helps_are_neither_lost_nor_counted_twice(store: Store) -> None:
    racy = Racy(store)
    service = BargainService(racy, attempts=200)
    kan = campaign(terms(helpers_needed=THREADS + 5))
    service.start(kan, "ann", now=T0, session_id="s1")
    helpers = [f"friend-{i}" for i in range(THREADS)]
    results = run_all(
        [lambda h=h: service.help("s1", h, now=T0 + minutes(1)) for h in helpers]  # type: ignore[misc]
    )
    assert not [r for r in results if isinstance(r, BaseException)]
    session = service.get("s1")
    assert sorted(session.helpers) == sorted(helpers)
    assert session.price == kan.params.start_price - total((c.amount for c in session.cuts), "CNY")
    assert all(service.helps_used("kan", h) == 1 for h in helpers)
    assert racy.conflicts > 0  # the retries were exercised


def test_the_same_helper_racing_counts_once(store: Store) -> None:
    service = BargainService(store, attempts=200)
    service.start(campaign(terms(helpers_needed=5)), "ann", now=T0, session_id="s1")
    results = run_all([lambda: service.help("s1", "bo", now=T0)] * 6)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(errors) == 5
    assert service.get("s1").helpers == ("bo",)
    assert service.helps_used("kan", "bo") == 1


def test_racing_past_the_floor_keeps_exactly_the_needed_helps(store: Store) -> None:
    service = BargainService(store, attempts=200)
    kan = campaign(terms(helpers_needed=4))
    service.start(kan, "ann", now=T0, session_id="s1")
    helpers = [f"friend-{i}" for i in range(THREADS)]
    results = run_all([lambda h=h: service.help("s1", h, now=T0) for h in helpers])  # type: ignore[misc]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == THREADS - 4
    assert all(isinstance(r, SessionSucceededError) for r in refused)
    session = service.get("s1")
    assert session.status is Status.SUCCEEDED
    assert session.price == kan.params.floor_price
    assert sum(service.helps_used("kan", h) for h in helpers) == 4


def test_one_helper_racing_over_sessions_respects_the_limit(store: Store) -> None:
    service = BargainService(store, attempts=200)
    kan = campaign(terms(helps_per_helper=2))
    ids = [f"s{i}" for i in range(6)]
    for i, sid in enumerate(ids):
        service.start(kan, f"owner-{i}", now=T0, session_id=sid)
    results = run_all([lambda sid=sid: service.help(sid, "bo", now=T0) for sid in ids])  # type: ignore[misc]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 4
    assert all(isinstance(r, HelperLimitError) for r in refused)
    assert sum("bo" in service.get(sid).helpers for sid in ids) == 2
    assert service.helps_used("kan", "bo") == 2


def test_orders_never_oversell(store: Store) -> None:
    service = BargainService(store, attempts=200)
    kan = campaign(terms(helpers_needed=1, initiator_cuts_first=False, stock=3))
    ids = [f"s{i}" for i in range(8)]
    for i, sid in enumerate(ids):
        service.start(kan, f"owner-{i}", now=T0, session_id=sid)
        service.help(sid, f"friend-{i}", now=T0)
    results = run_all(
        [
            lambda i=i, sid=sid: service.order(sid, f"o-{i}", f"owner-{i}", now=T0)  # type: ignore[misc]
            for i, sid in enumerate(ids)
        ]
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 5
    assert all(isinstance(r, OutOfStockError) for r in refused)
    assert sum(service.get(sid).status is Status.ORDERED for sid in ids) == 3
    assert service.stock_taken("kan") == 3
