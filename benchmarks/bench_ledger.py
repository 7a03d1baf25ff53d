"""Reservations per second of each ledger backend, beside the raw server figures.

Run from the repository root:

    .venv/bin/python benchmarks/bench_ledger.py [--count 2000] [--backends memory,sqlite,...]

Starts a throw-away redis-server and PostgreSQL (as the tests do, see
``tests/servers.py``), then, for 1 and 8 processes, times reservations that each
draw a budget (partial) and a stock unit and are then committed: one
"reservation" below is one ``reserve`` plus one ``commit`` call. Budgets and
stock are large enough that nothing is refused. Beside them, the servers' own
figures on the same machine: ``redis-benchmark`` INCRBY, ``pgbench`` running a
bare conditional UPDATE of one budget row, and a bare ``BEGIN IMMEDIATE``
UPDATE loop on SQLite.

Servers run with durable settings (PostgreSQL defaults, fsync on; SQLite
``synchronous=FULL``); redis-server runs without persistence, as it does by
default in most caches, so its figure is an upper bound for an AOF setup.
Prints the machine and a Markdown table.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    PostgresServer,
    RedisServer,
    find_postgres_bin,
    find_redis_server,
    run_postgres,
    run_redis,
)

from promocore.ledger import AccountSpec, Draw, Ledger, MemoryLedger  # noqa: E402
from promocore.money import Money  # noqa: E402

TTL = timedelta(minutes=30)
PROCESS_COUNTS = (1, 8)
CTX = multiprocessing.get_context("fork")

Opener = Callable[[], Ledger]


def open_ledger(backend: str, where: str, namespace: str) -> Ledger:
    if backend == "sqlite":
        from promocore.ledger.sqlite import SqliteLedger

        return SqliteLedger(where)
    if backend == "postgres":
        from promocore.ledger.postgres import PostgresLedger

        return PostgresLedger(where, schema=namespace)
    if backend == "redis":
        from promocore.ledger.redis import RedisLedger

        return RedisLedger(where, prefix=namespace + ":")
    return MemoryLedger()


def define(ledger: Ledger) -> None:
    ledger.define(AccountSpec.budget("budget", Money(10**15, "CNY")))
    ledger.define(AccountSpec.stock("stock", 10**12))


def churn(ledger: Ledger, tag: str, count: int) -> None:
    items = [Draw.budget("budget", Money(1_00, "CNY"), partial=True), Draw.stock("stock", 1)]
    for n in range(count):
        key = f"{tag}-{n}"
        ledger.reserve(key, items, TTL)
        ledger.commit(key)


def worker(args: tuple[str, str, str], tag: str, count: int, barrier: Barrier) -> None:
    ledger = open_ledger(*args)
    churn(ledger, f"warm-{tag}", 20)
    barrier.wait()
    churn(ledger, tag, count)
    barrier.wait()
    ledger.close()


def measure(args: tuple[str, str, str], processes: int, count: int, run: str) -> float:
    """Return reservations (reserve + commit) per second over all processes."""
    ledger = open_ledger(*args)
    define(ledger)
    if args[0] == "memory":
        churn(ledger, f"warm-{run}", 20)
        start = time.perf_counter()
        churn(ledger, run, count)
        return count / (time.perf_counter() - start)
    ledger.close()
    barrier = CTX.Barrier(processes + 1)
    children = [
        CTX.Process(target=worker, args=(args, f"{run}-{i}", count, barrier))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    barrier.wait()
    start = time.perf_counter()
    barrier.wait()
    elapsed = time.perf_counter() - start
    for child in children:
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"a worker failed with exit code {child.exitcode}")
    return processes * count / elapsed


def redis_raw(server: RedisServer, clients: int) -> float:
    out = subprocess.run(
        [
            "redis-benchmark", "-h", server.host, "-p", str(server.port), "-q",
            "-n", "100000", "-c", str(clients), "INCRBY", "budget", "1",
        ],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return float(re.findall(r"([\d.]+) requests per second", out)[-1])


def pgbench_raw(server: PostgresServer, clients: int) -> float:
    import psycopg

    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_budget")
        conn.execute("CREATE TABLE bench_budget (id INT PRIMARY KEY, spent BIGINT, cap BIGINT)")
        conn.execute("INSERT INTO bench_budget VALUES (1, 0, 1000000000000)")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            "UPDATE bench_budget SET spent = spent + 1 WHERE id = 1 AND spent + 1 <= cap;\n"
        )
    try:
        out = subprocess.run(
            [
                str(server.bin_dir / "pgbench"), "-h", server.host, "-p", str(server.port),
                "-U", server.user, "-n", "-f", script.name, "-c", str(clients),
                "-j", str(min(clients, os.cpu_count() or 1)), "-T", "10", server.database,
            ],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    return float(re.findall(r"tps = ([\d.]+)", out)[-1])


def sqlite_raw_worker(path: str, count: int, barrier: Barrier) -> None:
    db = sqlite3.connect(path, timeout=60, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    barrier.wait()
    for _ in range(count):
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE budget SET spent = spent + 1 WHERE id = 1 AND spent + 1 <= cap")
        db.execute("COMMIT")
    barrier.wait()


def sqlite_raw(directory: Path, processes: int, count: int) -> float:
    path = str(directory / f"raw-{processes}.sqlite3")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE budget (id INTEGER PRIMARY KEY, spent INTEGER, cap INTEGER)")
    db.execute("INSERT INTO budget VALUES (1, 0, 1000000000000)")
    db.close()
    barrier = CTX.Barrier(processes + 1)
    children = [
        CTX.Process(target=sqlite_raw_worker, args=(path, count, barrier)) for _ in range(processes)
    ]
    for child in children:
        child.start()
    barrier.wait()
    start = time.perf_counter()
    barrier.wait()
    elapsed = time.perf_counter() - start
    for child in children:
        child.join()
    return processes * count / elapsed


def machine(servers: dict[str, str]) -> list[str]:
    import psycopg
    import redis

    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- nproc: {os.cpu_count()}; CPU: {cpu}; {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; SQLite {sqlite3.sqlite_version};"
        f" psycopg {psycopg.__version__}; redis-py {redis.__version__}",
        *(f"- {name}: {version}" for name, version in servers.items()),
        f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


@contextmanager
def servers(stack: ExitStack) -> Iterator[tuple[RedisServer | None, PostgresServer | None]]:
    redis_binary = find_redis_server()
    pg_bin = find_postgres_bin()
    redis_server = stack.enter_context(run_redis(redis_binary)) if redis_binary else None
    pg_server = (
        stack.enter_context(run_postgres(pg_bin, settings=("max_connections=100",)))
        if pg_bin
        else None
    )
    yield redis_server, pg_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="reservations per process")
    parser.add_argument("--backends", default="memory,sqlite,postgres,redis")
    options = parser.parse_args()
    backends = options.backends.split(",")
    rows: list[str] = []
    with ExitStack() as stack:
        redis_server, pg_server = stack.enter_context(servers(stack))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ledger-")))
        versions: dict[str, str] = {}
        if redis_server:
            versions["redis-server"] = subprocess.run(
                [redis_server.binary, "--version"], capture_output=True, text=True
            ).stdout.split()[2]
        if pg_server:
            versions["PostgreSQL"] = subprocess.run(
                [str(pg_server.bin_dir / "postgres"), "--version"], capture_output=True, text=True
            ).stdout.strip()
        print("\n".join(machine(versions)))
        print()
        print("| backend | processes | reservations/s (reserve + commit) | raw server figure |")
        print("| --- | ---: | ---: | --- |")
        for backend in backends:
            for processes in PROCESS_COUNTS:
                if backend == "memory" and processes > 1:
                    continue
                if backend == "redis" and redis_server is None:
                    continue
                if backend == "postgres" and pg_server is None:
                    continue
                run = f"r{processes}"
                namespace = f"bench{processes}"
                if backend == "sqlite":
                    args = ("sqlite", str(workdir / f"ledger-{processes}.sqlite3"), namespace)
                    raw = f"{sqlite_raw(workdir, processes, options.count):,.0f} bare UPDATE txn/s"
                elif backend == "postgres":
                    assert pg_server is not None
                    from promocore.ledger.postgres import create_schema

                    create_schema(pg_server.conninfo, schema=namespace)
                    args = ("postgres", pg_server.conninfo, namespace)
                    raw = f"{pgbench_raw(pg_server, processes):,.0f} tps pgbench conditional UPDATE"
                elif backend == "redis":
                    assert redis_server is not None
                    args = ("redis", redis_server.url, namespace)
                    raw = f"{redis_raw(redis_server, processes):,.0f} INCRBY/s redis-benchmark"
                else:
                    args = ("memory", "", namespace)
                    raw = "-"
                rate = measure(args, processes, options.count, run)
                row = f"| {backend} | {processes} | {rate:,.0f} | {raw} |"
                rows.append(row)
                print(row, flush=True)
    print(f"\nload average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
