"""Where a test ledger lives, in a form that other processes can open too."""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import attrs

from promocore.ledger import Clock, Ledger, MemoryLedger, system_clock

#: Every backend the contract suite runs against: the asyncio ones run through a bridge.
BACKENDS = (
    "memory",
    "sqlite",
    "postgres",
    "redis",
    "redis-cluster",
    "postgres-async",
    "redis-async",
)
#: The backends that several processes can share.
SHARED_BACKENDS = ("sqlite", "postgres", "redis", "redis-cluster")


class SyncBridge:
    """Runs the coroutines of an asyncio ledger or store on a private event loop.

    Lets the contract tests, written against the sync protocols, run unchanged
    against the asyncio backends. The loop runs in a thread of its own, so calls
    from several threads interleave on it as concurrent tasks.
    """

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.target = self.run(self._make(factory))

    @staticmethod
    async def _make(factory: Callable[[], Any]) -> Any:
        return factory()

    def run(self, awaitable: Any) -> Any:
        """Run ``awaitable`` on the bridge's loop and return its result."""

        async def wrapped() -> Any:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapped(), self._loop).result()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.target, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            if inspect.isawaitable(result):
                return self.run(result)
            return result

        return call

    def close(self) -> None:
        self.run(self.target.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@attrs.frozen
class Target:
    """A ledger location: backend name, where (path, conninfo or URL) and namespace."""

    backend: str
    location: str = ""
    namespace: str = ""
    replicas: int = 0
    retry_for: float = 60.0
    durable: bool = False

    @property
    def prefix(self) -> str:
        """The Redis key prefix: a hash tag on a cluster."""
        if self.backend == "redis-cluster":
            return "{" + self.namespace + "}:"
        return self.namespace + ":"

    def open(self, clock: Clock = system_clock) -> Ledger:
        """Open a ledger at this location (a fresh one for ``memory``)."""
        if self.backend == "memory":
            return MemoryLedger(clock=clock)
        if self.backend == "sqlite":
            from promocore.ledger.sqlite import SqliteLedger

            return SqliteLedger(self.location, clock=clock, durable=self.durable)
        if self.backend == "postgres":
            from promocore.ledger.postgres import PostgresLedger

            return PostgresLedger(
                self.location,
                schema=self.namespace,
                clock=clock,
                retry_for=timedelta(seconds=self.retry_for),
            )
        if self.backend in ("redis", "redis-cluster"):
            from promocore.ledger.redis import RedisLedger

            return RedisLedger(
                self.location,
                prefix=self.prefix,
                clock=clock,
                replicas=self.replicas,
                retry_for=timedelta(seconds=self.retry_for),
            )
        if self.backend == "postgres-async":
            from promocore.ledger.postgres import AsyncPostgresLedger

            return cast(
                Ledger,
                SyncBridge(
                    lambda: AsyncPostgresLedger(self.location, schema=self.namespace, clock=clock)
                ),
            )
        if self.backend == "redis-async":
            from promocore.ledger.redis import AsyncRedisLedger

            return cast(
                Ledger,
                SyncBridge(
                    lambda: AsyncRedisLedger(self.location, prefix=self.prefix, clock=clock)
                ),
            )
        raise ValueError(self.backend)
