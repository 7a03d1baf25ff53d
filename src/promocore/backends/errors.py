"""Errors of the connections themselves, shared by the ledger and the store backends."""

from __future__ import annotations

from promocore.errors import PromocoreError


class BackendError(PromocoreError):
    """Root of the errors a database or Redis connection raises on its own account."""


class BackendUnavailableError(BackendError, ConnectionError):
    """The server did not answer within the backend's ``retry_for``.

    The call may or may not have been applied. Every ledger call is idempotent: call it again
    with the same key once the server is back, and it returns what the first one did.
    """


class NotReplicatedError(BackendError, TimeoutError):
    """Fewer replicas than asked confirmed a write within the ``WAIT`` timeout.

    The write was applied on the master, but a failover right now could lose it. Call again
    with the same key: the call returns the first result and waits for the replicas again.

    Attributes:
        wanted: How many replicas had to confirm.
        acknowledged: How many did.
    """

    def __init__(self, wanted: int, acknowledged: int) -> None:
        self.wanted = wanted
        self.acknowledged = acknowledged
        super().__init__(
            f"{acknowledged} of the {wanted} replica(s) asked for confirmed the write in time"
        )
