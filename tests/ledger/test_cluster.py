"""The ledger on a Redis Cluster: one slot per ledger, failover of its master, WAIT."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from datetime import timedelta
from multiprocessing.queues import Queue

import pytest

from promocore.backends.errors import NotReplicatedError
from promocore.backends.redis import hash_tag
from promocore.errors import ValidationError
from promocore.ledger import AccountSpec, Draw, ReservationStatus
from promocore.ledger.redis import RedisLedger
from tests import servers
from tests.conftest import server_unavailable
from tests.ledger.targets import Target
from tests.ledger.test_concurrency import CONTEXT, PROCESSES, STREAMS, define
from tests.ledger.workers import hammer_patiently_into, stream_amounts

PER_PROCESS = 600
BUDGET = 8_000  # about a quarter of what the streams ask for
TTL = timedelta(minutes=5)


@pytest.fixture
def own_cluster() -> Iterator[servers.RedisCluster]:
    """A cluster of this test's own, since the test kills one of its masters."""
    binary = servers.find_redis_server()
    if binary is None or servers.find_redis_cli(binary) is None:
        server_unavailable("redis-server and redis-cli are needed for a Redis Cluster")
    with servers.run_redis_cluster(binary) as cluster:
        yield cluster


def test_keys_of_one_ledger_share_one_slot(redis_cluster: servers.RedisCluster) -> None:
    ledger = RedisLedger(redis_cluster.url, prefix="{sale-42}:")
    ledger.define(AccountSpec.stock("stock", 10))
    ledger.define(AccountSpec.usage("once", 1))
    ledger.reserve("k", [Draw.stock("stock", 2), Draw.use("once", "c-1")], TTL)
    ledger.commit("k")
    client = ledger.client
    keys = [k.decode() for k in client.keys("{sale-42}:*", target_nodes=client.ALL_NODES)]
    assert len(keys) >= 3 and all(hash_tag(k) == "sale-42" for k in keys)
    assert len({client.keyslot(k) for k in keys}) == 1
    other = RedisLedger(redis_cluster.url, prefix="{sale-43}:")
    assert client.keyslot("{sale-43}:expiry") != client.keyslot("{sale-42}:expiry")
    other.define(AccountSpec.stock("stock", 1))
    assert other.balance("stock").available == 1
    assert ledger.balance("stock").committed == 2
    ledger.close()
    other.close()


def test_a_cluster_needs_a_hash_tag(redis_cluster: servers.RedisCluster) -> None:
    with pytest.raises(ValidationError, match=r"^prefix: must hold a hash tag"):
        RedisLedger(redis_cluster.url, prefix="promo:")


def test_wait_refuses_to_confirm_without_replicas(redis_server: servers.RedisServer) -> None:
    ledger = RedisLedger(
        redis_server.url, prefix="wait-test:", replicas=1, wait_timeout=timedelta(milliseconds=50)
    )
    unconfirmed = RedisLedger(redis_server.url, prefix="wait-test:")
    with pytest.raises(NotReplicatedError) as info:
        ledger.define(AccountSpec.stock("stock", 5))
    assert (info.value.wanted, info.value.acknowledged) == (1, 0)
    assert isinstance(info.value, TimeoutError)
    assert unconfirmed.balance("stock").limit == 5  # applied, only not confirmed
    with pytest.raises(NotReplicatedError):
        ledger.reserve("k", [Draw.stock("stock", 2)], TTL)
    with pytest.raises(NotReplicatedError):  # a retry finds the reservation and waits again
        ledger.reserve("k", [Draw.stock("stock", 2)], TTL)
    held = unconfirmed.reservation("k")
    assert held is not None and held.status is ReservationStatus.HELD
    assert unconfirmed.balance("stock").reserved == 2
    ledger.close()
    unconfirmed.close()


@pytest.mark.slow
def test_contention_survives_a_master_failover(
    own_cluster: servers.RedisCluster, unique_name: str
) -> None:
    target = Target("redis-cluster", own_cluster.url, unique_name, replicas=1)
    ledger = target.open()
    define(ledger, budget=BUDGET)
    go = CONTEXT.Event()
    progress = CONTEXT.Value("i", 0)
    queue: Queue[tuple[int, dict[str, int] | str]] = CONTEXT.Queue()
    children = [
        CONTEXT.Process(
            target=hammer_patiently_into,
            args=(queue, worker, target, worker % STREAMS, PER_PROCESS, go, progress),
        )
        for worker in range(PROCESSES)
    ]
    for child in children:
        child.start()
    go.set()
    deadline = time.monotonic() + 120
    while progress.value < PROCESSES * PER_PROCESS // 4:
        assert time.monotonic() < deadline, "the workers made no progress"
        time.sleep(0.02)
    master = own_cluster.master_of(target.prefix + "expiry")
    own_cluster.node(master).kill()
    while own_cluster.master_of(target.prefix + "expiry") == master:
        assert time.monotonic() < deadline, "no replica took over"
        time.sleep(0.1)
    own_cluster.node(master).start()  # it comes back as a replica of the new master
    killed_at = progress.value
    results = [queue.get(timeout=300) for _ in children]
    for child in children:
        child.join(60)
    failures = [outcome for _, outcome in results if isinstance(outcome, str)]
    assert not failures, failures
    assert killed_at < PROCESSES * PER_PROCESS  # the master died mid-run
    by_key: dict[str, int] = {}
    for _, outcome in results:
        assert not isinstance(outcome, str)
        for key, granted in outcome.items():
            assert by_key.setdefault(key, granted) == granted, key  # no double draw
    assert len(by_key) == STREAMS * PER_PROCESS
    budget = ledger.balance("budget")
    stock = ledger.balance("stock")
    assert budget.reserved == 0 and stock.reserved == 0
    assert budget.committed == BUDGET == sum(by_key.values())  # no overspend, nothing lost
    assert stock.committed == sum(1 for granted in by_key.values() if granted)
    asked = {
        f"s{s}-{n}": a for s in range(STREAMS) for n, a in enumerate(stream_amounts(s, PER_PROCESS))
    }
    assert len([k for k, g in by_key.items() if 0 < g < asked[k]]) <= 1
    ledger.close()


def test_the_cluster_fixture_spreads_slots_over_three_masters(
    redis_cluster: servers.RedisCluster,
) -> None:
    masters = {redis_cluster.master_of(f"{{tag-{n}}}") for n in range(60)}
    assert len(masters) == 3
    assert multiprocessing.cpu_count() >= 1
