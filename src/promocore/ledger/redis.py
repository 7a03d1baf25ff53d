"""A ledger in Redis: for many processes on many machines, at high rates.

Needs the ``promocore[redis]`` extra (redis-py). Every call runs one Lua script,
which Redis executes atomically, so no other client ever sees half of a call.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from promocore.errors import ValidationError
from promocore.ledger import redis_scripts
from promocore.ledger.clock import Clock, from_micros, system_clock, to_micros
from promocore.ledger.errors import (
    AccountConflictError,
    CapacityError,
    IdempotencyKeyReusedError,
    ReservationClosedError,
    ReservationRefusedError,
    UnknownAccountError,
    UnknownReservationError,
)
from promocore.ledger.inputs import MAX_AMOUNT, MAX_NAME_LENGTH
from promocore.ledger.model import (
    AccountKind,
    AccountSpec,
    Balance,
    Draw,
    Grant,
    Reservation,
    ReservationStatus,
    Shortfall,
)
from promocore.ledger.planning import (
    check_balance,
    check_balance_subject,
    check_fit,
    check_key,
    check_reserve,
    check_sweep,
    check_top_up,
    fingerprint,
)


def import_redis() -> Any:
    """Import redis-py, explaining which extra to install when it is missing."""
    try:
        import redis
    except ImportError as error:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the Redis backend needs redis-py: pip install 'promocore[redis]'"
        ) from error
    return redis


def text(value: object) -> str:
    """Return a Redis reply element as ``str`` (clients may return bytes)."""
    if isinstance(value, bytes):
        return value.decode()
    return str(value)


def connect(client: Any) -> Any:
    """Return a redis-py client for ``client``: a client as is, or a URL opened."""
    if isinstance(client, str):
        return import_redis().Redis.from_url(client)
    return client


def check_prefix(prefix: object) -> str:
    """Return ``prefix`` if it is a usable key prefix."""
    if not isinstance(prefix, str) or not prefix or len(prefix) > MAX_NAME_LENGTH:
        raise ValidationError.single("prefix", "must be a non-empty str of at most 200 characters")
    return prefix


class RedisLedger:
    """A [`Ledger`][promocore.ledger.Ledger] in Redis.

    Every key lives under ``prefix``. On Redis Cluster, put a hash tag in the
    prefix (``"{promo}:"``) so that all of the ledger's keys share one slot, as
    the scripts touch several keys per call. The guarantees hold as long as
    Redis keeps what it acknowledged: use AOF with ``appendfsync always`` where
    losing the last second of writes on a crash is not acceptable.

    Args:
        client: A ``redis.Redis`` client or a ``redis://`` URL.
        prefix: Prepended to every key the ledger uses.
        clock: Where the time comes from when a call gives no ``now``.
    """

    def __init__(
        self, client: Any, *, prefix: str = "promocore:", clock: Clock = system_clock
    ) -> None:
        self._prefix = check_prefix(prefix)
        self._owned = isinstance(client, str)
        self._redis = connect(client)
        self._clock = clock
        self._specs: dict[str, AccountSpec] = {}
        self._specs_lock = threading.Lock()
        self._reserve = self._redis.register_script(redis_scripts.RESERVE)
        self._finish = self._redis.register_script(redis_scripts.FINISH)
        self._balance = self._redis.register_script(redis_scripts.BALANCE)
        self._sweep = self._redis.register_script(redis_scripts.SWEEP)
        self._define = self._redis.register_script(redis_scripts.DEFINE)
        self._top_up = self._redis.register_script(redis_scripts.TOP_UP)

    @property
    def client(self) -> Any:
        """The redis-py client the ledger talks through."""
        return self._redis

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        if not isinstance(spec, AccountSpec):
            raise ValidationError.single(
                "spec", f"must be an AccountSpec, got {type(spec).__name__}"
            )
        reply = self._define(
            args=[self._prefix, spec.name, spec.kind.value, spec.currency or "", spec.limit]
        )
        stored = self._spec_of(spec.name, reply)
        if (stored.kind, stored.currency) != (spec.kind, spec.currency):
            raise AccountConflictError(
                f"account {spec.name!r} exists as {stored.kind.value}"
                f"{' in ' + stored.currency if stored.currency else ''}"
            )
        return stored

    def _spec_of(self, name: str, reply: Sequence[object]) -> AccountSpec:
        kind, currency, limit = (text(v) for v in reply)
        spec = AccountSpec(name, AccountKind(kind), int(limit), currency or None)
        with self._specs_lock:
            self._specs[name] = spec
        return spec

    def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        """Return kind and currency of accounts (they never change once defined)."""
        with self._specs_lock:
            known = {n: self._specs[n] for n in names if n in self._specs}
        missing = [n for n in names if n not in known]
        if missing:
            pipe = self._redis.pipeline(transaction=False)
            for name in missing:
                pipe.hmget(self._prefix + "acct:" + name, "kind", "currency", "limit")
            for name, reply in zip(missing, pipe.execute(), strict=True):
                if reply[0] is not None:
                    known[name] = self._spec_of(name, reply)
        return known

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        check_top_up(key, account, amount)
        reply = [
            text(v) for v in self._top_up(args=[self._prefix, key, account, amount, MAX_AMOUNT])
        ]
        if reply[0] == "unknown":
            raise UnknownAccountError(account, "account")
        if reply[0] == "capacity":
            raise CapacityError(f"account {account!r}: limit would exceed {MAX_AMOUNT}")
        if (reply[1], int(reply[2])) != (account, amount):
            raise IdempotencyKeyReusedError(key, "top-up")
        spec = self._known([account])[account]
        return AccountSpec(account, spec.kind, int(reply[3]), spec.currency)

    def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see `Ledger.reserve`)."""
        draws = check_reserve(key, items, ttl, now)
        moment = now or self._clock()
        check_fit(draws, self._known(sorted({d.account for d in draws})))
        expires = to_micros(moment + ttl)
        args: list[object] = [
            self._prefix, key, fingerprint(draws), to_micros(moment), expires, len(draws),
        ]  # fmt: skip
        for d in draws:
            args += [d.account, d.subject or "", d.amount, "1" if d.partial else "0"]
        reply = [text(v) for v in self._reserve(args=args)]
        head = reply[0]
        if head == "ok":
            grants = tuple(
                Grant(d.account, int(g), d.amount, d.subject)
                for d, g in zip(draws, reply[1:], strict=True)
            )
            return Reservation(key, grants, from_micros(expires), ReservationStatus.HELD)
        if head == "found":
            return _view(key, reply)
        if head == "reused":
            raise IdempotencyKeyReusedError(key)
        if head == "unknown":
            raise UnknownAccountError(reply[2], f"items[{reply[1]}].account")
        shortfalls = []
        for position, available in zip(reply[1::2], reply[2::2], strict=True):
            d = draws[int(position)]
            shortfalls.append(
                Shortfall(int(position), d.account, d.amount, int(available), d.subject)
            )
        raise ReservationRefusedError(key, shortfalls)

    def _run_finish(self, key: str, now: datetime | None, action: str) -> Reservation | None:
        check_key(key, now)
        moment = now or self._clock()
        reply = [text(v) for v in self._finish(args=[self._prefix, key, to_micros(moment), action])]
        return None if reply[0] == "missing" else _view(key, reply)

    def _settled(self, key: str, now: datetime | None, status: ReservationStatus) -> Reservation:
        view = self._run_finish(key, now, status.value)
        if view is None:
            raise UnknownReservationError(key)
        if view.status is status:
            return view
        if status is ReservationStatus.RELEASED and view.status is ReservationStatus.EXPIRED:
            return view
        action = "commit" if status is ReservationStatus.COMMITTED else "release"
        raise ReservationClosedError(key, view.status, action)

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return self._settled(key, now, ReservationStatus.COMMITTED)

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        return self._settled(key, now, ReservationStatus.RELEASED)

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        return self._run_finish(key, now, "")

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        moment = now or self._clock()
        specs = self._known([account])
        if account not in specs:
            raise UnknownAccountError(account, "account")
        check_balance_subject(specs[account], subject)
        reply = [
            text(v)
            for v in self._balance(args=[self._prefix, account, subject or "", to_micros(moment)])
        ]
        kind, currency, limit, reserved, committed = reply[1:]
        return Balance(
            account,
            AccountKind(kind),
            int(limit),
            int(reserved),
            int(committed),
            subject,
            currency or None,
        )

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        moment = now or self._clock()
        return int(self._sweep(args=[self._prefix, to_micros(moment), limit]))

    def close(self) -> None:
        """Close the client if the ledger opened it from a URL."""
        if self._owned:
            self._redis.close()


def _view(key: str, reply: Sequence[str]) -> Reservation:
    status, expires = reply[1], reply[2]
    rest = reply[3:]
    grants = tuple(
        Grant(rest[i], int(rest[i + 3]), int(rest[i + 2]), rest[i + 1] or None)
        for i in range(0, len(rest), 4)
    )
    return Reservation(key, grants, from_micros(int(expires)), ReservationStatus(status))
