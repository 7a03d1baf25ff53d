"""The Redis runner's direct path: one EVALSHA on a pooled connection, and what happens when
that connection breaks in the middle of a call."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from promocore.ledger import AccountSpec, Draw, ReservationStatus
from promocore.ledger.redis import RedisLedger
from tests import servers


@pytest.fixture
def client(redis_server: servers.RedisServer) -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


def _ledger(client: Any) -> RedisLedger:
    ledger = RedisLedger(client, prefix=f"runner-{uuid.uuid4().hex}:")
    ledger.define(AccountSpec.stock("stock", 3))
    return ledger


def test_a_call_uses_one_pooled_connection_and_gives_it_back(client: Any) -> None:
    ledger = _ledger(client)
    for n in range(5):
        ledger.reserve_and_commit(f"k{n}" if n < 3 else "k0", [Draw.stock("stock", 1)])
    pool = client.connection_pool
    assert len(pool._in_use_connections) == 0
    assert len(pool._available_connections) == 1
    assert ledger.balance("stock").committed == 3


def test_a_connection_broken_mid_call_is_closed_and_the_call_still_counts_once(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import redis

    ledger = _ledger(client)
    ledger.reserve_and_commit("warm", [Draw.stock("stock", 1)])
    connection = client.connection_pool._available_connections[0]
    real_read = connection.read_response
    broken: list[bool] = []

    def read_then_break(*args: Any, **kwargs: Any) -> Any:
        if not broken:  # the script ran on the server; its reply is still on the way
            broken.append(True)
            raise redis.exceptions.TimeoutError("timed out reading the reply")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(connection, "read_response", read_then_break)
    view = ledger.reserve_and_commit("lost-reply", [Draw.stock("stock", 1)])
    assert broken == [True]
    assert view.status is ReservationStatus.COMMITTED
    assert view.granted("stock") == 1
    # The retry found the first attempt's reservation: the unit was drawn once; and no later
    # call reads the unread reply of the first attempt.
    for _ in range(3):
        assert ledger.balance("stock").committed == 2
    assert ledger.reserve_and_commit("next", [Draw.stock("stock", 1)]).granted("stock") == 1
    assert ledger.balance("stock").committed == 3
    assert not client.connection_pool._in_use_connections


def test_an_error_reply_keeps_the_connection(client: Any) -> None:
    ledger = _ledger(client)
    client.script_flush()  # the next call gets NOSCRIPT, loads the script and calls again
    ledger.reserve_and_commit("after-flush", [Draw.stock("stock", 1)])
    pool = client.connection_pool
    assert len(pool._available_connections) == 1
    assert pool._available_connections[0]._sock is not None
    assert ledger.balance("stock").committed == 1


def test_a_single_connection_client_works_through_its_own_lock(
    redis_server: servers.RedisServer,
) -> None:
    import redis

    client = redis.Redis.from_url(redis_server.url, single_connection_client=True)
    try:
        ledger = _ledger(client)
        ledger.reserve_and_commit("one", [Draw.stock("stock", 2)])
        assert ledger.balance("stock").committed == 2
    finally:
        client.close()


def test_a_client_decoding_replies_reads_grants_alike(redis_server: servers.RedisServer) -> None:
    import redis

    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        ledger = _ledger(client)
        view = ledger.reserve_and_commit("decoded", [Draw.stock("stock", 5, partial=True)])
        assert view.granted("stock") == 3
    finally:
        client.close()
