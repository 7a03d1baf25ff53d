"""Where a ledger shared by several test processes lives, in a form each can open."""

from __future__ import annotations

import attrs

from promocore.ledger import Ledger


@attrs.frozen
class LedgerTarget:
    """A ledger location: backend name, where (path, conninfo or URL) and namespace."""

    backend: str
    location: str
    namespace: str = ""

    def open(self) -> Ledger:
        """Open the ledger (each process opens its own connections)."""
        if self.backend == "sqlite":
            from promocore.ledger.sqlite import SqliteLedger

            return SqliteLedger(self.location, durable=False)
        if self.backend == "postgres":
            from promocore.ledger.postgres import PostgresLedger

            return PostgresLedger(self.location, schema=self.namespace)
        if self.backend == "redis":
            from promocore.ledger.redis import RedisLedger

            return RedisLedger(self.location, prefix=self.namespace + ":")
        raise ValueError(self.backend)
