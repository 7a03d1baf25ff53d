"""Batches of reservations for backends without a batch call of their own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from promocore.ledger.errors import LedgerError
from promocore.ledger.model import Reservation
from promocore.ledger.planning import check_batch
from promocore.ledger.protocol import Ledger, Request


def reserve_each(
    ledger: Ledger,
    requests: Sequence[Request],
    ttl: timedelta | None,
    commit: bool,
    now: datetime | None,
) -> list[Reservation | LedgerError]:
    """Make each reservation of a batch in turn; ledger errors are returned in place."""
    out: list[Reservation | LedgerError] = []
    for key, draws in check_batch(requests, ttl, now, commit=commit):
        try:
            if commit:
                out.append(ledger.reserve_and_commit(key, draws, now=now))
            else:
                assert ttl is not None
                out.append(ledger.reserve(key, draws, ttl, now=now))
        except LedgerError as error:
            out.append(error)
    return out
