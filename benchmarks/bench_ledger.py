"""The ledger beside the raw server, like against like, and a flash sale (秒杀).

Run from the repository root:

    .venv/bin/python benchmarks/bench_ledger.py [--count 4000] [--pg-count 1000] [--sale 100000]

Starts its own throw-away redis-server, six-node Redis Cluster and PostgreSQL (as the tests do,
see ``tests/servers.py``). For 1 and 8 processes, in the same run and with the same worker
harness, it times:

* raw Redis: redis-py ``INCRBY`` of one key, one call per operation;
* Redis ledger: ``reserve_and_commit`` of one stock unit (one ``EVALSHA`` per operation), and
  for context ``reserve`` then ``commit`` of a budget and a stock unit (two calls);
* raw PostgreSQL: psycopg ``UPDATE ... SET n = n + 1 WHERE id = 1 RETURNING n`` on one row, in
  autocommit mode, prepared, one connection per process;
* PostgreSQL ledger: ``reserve_and_commit`` of one stock unit (one prepared function call on a
  pooled connection), and the same two-call reservation;
* batches of 100: pipelined ``INCRBY`` and a psycopg pipeline of the ``UPDATE`` (a sync after
  each, so that each is its own transaction, as each request of a batch is), beside
  ``reserve_many(..., commit=True)``.

Every process hits the same key or row (and the ledger the same counter), so each figure is a
contended total over all processes. Each comparison runs in ten rounds that alternate raw and
ledger, so that the load of a shared machine weighs on both alike. PostgreSQL runs with its
durable defaults (fsync and synchronous commit on), which both sides pay; redis-server runs
without persistence for both.

Then the flash sale: ``--sale`` requests for 1,000 units from 8 processes, each request one
``reserve_and_commit`` of a unit and a once-per-customer use, on Redis and the Redis Cluster
(and a tenth of them on PostgreSQL, whose every call waits for a disk sync): throughput,
p50/p99 latency per request and the units sold (exactly 1,000).
Prints the machine, the load and Markdown tables.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    find_postgres_bin,
    find_redis_server,
    run_postgres,
    run_redis,
    run_redis_cluster,
)

from promocore.ledger import (  # noqa: E402
    AccountSpec,
    Draw,
    Ledger,
    ReservationRefusedError,
)
from promocore.money import Money  # noqa: E402

CTX = multiprocessing.get_context("fork")
TTL = timedelta(minutes=30)
BATCH = 100

#: Builds, in a worker process, the function doing operation ``n`` of worker ``tag``.
Factory = Callable[[str], Callable[[int], object]]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# -- the harness --------------------------------------------------------------------------------


def _worker(
    factory: Factory,
    tag: str,
    count: int,
    barrier: Barrier,
    timings: Queue[list[float]] | None,
) -> None:
    op = factory(tag)
    for n in range(min(50, count)):
        op(-1 - n)  # warm up: connections, prepared statements, script cache
    barrier.wait()
    latencies: list[float] = []
    clock = time.perf_counter
    if timings is None:
        for n in range(count):
            op(n)
    else:
        for n in range(count):
            start = clock()
            op(n)
            latencies.append(clock() - start)
    barrier.wait()
    if timings is not None:
        timings.put(latencies)


def measure(
    factory: Factory, processes: int, count: int, run: str, *, latencies: bool = False
) -> tuple[float, list[float]]:
    """Return operations per second over all processes (and each operation's latency)."""
    barrier = CTX.Barrier(processes + 1)
    timings: Queue[list[float]] | None = CTX.Queue() if latencies else None
    children = [
        CTX.Process(target=_worker, args=(factory, f"{run}-{i}", count, barrier, timings))
        for i in range(processes)
    ]
    for child in children:
        child.start()
    barrier.wait()
    start = time.perf_counter()
    barrier.wait()
    elapsed = time.perf_counter() - start
    collected: list[float] = []
    if timings is not None:
        for _ in children:
            collected += timings.get(timeout=120)
    for child in children:
        child.join()
        if child.exitcode != 0:
            raise RuntimeError(f"a worker failed with exit code {child.exitcode}")
    return processes * count / elapsed, collected


#: Every comparison runs in this many rounds, alternating raw and ledger, so that a change of
#: the machine's load in the middle of a run weighs on both alike.
ROUNDS = 10


def interleaved(cases: list[tuple[Factory, int]], processes: int, run: str) -> list[float]:
    """Return each case's operations per second, measured in alternating rounds."""
    seconds = [0.0] * len(cases)
    for round_ in range(ROUNDS):
        for index, (factory, count) in enumerate(cases):
            share = max(count // ROUNDS, 1)
            rate, _ = measure(factory, processes, share, f"{run}-{index}-{round_}")
            seconds[index] += processes * share / rate
    return [
        processes * max(c // ROUNDS, 1) * ROUNDS / t
        for (_, c), t in zip(cases, seconds, strict=True)
    ]


# -- operations ---------------------------------------------------------------------------------


def redis_incrby(url: str) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        import redis

        client = redis.Redis.from_url(url)
        return lambda n: client.incrby("bench:raw", 1)

    return factory


def redis_incrby_batch(url: str) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        import redis

        client = redis.Redis.from_url(url)

        def op(n: int) -> object:
            pipe = client.pipeline(transaction=False)
            for _ in range(BATCH):
                pipe.incrby("bench:raw", 1)
            return pipe.execute()

        return op

    return factory


def pg_update(conninfo: str) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        import psycopg

        conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=0)
        sql = "UPDATE bench_raw SET n = n + 1 WHERE id = 1 RETURNING n"
        return lambda n: conn.execute(sql).fetchone()

    return factory


def pg_update_batch(conninfo: str) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        import psycopg

        conn = psycopg.connect(conninfo, autocommit=True, prepare_threshold=0)
        sql = "UPDATE bench_raw SET n = n + 1 WHERE id = 1 RETURNING n"

        def op(n: int) -> object:
            cursors = []
            with conn.pipeline() as pipeline:
                for _ in range(BATCH):
                    cursors.append(conn.execute(sql))
                    pipeline.sync()  # each its own transaction, as the ledger's batch
            return [c.fetchone() for c in cursors]

        return op

    return factory


def open_ledger(backend: str, where: str, namespace: str) -> Ledger:
    if backend == "sqlite":
        from promocore.ledger.sqlite import SqliteLedger

        return SqliteLedger(where)
    if backend == "postgres":
        from promocore.ledger.postgres import PostgresLedger

        return PostgresLedger(where, schema=namespace, max_size=1)
    if backend in ("redis", "cluster"):
        from promocore.ledger.redis import RedisLedger

        prefix = "{" + namespace + "}:" if backend == "cluster" else namespace + ":"
        return RedisLedger(where, prefix=prefix)
    from promocore.ledger import MemoryLedger

    return MemoryLedger()


def define(ledger: Ledger) -> None:
    ledger.define(AccountSpec.budget("budget", Money(10**15, "CNY")))
    ledger.define(AccountSpec.stock("stock", 10**12))


def ledger_op(where: tuple[str, str, str], kind: str) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        ledger = open_ledger(*where)
        if where[0] == "memory":
            define(ledger)
        unit = [Draw.stock("stock", 1)]
        pair = [Draw.budget("budget", Money(1_00, "CNY"), partial=True), Draw.stock("stock", 1)]
        if kind == "commit-now":
            return lambda n: ledger.reserve_and_commit(f"{tag}-{n}", unit)
        if kind == "batch":

            def batch(n: int) -> object:
                requests = [(f"{tag}-{n}-{i}", unit) for i in range(BATCH)]
                return ledger.reserve_many(requests, commit=True)

            return batch

        def two_calls(n: int) -> object:
            ledger.reserve(f"{tag}-{n}", pair, TTL)
            return ledger.commit(f"{tag}-{n}")

        return two_calls

    return factory


def _sold_note(granted: int) -> str:
    """What the units sold say: more than 1,000 is an oversell; fewer, repeat customers."""
    if granted > 1_000:
        return " (WRONG: oversold)"
    if granted < 1_000:
        return " (not sold out: customers drawn twice are refused their second unit)"
    return ""


def sale_op(where: tuple[str, str, str], customers: int) -> Factory:
    def factory(tag: str) -> Callable[[int], object]:
        ledger = open_ledger(*where)
        rng = random.Random(tag)

        def buy(n: int) -> object:
            customer = f"c{rng.randrange(customers)}"
            items = [Draw.stock("sale", 1), Draw.use("once", customer)]
            try:
                return ledger.reserve_and_commit(f"{tag}-{n}", items)
            except ReservationRefusedError:
                return None

        return buy

    return factory


# -- the run ------------------------------------------------------------------------------------


def machine(versions: dict[str, str]) -> list[str]:
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
        f"- Python {platform.python_version()}; psycopg {psycopg.__version__};"
        f" redis-py {redis.__version__}",
        *(f"- {name}: {version}" for name, version in versions.items()),
        f"- load average at start: {load()}",
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=4000, help="Redis operations per process")
    parser.add_argument("--pg-count", type=int, default=1000, help="PostgreSQL ops per process")
    parser.add_argument("--sale", type=int, default=100_000, help="flash-sale requests")
    options = parser.parse_args()
    count = options.count
    with ExitStack() as stack:
        redis_binary = find_redis_server()
        pg_bin = find_postgres_bin()
        if redis_binary is None or pg_bin is None:
            raise SystemExit("redis-server and PostgreSQL are needed (see tests/servers.py)")
        redis_server = stack.enter_context(run_redis(redis_binary))
        cluster = stack.enter_context(run_redis_cluster(redis_binary))
        pg = stack.enter_context(run_postgres(pg_bin, settings=("max_connections=100",)))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ledger-")))
        versions = {
            "redis-server": subprocess.run(
                [redis_binary, "--version"], capture_output=True, text=True
            ).stdout.split()[2],
            "PostgreSQL": subprocess.run(
                [str(pg.bin_dir / "postgres"), "--version"], capture_output=True, text=True
            ).stdout.strip(),
        }
        print("\n".join(machine(versions)))
        import psycopg

        with psycopg.connect(pg.conninfo, autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_raw (id INT PRIMARY KEY, n BIGINT NOT NULL)")
            conn.execute("INSERT INTO bench_raw VALUES (1, 0)")
        for backend, where in (("postgres", pg.conninfo), ("redis", redis_server.url)):
            ledger = open_ledger(backend, where, "bench")
            define(ledger)
            ledger.close()

        print()
        print("| server | processes | raw ops/s | ledger reserve_and_commit/s | ratio |"
              " ledger reserve + commit (2 calls)/s |")  # fmt: skip
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        cases: list[tuple[str, Factory, tuple[str, str, str]]] = [
            ("Redis", redis_incrby(redis_server.url), ("redis", redis_server.url, "bench")),
            ("PostgreSQL", pg_update(pg.conninfo), ("postgres", pg.conninfo, "bench")),
        ]
        for name, raw, where in cases:
            count = options.count if name == "Redis" else options.pg_count
            for processes in (1, 8):
                raw_rate, ours, two = interleaved(
                    [
                        (raw, count),
                        (ledger_op(where, "commit-now"), count),
                        (ledger_op(where, "two"), count // 2),
                    ],
                    processes,
                    f"{name}-{processes}",
                )
                print(
                    f"| {name} | {processes} | {raw_rate:,.0f} | {ours:,.0f} |"
                    f" {ours / raw_rate:.0%} | {two:,.0f} |",
                    flush=True,
                )
        print()
        print(f"| server | processes | raw, batches of {BATCH} (ops/s) |"
              f" reserve_many of {BATCH}, commit=True (reservations/s) | ratio |")  # fmt: skip
        print("| --- | ---: | ---: | ---: | ---: |")
        batches: list[tuple[str, Factory, tuple[str, str, str]]] = [
            ("Redis", redis_incrby_batch(redis_server.url), ("redis", redis_server.url, "bench")),
            ("PostgreSQL", pg_update_batch(pg.conninfo), ("postgres", pg.conninfo, "bench")),
        ]
        for name, raw, where in batches:
            count = options.count if name == "Redis" else options.pg_count
            for processes in (1, 8):
                per = max(count // (BATCH * 4), 5) * ROUNDS
                raw_rate, ours = interleaved(
                    [(raw, per), (ledger_op(where, "batch"), per)],
                    processes,
                    f"{name}-batch-{processes}",
                )
                print(
                    f"| {name} | {processes} | {raw_rate * BATCH:,.0f} | {ours * BATCH:,.0f} |"
                    f" {ours / raw_rate:.0%} |",
                    flush=True,
                )
        print()
        print("| embedded | processes | reserve_and_commit/s | reserve + commit (2 calls)/s |")
        print("| --- | ---: | ---: | ---: |")
        count = options.pg_count
        for backend, processes in (("memory", 1), ("sqlite", 1), ("sqlite", 8)):
            where = (backend, str(workdir / "ledger.sqlite3"), "bench")
            if backend == "sqlite":
                ledger = open_ledger(*where)
                define(ledger)
                ledger.close()
            scale = 20 if backend == "memory" else 1
            ours, _ = measure(ledger_op(where, "commit-now"), processes, count * scale, "e-now")
            two, _ = measure(ledger_op(where, "two"), processes, count * scale // 2, "e-two")
            label = "in-memory" if backend == "memory" else "SQLite (durable)"
            print(f"| {label} | {processes} | {ours:,.0f} | {two:,.0f} |", flush=True)
        print()
        print("Flash sale: requests for 1,000 units from 8 processes, one reserve_and_commit of a"
              " unit and a once-per-customer use each")  # fmt: skip
        print()
        print("| server | requests | requests/s | p50 ms | p99 ms | units sold |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        sales = [
            ("Redis", ("redis", redis_server.url, "sale")),
            ("Redis Cluster", ("cluster", cluster.url, "sale")),
            ("PostgreSQL", ("postgres", pg.conninfo, "sale")),
        ]
        for name, where in sales:
            requests = options.sale if name != "PostgreSQL" else options.sale // 10
            ledger = open_ledger(*where)
            ledger.define(AccountSpec.stock("sale", 1_000))
            ledger.define(AccountSpec.usage("once", 1))
            rate, latencies = measure(
                sale_op(where, customers=requests // 2),
                8,
                requests // 8,
                f"sale-{name}",
                latencies=True,
            )
            stock = ledger.balance("sale")
            granted = stock.committed
            ledger.close()
            print(
                f"| {name} | {requests:,} | {rate:,.0f} | {percentile(latencies, 0.5) * 1000:.2f} |"
                f" {percentile(latencies, 0.99) * 1000:.2f} |"
                f" {granted:,}{_sold_note(granted)} |",
                flush=True,
            )
    print(f"\nload average at end: {load()}")


if __name__ == "__main__":
    main()
