"""Budgets, stock and usage limits that hold across processes and machines.

A [`Ledger`][promocore.ledger.protocol.Ledger] counts what may still be drawn from each account and
hands it out in reservations: [`reserve`][promocore.ledger.protocol.Ledger.reserve] draws several
items at once, all or nothing; [`commit`][promocore.ledger.protocol.Ledger.commit] spends them;
[`release`][promocore.ledger.protocol.Ledger.release] gives them back, as does the passing of a
reservation's time to live. Every call that changes something takes an idempotency key, so retrying
it is always safe.

[`checkout`][promocore.ledger.checkout] turns a priced quote into one reservation of all its draws
on the counted resources its campaigns declare ([`Resources`][promocore.ledger.resources]: budgets,
gift stock, "first N", per-customer and periodic caps, the fatigue cap), pricing the cart again
when one ran out since the quote was shown;
[`async_checkout`][promocore.ledger.checkout.async_checkout] does the same on an
[`AsyncLedger`][promocore.ledger.protocol.AsyncLedger]. [`refunds`][promocore.ledger.refunds] gives
back what cancelled and returned orders took, and [`contingency`][promocore.ledger.contingency]
releases a budget's contingency reserve.

Backends: [`MemoryLedger`][promocore.ledger.memory.MemoryLedger] (default, one process), and
[`SqliteLedger`][promocore.ledger.sqlite.SqliteLedger],
[`PostgresLedger`][promocore.ledger.postgres.PostgresLedger] and
[`RedisLedger`][promocore.ledger.redis.RedisLedger] (one node or a Redis Cluster), with
[`AsyncPostgresLedger`][promocore.ledger.postgres.AsyncPostgresLedger] and
[`AsyncRedisLedger`][promocore.ledger.redis.AsyncRedisLedger] for asyncio code (imported from
their modules, so that their drivers load only when used).

Examples:
    >>> from datetime import timedelta
    >>> from promocore.money import Money
    >>> ledger = MemoryLedger()
    >>> _ = ledger.define(AccountSpec.budget("budget:double11", Money(10_000, "CNY")))
    >>> _ = ledger.define(AccountSpec.usage("once-per-customer", 1))
    >>> r = ledger.reserve(
    ...     "order-1",
    ...     [
    ...         Draw.budget("budget:double11", Money(3_000, "CNY")),
    ...         Draw.use("once-per-customer", "customer-7"),
    ...     ],
    ...     timedelta(minutes=15),
    ... )
    >>> ledger.commit("order-1").status.value
    'committed'
    >>> ledger.balance("budget:double11").available
    7000
"""

from promocore.backends.clock import Clock, ManualClock, system_clock
from promocore.ledger.checkout import (
    Checkout,
    CheckoutConflictError,
    async_checkout,
    checkout,
    define_budgets,
    remaining_budgets,
)
from promocore.ledger.contingency import release_contingency
from promocore.ledger.errors import (
    AccountConflictError,
    CapacityError,
    IdempotencyKeyReusedError,
    LedgerError,
    ReservationClosedError,
    ReservationRefusedError,
    UnknownAccountError,
    UnknownReservationError,
)
from promocore.ledger.memory import MemoryLedger
from promocore.ledger.model import (
    MAX_AMOUNT,
    AccountKind,
    AccountSpec,
    Balance,
    Draw,
    Grant,
    Reservation,
    ReservationStatus,
    Shortfall,
)
from promocore.ledger.protocol import AsyncLedger, Ledger
from promocore.ledger.refunds import give_back
from promocore.ledger.resources import Resources, budget_account

__all__ = [
    "MAX_AMOUNT",
    "AccountConflictError",
    "AccountKind",
    "AccountSpec",
    "AsyncLedger",
    "Balance",
    "CapacityError",
    "Checkout",
    "CheckoutConflictError",
    "Clock",
    "Draw",
    "Grant",
    "IdempotencyKeyReusedError",
    "Ledger",
    "LedgerError",
    "ManualClock",
    "MemoryLedger",
    "Reservation",
    "ReservationClosedError",
    "ReservationRefusedError",
    "ReservationStatus",
    "Resources",
    "Shortfall",
    "UnknownAccountError",
    "UnknownReservationError",
    "async_checkout",
    "budget_account",
    "checkout",
    "define_budgets",
    "give_back",
    "release_contingency",
    "remaining_budgets",
    "system_clock",
]
