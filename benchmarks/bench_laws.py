"""Conformance-law benchmark: every mechanic the default host knows, every law it must obey.

Runs each mechanic's laws as the test suite does (``tests/testing/test_mechanic_laws.py``,
15 examples per law unless ``PROMOCORE_LAW_EXAMPLES`` says otherwise), with no example
database, so every example is drawn anew as in a fresh CI checkout. Prints, per mechanic
and per law, the wall and process time (``time.process_time``, which a loaded machine
disturbs less), as Markdown tables ready for ``docs/benchmarks.md``; the 1-minute load
average is printed before and after.

Run: .venv/bin/python benchmarks/bench_laws.py
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import hypothesis  # noqa: E402
from _common import cpu_model  # noqa: E402

from promocore.plugins import make_host  # noqa: E402
from promocore.testing import law_cases  # noqa: E402

EXAMPLES = int(os.environ.get("PROMOCORE_LAW_EXAMPLES", "15"))


def main() -> int:
    print(f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"hypothesis {hypothesis.__version__}, {EXAMPLES} examples per law")
    print(f"load before: {os.getloadavg()[0]:.1f}")
    fresh = hypothesis.settings(database=None)
    start, start_cpu = time.perf_counter(), time.process_time()
    cases = law_cases(host=make_host(), settings=fresh, max_examples=EXAMPLES)
    setup = time.perf_counter() - start, time.process_time() - start_cpu
    by_mechanic: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    by_law: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for case in cases:
        start, start_cpu = time.perf_counter(), time.process_time()
        case.check()
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        for table, key in ((by_mechanic, case.mechanic.name), (by_law, case.law.name)):
            table[key][0] += wall
            table[key][1] += cpu
    print(f"load after: {os.getloadavg()[0]:.1f}")
    print(f"\n{len(cases)} cases; building them took {setup[0]:.2f} s wall, {setup[1]:.2f} s cpu\n")
    for title, table in (("mechanic", by_mechanic), ("law", by_law)):
        print(f"| {title} | wall s | cpu s |")
        print("| --- | ---: | ---: |")
        for key, (wall, cpu) in sorted(table.items(), key=lambda item: -item[1][1]):
            print(f"| {key} | {wall:.2f} | {cpu:.2f} |")
        wall_sum = sum(v[0] for v in table.values())
        cpu_sum = sum(v[1] for v in table.values())
        print(f"| all | {wall_sum:.2f} | {cpu_sum:.2f} |\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
