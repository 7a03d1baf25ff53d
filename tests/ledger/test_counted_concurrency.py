"""Eight processes check out against one ledger: gift stock, "first N" and per-customer limits
are exhausted exactly and never exceeded, and a retried checkout never takes twice."""

from __future__ import annotations

from collections import Counter
from multiprocessing.queues import Queue

import pytest

from tests.ledger.checkout_workers import (
    CUSTOMERS,
    FIRST,
    GIFTS,
    RESOURCES,
    Outcome,
    customer_of,
    shop_into,
)
from tests.ledger.targets import Target
from tests.ledger.test_concurrency import CONTEXT

PROCESSES = 8
STREAMS = PROCESSES // 2  # two processes check out every order, racing on its key
PER_STREAM = 60  # 240 orders: more than the gifts, the first N and the customers


@pytest.mark.slow
def test_counted_resources_are_exhausted_exactly_under_eight_processes(
    shared_target: Target,
) -> None:
    ledger = shared_target.open()
    RESOURCES.define(ledger)
    go = CONTEXT.Event()
    queue: Queue[tuple[int, dict[str, Outcome] | str]] = CONTEXT.Queue()
    children = [
        CONTEXT.Process(
            target=shop_into, args=(queue, worker, shared_target, worker % STREAMS, PER_STREAM, go)
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    go.set()
    results = [queue.get(timeout=600) for _ in children]
    for child in children:
        child.join(60)
    failures = [outcome for _, outcome in results if isinstance(outcome, str)]
    assert not failures, failures
    by_key: dict[str, Outcome] = {}
    for _, outcomes in results:
        assert not isinstance(outcomes, str)
        for key, outcome in outcomes.items():
            # Both processes checking out an order got the very same quote and grants.
            assert by_key.setdefault(key, outcome) == outcome, key
    assert len(by_key) == STREAMS * PER_STREAM

    mugs = sum(outcome[1] for outcome in by_key.values())
    assert mugs == GIFTS
    gift = ledger.balance("gift:mug:mug")
    assert (gift.committed, gift.reserved) == (GIFTS, 0)

    firsts = [key for key, outcome in by_key.items() if "first" in outcome[0]]
    assert len(firsts) == FIRST
    redemptions = ledger.balance("redemptions:first")
    assert (redemptions.committed, redemptions.reserved) == (FIRST, 0)
    assert ledger.balance("budget:first").committed == 1_000 * FIRST

    once = Counter(
        customer_of(int(key[1 : key.index("-")]), int(key[key.index("-") + 1 :]))
        for key, outcome in by_key.items()
        if "once" in outcome[0]
    )
    assert len(once) == CUSTOMERS and set(once.values()) == {1}
    for customer in once:
        uses = ledger.balance("uses:once", customer)
        assert (uses.committed, uses.reserved) == (1, 0)

    # What the customers paid matches what the campaigns that applied took off.
    for outcome in by_key.values():
        applied, _, total, grants = outcome
        off = (1_000 if "first" in applied else 0) + (500 if "once" in applied else 0)
        assert total == 15_000 - off
        assert ("budget:first", "", 1_000) in grants if "first" in applied else True
    ledger.close()
