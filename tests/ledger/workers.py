"""Code run in child processes by the concurrency and crash tests."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import timedelta
from multiprocessing.queues import Queue
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from typing import TypeVar

from promocore.backends.errors import BackendError
from promocore.ledger import Draw, Ledger, ReservationRefusedError, ReservationStatus
from promocore.money import Money
from tests.ledger.targets import Target

LONG_TTL = timedelta(minutes=30)
T = TypeVar("T")


def stream_amounts(stream: int, count: int) -> list[int]:
    """The amounts of one key stream; every process working a stream draws the same."""
    rng = random.Random(stream)
    return [rng.randint(1, 100) for _ in range(count)]


def hammer(target: Target, stream: int, count: int, go: Event) -> dict[str, int]:
    """Reserve, retry, commit and retry ``count`` keys of ``stream``; return each grant.

    Two processes work each stream, so every key is reserved and committed
    concurrently by two processes, and each of them also retries every call.
    """
    ledger = target.open()
    go.wait(60)
    granted: dict[str, int] = {}
    for n, amount in enumerate(stream_amounts(stream, count)):
        key = f"s{stream}-{n}"
        items = [Draw.budget("budget", Money(amount, "CNY"), partial=True), Draw.stock("stock", 1)]
        try:
            first = ledger.reserve(key, items, LONG_TTL)
        except ReservationRefusedError as refused:
            assert refused.shortfalls[0].account == "budget", refused
            granted[key] = 0
            continue
        retried = ledger.reserve(key, items, LONG_TTL)
        assert retried.grants == first.grants, (first, retried)
        assert ledger.commit(key).status is ReservationStatus.COMMITTED
        assert ledger.commit(key).grants == first.grants
        granted[key] = first.grants[0].amount
    ledger.close()
    return granted


def hammer_into(
    results: Queue[tuple[int, dict[str, int] | str]],
    worker: int,
    target: Target,
    stream: int,
    count: int,
    go: Event,
) -> None:
    """Run :func:`hammer` and put ``(worker, grants)`` (or the error text) on ``results``."""
    try:
        results.put((worker, hammer(target, stream, count, go)))
    except BaseException as error:
        results.put((worker, f"{type(error).__name__}: {error}"))
        raise


def hold_until_killed(target: Target, ready: Event, ttl_seconds: float) -> None:
    """Keep making reservations (never committing) until the process is killed."""
    ledger = target.open()
    ttl = timedelta(seconds=ttl_seconds)
    n = 0
    while True:
        try:
            ledger.reserve(
                f"crash-{n}",
                [Draw.budget("budget", Money(10, "CNY")), Draw.stock("stock", 1)],
                ttl,
            )
        except ReservationRefusedError:
            time.sleep(0.001)
        n += 1
        if n == 20:
            ready.set()


def patiently(call: Callable[[], T], deadline: float) -> T:
    """Run ``call`` again while the backend is unreachable or unconfirmed, up to ``deadline``.

    Every ledger call is idempotent, so calling it again is always safe.
    """
    while True:
        try:
            return call()
        except BackendError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _one_patiently(ledger: Ledger, key: str, items: list[Draw], deadline: float) -> int:
    """Reserve, retry, commit and retry one key through server failures; return its grant."""
    try:
        first = patiently(lambda: ledger.reserve(key, items, LONG_TTL), deadline)
    except ReservationRefusedError as refused:
        assert refused.shortfalls[0].account == "budget", refused
        return 0
    retried = patiently(lambda: ledger.reserve(key, items, LONG_TTL), deadline)
    assert retried.grants == first.grants, (first, retried)
    committed = patiently(lambda: ledger.commit(key), deadline)
    assert committed.status is ReservationStatus.COMMITTED
    assert patiently(lambda: ledger.commit(key), deadline).grants == first.grants
    return first.grants[0].amount


def hammer_patiently(
    target: Target, stream: int, count: int, go: Event, progress: Synchronized[int]
) -> dict[str, int]:
    """``hammer``, calling again through server failures; counts finished keys in ``progress``."""
    ledger = target.open()
    go.wait(60)
    deadline = time.monotonic() + 240
    granted: dict[str, int] = {}
    for n, amount in enumerate(stream_amounts(stream, count)):
        key = f"s{stream}-{n}"
        items = [Draw.budget("budget", Money(amount, "CNY"), partial=True), Draw.stock("stock", 1)]
        granted[key] = _one_patiently(ledger, key, items, deadline)
        with progress.get_lock():
            progress.value += 1
    ledger.close()
    return granted


def hammer_patiently_into(
    results: Queue[tuple[int, dict[str, int] | str]],
    worker: int,
    target: Target,
    stream: int,
    count: int,
    go: Event,
    progress: Synchronized[int],
) -> None:
    """Run ``hammer_patiently`` and put ``(worker, grants)`` (or the error) on ``results``."""
    try:
        results.put((worker, hammer_patiently(target, stream, count, go, progress)))
    except BaseException as error:
        results.put((worker, f"{type(error).__name__}: {error}"))
        raise


def sell_until_stopped(
    target: Target, worker: int, acks: Queue[tuple[str, str, int]], go: Event
) -> None:
    """Sell units (reserve, then commit) until the server fails or the stock runs out.

    Puts ``("held", key, units)`` once a reserve returned and ``("committed", key, budget)``
    once its commit returned, then ``("stopped", error, 0)`` when a call fails.
    """
    ledger = target.open()
    go.wait(60)
    n = 0
    try:
        while True:
            key = f"w{worker}-{n}"
            items = [Draw.stock("stock", 1), Draw.budget("budget", Money(100, "CNY"))]
            held = ledger.reserve(key, items, LONG_TTL)
            acks.put(("held", key, held.granted("stock")))
            done = ledger.commit(key)
            acks.put(("committed", key, done.granted("budget")))
            n += 1
    except Exception as error:
        acks.put(("stopped", f"{type(error).__name__}: {error}", 0))
