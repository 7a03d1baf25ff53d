"""Many processes against one ledger: no overspending, no double draws, crash recovery."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.queues import Queue

import pytest

from promocore.ledger import AccountSpec, Draw, Ledger, MemoryLedger, ReservationRefusedError
from promocore.money import Money
from tests.ledger.targets import Target
from tests.ledger.workers import hammer_into, hold_until_killed, stream_amounts

PROCESSES = 8
PER_PROCESS = 2_000
STREAMS = PROCESSES // 2  # two processes share each key stream
BUDGET = 25_000  # about a fifth of what the streams ask for
STOCK = 1_000_000

CONTEXT: ForkContext | SpawnContext = (
    multiprocessing.get_context("fork")
    if os.name == "posix"
    else multiprocessing.get_context("spawn")
)


def define(ledger: Ledger, budget: int = BUDGET, stock: int = STOCK) -> None:
    ledger.define(AccountSpec.budget("budget", Money(budget, "CNY")))
    ledger.define(AccountSpec.stock("stock", stock))


@pytest.mark.slow
def test_processes_never_overspend_and_exhaust_exactly(shared_target: Target) -> None:
    ledger = shared_target.open()
    define(ledger)
    asked = {
        f"s{stream}-{n}": amount
        for stream in range(STREAMS)
        for n, amount in enumerate(stream_amounts(stream, PER_PROCESS))
    }
    assert sum(asked.values()) > 3 * BUDGET
    go = CONTEXT.Event()
    queue: Queue[tuple[int, dict[str, int] | str]] = CONTEXT.Queue()
    children = [
        CONTEXT.Process(
            target=hammer_into,
            args=(queue, worker, shared_target, worker % STREAMS, PER_PROCESS, go),
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    go.set()
    results = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
    failures = [outcome for _, outcome in results if isinstance(outcome, str)]
    assert not failures, failures
    by_key: dict[str, int] = {}
    for _, outcome in results:
        assert not isinstance(outcome, str)
        for key, granted in outcome.items():
            assert by_key.setdefault(key, granted) == granted, key
    assert len(by_key) == STREAMS * PER_PROCESS
    budget = ledger.balance("budget")
    stock = ledger.balance("stock")
    assert budget.reserved == 0 and stock.reserved == 0
    assert budget.committed == BUDGET == sum(by_key.values())
    assert stock.committed == sum(1 for granted in by_key.values() if granted)
    shorts = [key for key, granted in by_key.items() if 0 < granted < asked[key]]
    assert len(shorts) <= 1  # only the order that took the last of the budget got less
    ledger.close()


@pytest.mark.slow
def test_threads_share_a_memory_ledger_safely() -> None:
    ledger = MemoryLedger()
    define(ledger, budget=5_000)
    totals: list[int] = []
    lock = threading.Lock()

    def work(stream: int) -> None:
        got = 0
        for n, amount in enumerate(stream_amounts(stream, 500)):
            key = f"s{stream}-{n}"
            items = [Draw.budget("budget", Money(amount, "CNY"), partial=True)]
            try:
                got += ledger.reserve(key, items, timedelta(minutes=5)).grants[0].amount
                ledger.commit(key)
            except ReservationRefusedError:
                pass
        with lock:
            totals.append(got)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(totals) == 5_000 == ledger.balance("budget").committed


@pytest.mark.slow
def test_killed_process_holds_come_back_after_the_ttl(shared_target: Target) -> None:
    ttl = 30.0
    ledger = shared_target.open()
    define(ledger, budget=1_000, stock=50)
    ready = CONTEXT.Event()
    started = datetime.now(UTC)
    child = CONTEXT.Process(target=hold_until_killed, args=(shared_target, ready, ttl))
    child.start()
    try:
        assert ready.wait(60), "the child made no reservations"
        time.sleep(0.05)
    finally:
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(30)
    assert child.exitcode == -signal.SIGKILL
    held = ledger.balance("stock")
    assert held.reserved >= 20 and held.committed == 0
    assert ledger.balance("budget").reserved == 10 * held.reserved
    after_ttl = started + timedelta(seconds=ttl + 5)
    assert ledger.balance("stock", now=after_ttl).reserved == 0
    budget = ledger.balance("budget", now=after_ttl)
    assert (budget.reserved, budget.committed, budget.available) == (0, 0, 1_000)
    assert ledger.sweep(now=after_ttl) == 0
    ledger.close()


@pytest.mark.slow
def test_sweep_alone_reclaims_a_killed_process_holds(shared_target: Target) -> None:
    ledger = shared_target.open()
    define(ledger, budget=1_000, stock=50)
    ready = CONTEXT.Event()
    started = datetime.now(UTC)
    child = CONTEXT.Process(target=hold_until_killed, args=(shared_target, ready, 30.0))
    child.start()
    assert ready.wait(60)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    child.join(30)
    held = ledger.balance("stock").reserved
    assert held >= 20
    assert ledger.sweep(now=started + timedelta(seconds=40)) == held
    assert ledger.balance("budget", now=started + timedelta(seconds=40)).available == 1_000
    ledger.close()
