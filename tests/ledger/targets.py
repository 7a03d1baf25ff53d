"""Where a test ledger lives, in a form that other processes can open too."""

from __future__ import annotations

import attrs

from promocore.ledger import Clock, Ledger, MemoryLedger, system_clock

BACKENDS = ("memory", "sqlite", "postgres", "redis")
SHARED_BACKENDS = ("sqlite", "postgres", "redis")


@attrs.frozen
class Target:
    """A ledger location: backend name, where (path, conninfo or URL) and namespace."""

    backend: str
    location: str = ""
    namespace: str = ""

    def open(self, clock: Clock = system_clock) -> Ledger:
        """Open a ledger at this location (a fresh one for ``memory``)."""
        if self.backend == "memory":
            return MemoryLedger(clock=clock)
        if self.backend == "sqlite":
            from promocore.ledger.sqlite import SqliteLedger

            return SqliteLedger(self.location, clock=clock, durable=False)
        if self.backend == "postgres":
            from promocore.ledger.postgres import PostgresLedger

            return PostgresLedger(self.location, schema=self.namespace, clock=clock)
        if self.backend == "redis":
            from promocore.ledger.redis import RedisLedger

            return RedisLedger(self.location, prefix=self.namespace + ":", clock=clock)
        raise ValueError(self.backend)
