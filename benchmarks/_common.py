"""Helpers shared by the benchmark scripts: the machine's description and a timing loop."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo, or what the platform says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best and median wall time of ``repeat`` runs of ``fn``, after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)
