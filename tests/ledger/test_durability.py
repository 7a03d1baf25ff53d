"""The server itself is killed with SIGKILL mid-run and started again: nothing acknowledged is lost.

Eight processes sell units (reserve, then commit) as fast as they can. Once a few hundred
sales were acknowledged, the database server is killed with SIGKILL (for SQLite, which has no
server, the processes themselves are) and started again on the same files. Then every sale
whose commit returned must be committed, every acknowledged hold must still be there (held,
or committed if its commit ran without an answer), the counters must equal what the
reservations hold, and selling the rest must end exactly at the limit, so that nothing
acknowledged before the crash can be sold twice.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from multiprocessing.queues import Queue
from pathlib import Path

import pytest

from promocore.ledger import AccountSpec, Draw, Ledger, ReservationRefusedError, ReservationStatus
from promocore.money import Money
from tests import servers
from tests.conftest import server_unavailable
from tests.ledger.targets import Target
from tests.ledger.test_concurrency import CONTEXT, PROCESSES
from tests.ledger.workers import sell_until_stopped

STOCK = 3_000
KILL_AFTER = 300  # acknowledged commits before the crash


def verify_after_restart(ledger: Ledger, acks: list[tuple[str, str, int]]) -> None:
    committed = {key: amount for what, key, amount in acks if what == "committed"}
    held = {key for what, key, _ in acks if what == "held"}
    assert len(committed) >= KILL_AFTER
    for key, amount in committed.items():
        view = ledger.reservation(key)
        assert view is not None, f"{key}: committed before the crash, gone after it"
        assert view.status is ReservationStatus.COMMITTED, key
        assert view.granted("budget") == amount
    for key in held - committed.keys():
        view = ledger.reservation(key)
        assert view is not None, f"{key}: held before the crash, gone after it"
        assert view.status in (ReservationStatus.HELD, ReservationStatus.COMMITTED)
    counted = {ReservationStatus.HELD: 0, ReservationStatus.COMMITTED: 0}
    for worker in range(PROCESSES):
        n = 0
        while (view := ledger.reservation(f"w{worker}-{n}")) is not None:
            counted[view.status] += view.granted("stock")
            n += 1
        assert ledger.reservation(f"w{worker}-{n + 1}") is None
    stock = ledger.balance("stock")
    assert (stock.reserved, stock.committed) == (
        counted[ReservationStatus.HELD],
        counted[ReservationStatus.COMMITTED],
    )
    budget = ledger.balance("budget")
    assert (budget.reserved, budget.committed) == (100 * stock.reserved, 100 * stock.committed)
    sold_after = 0
    while True:
        try:
            ledger.reserve_and_commit(f"after-{sold_after}", [Draw.stock("stock", 1)])
        except ReservationRefusedError:
            break
        sold_after += 1
    stock = ledger.balance("stock")
    assert stock.committed + stock.reserved == STOCK
    assert len(committed) + sold_after <= STOCK  # nothing acknowledged is sold again


def crash_mid_run(target: Target, crash: Callable[[list[int]], None]) -> list[tuple[str, str, int]]:
    """Run the sellers, call ``crash`` with their pids once enough sales are in; return the acks."""
    ledger = target.open()
    ledger.define(AccountSpec.stock("stock", STOCK))
    ledger.define(AccountSpec.budget("budget", Money(10**12, "CNY")))
    ledger.close()
    go = CONTEXT.Event()
    queue: Queue[tuple[str, str, int]] = CONTEXT.Queue()
    children = [
        CONTEXT.Process(target=sell_until_stopped, args=(target, worker, queue, go))
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    go.set()
    acks: list[tuple[str, str, int]] = []
    crashed = False
    stopped = 0
    deadline = time.monotonic() + 180
    while stopped < PROCESSES:
        assert time.monotonic() < deadline, "the sellers neither sold nor stopped"
        try:
            ack = queue.get(timeout=0.5)
        except Exception:
            if crashed and all(not c.is_alive() for c in children):
                break
            continue
        if ack[0] == "stopped":
            stopped += 1
            assert crashed, f"a seller stopped before the crash: {ack[1]}"
            continue
        acks.append(ack)
        if not crashed and sum(1 for a in acks if a[0] == "committed") >= KILL_AFTER:
            crash([c.pid for c in children if c.pid is not None])
            crashed = True
    for child in children:
        child.join(30)
    assert crashed
    return acks


@pytest.fixture
def durable_postgres() -> Iterator[servers.PostgresServer]:
    bin_dir = servers.find_postgres_bin()
    if bin_dir is None:
        server_unavailable("PostgreSQL server binaries (initdb, postgres) were not found")
    settings = ("fsync=on", "synchronous_commit=on", "full_page_writes=on")
    with servers.run_postgres(bin_dir, settings=settings) as server:
        yield server


@pytest.mark.slow
def test_postgres_with_synchronous_commit_loses_no_committed_reservation(
    durable_postgres: servers.PostgresServer, unique_name: str
) -> None:
    target = Target("postgres", durable_postgres.conninfo, unique_name, retry_for=0.0)

    def crash(_: list[int]) -> None:
        durable_postgres.kill()
        durable_postgres.start()

    acks = crash_mid_run(target, crash)
    ledger = target.open()
    verify_after_restart(ledger, acks)
    ledger.close()


@pytest.mark.slow
@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_redis_with_an_append_only_file_never_oversells_after_a_restart(
    fsync: str, unique_name: str
) -> None:
    binary = servers.find_redis_server()
    if binary is None:
        server_unavailable("redis-server is not installed")
    extra = ["--appendonly", "yes", "--appendfsync", fsync]
    with servers.run_redis(binary, extra=extra) as server:
        target = Target("redis", server.url, unique_name, retry_for=0.0)

        def crash(_: list[int]) -> None:
            server.kill()
            server.start()

        acks = crash_mid_run(target, crash)
        ledger = target.open()
        verify_after_restart(ledger, acks)
        ledger.close()


@pytest.mark.slow
def test_sqlite_in_durable_mode_loses_nothing_when_its_processes_are_killed(
    tmp_path: Path,
) -> None:
    target = Target("sqlite", str(tmp_path / "ledger.sqlite3"), durable=True)

    def crash(pids: list[int]) -> None:
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    acks = crash_mid_run(target, crash)
    ledger = target.open()
    verify_after_restart(ledger, acks)
    ledger.close()


def test_sqlite_syncs_every_commit_unless_told_otherwise(tmp_path: Path) -> None:
    from promocore.backends.sqlite import SqliteDatabase

    durable = SqliteDatabase(tmp_path / "durable.sqlite3")
    relaxed = SqliteDatabase(tmp_path / "relaxed.sqlite3", durable=False)
    full, normal = 2, 1  # PRAGMA synchronous values
    assert durable.query("PRAGMA synchronous") == [(full,)]
    assert relaxed.query("PRAGMA synchronous") == [(normal,)]
    assert durable.query("PRAGMA journal_mode") == [("wal",)]
    durable.close()
    relaxed.close()
