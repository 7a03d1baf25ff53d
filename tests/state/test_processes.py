"""Several processes updating the same records through one store."""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.context import ForkContext, SpawnContext

import pytest

from promocore.games import RetryPolicy, Runner
from tests.state.counter import COUNTER, Bump
from tests.state.targets import StoreTarget

CONTEXT: ForkContext | SpawnContext = (
    multiprocessing.get_context("fork")
    if os.name == "posix"
    else multiprocessing.get_context("spawn")
)
PROCESSES = 4
UPDATES = 50


def work(target: StoreTarget) -> None:
    store = target.open()
    runner = Runner(store, COUNTER, retry=RetryPolicy(attempts=10_000))
    for _ in range(UPDATES):
        runner.apply("shared", Bump())
    store.close()


@pytest.mark.slow
def test_no_update_is_lost_across_processes(shared_store_target: StoreTarget) -> None:
    children = [CONTEXT.Process(target=work, args=(shared_store_target,)) for _ in range(PROCESSES)]
    for child in children:
        child.start()
    for child in children:
        child.join(120)
        assert child.exitcode == 0
    store = shared_store_target.open()
    record = store.get("counter", "shared")
    assert record is not None
    assert record.payload["n"] == PROCESSES * UPDATES
    assert record.version == PROCESSES * UPDATES
    store.close()
