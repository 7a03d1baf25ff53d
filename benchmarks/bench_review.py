"""The whole campaign review of ten million orders: DuckDB from Parquet, and numpy in memory.

Run from the repository root:

    .venv/bin/python benchmarks/bench_review.py [--customers 2000000] [--repeat 3]

Simulates the sample shop at scale (``synthetic_shop``: three campaigns with holdouts)
and writes its orders to a Parquet file once (kept in the temporary directory between
runs). Then times, ``--repeat`` times each:

* DuckDB: open the Parquet file, reduce it to the review's sufficient statistics
  inside DuckDB (``reduce_table``), and build the review (goals, alerts, cohorts, CLV,
  comparison) from them: the ``promocore review`` path without the HTML;
* numpy: the same orders already in memory as numpy columns, reduced with
  ``reduce_orders`` and built into the same review.

Both give the same review (checked). Prints the machine, the load and one Markdown
table row per case, ready to paste into docs/benchmarks.md: best and median wall time,
and the CPU time of the best run (all threads: DuckDB uses every core), which says
more than wall time when the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from bench_analytics import cpu_model  # the scripts' folder is on sys.path

from promocore.analytics.campaign_report import build_review
from promocore.analytics.order_stats import ReviewStats
from promocore.analytics.plan import load_review_plan
from promocore.analytics.reduce import reduce_orders
from promocore.analytics.synthetic import synthetic_shop

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "src" / "promocore" / "analytics" / "sample_data" / "review.toml"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float, object]:
    """Best and median wall time, and the CPU time (all threads) of the best run."""
    times = []
    cpu = []
    result: object = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    best = min(range(repeat), key=times.__getitem__)
    return times[best], statistics.median(times), cpu[best], result


def write_parquet(path: Path, orders: dict[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "customer_id": pa.array(orders["customer_id"], pa.int64()),
            "at": pa.array(orders["at"], pa.timestamp("us", tz="UTC")),
            "amount": pa.array(orders["amount"], pa.int64()),
            "discount": pa.array(orders["discount"], pa.int64()),
            "campaign": pa.array(np.where(orders["campaign"] == "", None, orders["campaign"])),
            "holdout": pa.array(orders["holdout"], pa.bool_()),
        }
    )
    pq.write_table(table, path, row_group_size=1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    import duckdb
    import ibis

    from promocore.analytics.warehouse import connect, read_table, reduce_table

    plan = load_review_plan(PLAN)
    started = time.perf_counter()
    shop = synthetic_shop(customers=args.customers, seed=args.seed)
    orders = shop.orders
    n = int(orders["amount"].size)
    made = time.perf_counter() - started
    path = Path(tempfile.gettempdir()) / f"promocore-review-{args.customers}-{args.seed}.parquet"
    if not path.exists():
        write_parquet(path, orders)
    print(f"# {n:,} orders of {args.customers:,} customers (simulated in {made:.1f} s), {path}")
    print(
        f"# machine: {os.cpu_count()} CPUs, {cpu_model()}, {platform.platform()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"duckdb {duckdb.__version__}, ibis {ibis.__version__}"
    )
    print(f"# load average before: {load()}")

    query = plan.query()

    def in_duckdb() -> ReviewStats:
        con = connect()
        return reduce_table(read_table(path, connection=con), query)

    def in_numpy() -> ReviewStats:
        return reduce_orders(
            query=query,
            customer_ids=orders["customer_id"],
            at=orders["at"],
            amounts=orders["amount"],
            discounts=orders["discount"],
            campaigns=orders["campaign"],
            holdout=orders["holdout"],
        )

    rows = []
    results = {}
    for name, reduce in (("DuckDB from Parquet", in_duckdb), ("numpy in memory", in_numpy)):

        def review(reduce: Callable[[], ReviewStats] = reduce) -> object:
            return build_review(reduce(), plan)

        best, median, cpu, stats = timed(review, args.repeat)
        results[name] = stats
        rows.append(f"| whole review, {name} | {n:,} | {best:.2f} | {median:.2f} | {cpu:.2f} |")
    a, b = (r.to_dict() for r in results.values())  # type: ignore[attr-defined]
    assert a == b, "DuckDB and numpy disagree"
    print(f"# load average after: {load()}")
    print("| case | orders | best wall (s) | median wall (s) | CPU of best (s) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()
