"""A ledger in Redis or Redis Cluster: for many processes on many machines, at high rates.

Needs the ``promocore[redis]`` extra (redis-py). Every call runs one Lua script (see
[`promocore.ledger.redis_scripts`][promocore.ledger.redis_scripts]), which Redis executes
atomically, so no other client ever sees half of a call. Scripts are called by SHA1
(``EVALSHA``); connections come from redis-py's pool.
[`RedisLedger`][promocore.ledger.redis.RedisLedger] uses a ``redis.Redis`` or
``redis.cluster.RedisCluster`` client,
[`AsyncRedisLedger`][promocore.ledger.redis.AsyncRedisLedger] their ``redis.asyncio`` twins; both
share the scripts and the decoding below.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from promocore.backends.clock import Clock, from_micros, system_clock, to_micros
from promocore.backends.redis import (
    DEFAULT_RETRY_FOR,
    DEFAULT_WAIT_TIMEOUT,
    AsyncRedisRunner,
    RedisRunner,
    Script,
    check_durability,
    check_prefix,
    connect,
    connect_async,
    hash_tag,
    is_cluster,
    text,
)
from promocore.errors import ValidationError
from promocore.ledger import redis_scripts
from promocore.ledger.errors import (
    CapacityError,
    IdempotencyKeyReusedError,
    LedgerError,
    UnknownAccountError,
)
from promocore.ledger.inputs import MAX_AMOUNT
from promocore.ledger.model import (
    AccountKind,
    AccountSpec,
    Balance,
    Draw,
    Grant,
    Reservation,
    ReservationStatus,
)
from promocore.ledger.planning import (
    batch_accounts,
    check_balance,
    check_balance_subject,
    check_batch,
    check_commit_now,
    check_defined,
    check_fit,
    check_key,
    check_purge,
    check_reserve,
    check_spec,
    check_sweep,
    check_top_up,
    committed_now,
    refused,
    settled,
)
from promocore.ledger.protocol import Request

__all__ = ["AsyncRedisLedger", "RedisLedger"]

_RESERVE = Script(redis_scripts.RESERVE)
_FINISH = Script(redis_scripts.FINISH)
_BALANCE = Script(redis_scripts.BALANCE)
_SWEEP = Script(redis_scripts.SWEEP)
_PURGE = Script(redis_scripts.PURGE)
_DEFINE = Script(redis_scripts.DEFINE)
_TOP_UP = Script(redis_scripts.TOP_UP)
_HELD = ReservationStatus.HELD
_US, _RS = "\x1f", "\x1e"  # the unit and record separators the scripts split on
_COMMITTED = ReservationStatus.COMMITTED

#: A script call: the script and its arguments, and how to read its reply.
_Call = tuple[Script, list[object], Callable[[Any], Any]]


class _RedisLedgerCodec:
    """What the sync and asyncio Redis ledgers share: arguments, replies, the account cache."""

    def __init__(self, prefix: str, clock: Clock, cluster: bool) -> None:
        self._prefix = check_prefix(prefix)
        if cluster and hash_tag(self._prefix) is None:
            raise ValidationError.single(
                "prefix", "must hold a hash tag on Redis Cluster, such as '{promo}:'"
            )
        self._anchor = self._prefix + "expiry"
        self._clock = clock
        self._specs: dict[str, AccountSpec] = {}
        self._specs_lock = threading.Lock()

    def _now(self, now: datetime | None) -> datetime:
        return now or self._clock()

    # -- accounts ---------------------------------------------------------------------------

    def _define_call(self, spec: AccountSpec) -> _Call:
        check_spec(spec)
        args: list[object] = [spec.name, spec.kind.value, spec.currency or "", spec.limit]
        return _DEFINE, args, lambda reply: check_defined(spec, self._spec_of(spec.name, reply))

    def _spec_of(self, name: str, reply: Sequence[object]) -> AccountSpec:
        kind, currency, limit = (text(v) for v in reply)
        spec = AccountSpec(name, AccountKind(kind), int(limit), currency or None)
        with self._specs_lock:
            self._specs[name] = spec
        return spec

    def _cached(self, names: Sequence[str]) -> tuple[dict[str, AccountSpec], list[str]]:
        specs = self._specs
        for name in names:
            if name not in specs:
                break
        else:  # the common case: every account seen before
            return specs, []
        with self._specs_lock:
            known = {n: self._specs[n] for n in names if n in self._specs}
        return known, [n for n in names if n not in known]

    def _spec_read(self, name: str) -> tuple[object, ...]:
        return ("HMGET", self._prefix + "acct:" + name, "kind", "cur", "lim")

    def _top_up_call(self, key: str, account: str, amount: int) -> _Call:
        check_top_up(key, account, amount)

        def read(reply: Sequence[object]) -> tuple[str, int]:
            head, *rest = (text(v) for v in reply)
            if head == "unknown":
                raise UnknownAccountError(account, "account")
            if head == "capacity":
                raise CapacityError(f"account {account!r}: limit would exceed {MAX_AMOUNT}")
            if (rest[0], int(rest[1])) != (account, amount):
                raise IdempotencyKeyReusedError(key, "top-up")
            return account, int(rest[2])

        return _TOP_UP, [key, account, amount, MAX_AMOUNT], read

    # -- reservations -----------------------------------------------------------------------

    def _reserve_call(
        self, key: str, draws: Sequence[Draw], moment: datetime, expires: int, commit: bool
    ) -> _Call:
        args: list[object] = [
            key,
            encode_request(draws),
            to_micros(moment),
            "" if commit else expires,
        ]

        def read(reply: Any) -> Reservation:
            if isinstance(reply, bytes | str):  # granted: the amounts, separated by spaces
                grants = tuple(
                    [
                        Grant(d.account, int(g), d.amount, d.subject)
                        for d, g in zip(draws, text(reply).split(), strict=True)
                    ]
                )
                status = _COMMITTED if commit else _HELD
                return Reservation(key, grants, from_micros(expires), status)
            head = text(reply[0])
            if head == "found":
                view = _view(key, reply)
                return committed_now(key, view) if commit else view
            if head == "reused":
                raise IdempotencyKeyReusedError(key)
            if head == "unknown":
                raise UnknownAccountError(text(reply[2]), f"items[{text(reply[1])}].account")
            pairs = [
                (int(text(i)), int(text(a))) for i, a in zip(reply[1::2], reply[2::2], strict=True)
            ]
            raise refused(key, draws, pairs)

        return _RESERVE, args, read

    def _finish_call(self, key: str, moment: datetime, action: str) -> _Call:
        def read(reply: Sequence[object]) -> Reservation | None:
            return None if text(reply[0]) == "missing" else _view(key, reply)

        return _FINISH, [key, to_micros(moment), action], read

    def _balance_call(self, account: str, subject: str | None, moment: datetime) -> _Call:
        def read(reply: Sequence[object]) -> Balance:
            if text(reply[0]) == "unknown":
                raise UnknownAccountError(account, "account")
            kind, currency, limit, reserved, committed = (text(v) for v in reply[1:])
            return Balance(
                account,
                AccountKind(kind),
                int(limit),
                int(reserved),
                int(committed),
                subject,
                currency or None,
            )

        return _BALANCE, [account, subject or "", to_micros(moment)], read

    def _scan(self, cursor: int, batch: int) -> tuple[object, ...]:
        return ("SCAN", cursor, "MATCH", _glob(self._prefix) + "res:*", "COUNT", batch)

    def _settled_before(
        self, keys: Sequence[str], rows: Sequence[Sequence[object]], cutoff: int
    ) -> list[Reservation]:
        """Return the reservations among ``keys`` settled before ``cutoff``."""
        old = []
        for key, (status, expires, grants, closed) in zip(keys, rows, strict=True):
            if status is None or closed is None or text(status) == "held":
                continue
            if int(text(closed)) < cutoff:
                old.append(_view(key, ["found", status, expires, grants]))
        return old

    def _batch_calls(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None,
        now: datetime | None,
        commit: bool,
        known: dict[str, AccountSpec],
    ) -> tuple[list[_Call | LedgerError], datetime]:
        moment = self._now(now)
        expires = to_micros(moment + ttl) if ttl is not None else to_micros(moment)
        calls: list[_Call | LedgerError] = []
        for key, draws in check_batch(requests, ttl, now, commit=commit):
            try:
                check_fit(draws, known)
            except LedgerError as error:
                calls.append(error)
                continue
            calls.append(self._reserve_call(key, draws, moment, expires, commit))
        return calls, moment


def encode_request(draws: Sequence[Draw]) -> str:
    """Return the items of a request as the scripts read them (also its fingerprint)."""
    return _RS.join(
        f"{d.account}{_US}{d.subject or ''}{_US}{d.amount}{_US}{'1' if d.partial else '0'}"
        f"{_US}{d.currency or ''}"
        for d in draws
    )


def decode_grants(stored: str) -> tuple[Grant, ...]:
    """Return the grants the scripts stored (account, subject, asked, granted per item)."""
    grants = []
    for item in stored.split(_RS):
        account, subject, asked, granted = item.split(_US)
        grants.append(Grant(account, int(granted), int(asked), subject or None))
    return tuple(grants)


def _glob(prefix: str) -> str:
    """Return ``prefix`` with the characters ``SCAN MATCH`` treats specially escaped."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in prefix)


def _view(key: str, reply: Sequence[object]) -> Reservation:
    status, expires, grants = (text(v) for v in reply[1:4])
    return Reservation(
        key, decode_grants(grants), from_micros(int(expires)), ReservationStatus(status)
    )


class RedisLedger(_RedisLedgerCodec):
    """A [`Ledger`][promocore.ledger.Ledger] in Redis or Redis Cluster.

    Every key lives under ``prefix``. On Redis Cluster the prefix must hold a hash tag
    (``"{promo}:"``): the ledger's keys then share one slot, each call is one script on the
    master owning it, and calls follow ``MOVED``/``ASK`` redirections and ride out failovers
    (see [`RedisRunner`][promocore.backends.redis.RedisRunner]). Calls that fail for lack of a
    server are retried for ``retry_for``, which is safe as every call is idempotent.

    The guarantees hold for what Redis keeps. A Redis process that crashes keeps what it wrote to
    its append-only file; a machine that crashes keeps what was synced (``appendfsync always``:
    everything acknowledged; ``everysec``: all but the last second or two). A failover keeps what
    the promoted replica had received: pass ``replicas=1`` (``WAIT``) so that every call returns
    only once a replica has it. See the deployment how-to for what each setting can lose.

    Args:
        client: A ``redis.Redis`` or ``redis.cluster.RedisCluster`` client, or a URL
            (``redis://host:6379/0``; ``redis+cluster://host:7000`` for a cluster).
        prefix: Prepended to every key the ledger uses.
        clock: Where the time comes from when a call gives no ``now``.
        replicas: How many replicas must confirm each call (``WAIT``); 0 to not wait.
        wait_timeout: How long to wait for them before raising
            [`NotReplicatedError`][promocore.backends.errors.NotReplicatedError].
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "promocore:",
        clock: Clock = system_clock,
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        check_durability(replicas, wait_timeout, retry_for)
        self._owned = isinstance(client, str)
        redis = connect(client)
        super().__init__(prefix, clock, is_cluster(redis))
        self._run = RedisRunner(
            redis, self._anchor, replicas=replicas, wait_timeout=wait_timeout, retry_for=retry_for
        )

    @property
    def client(self) -> Any:
        """The redis-py client the ledger talks through."""
        return self._run.client

    def _call(self, call: _Call) -> Any:
        script, args, read = call
        return read(self._run.run(script, args))

    def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        """Return kind and currency of accounts (they never change once defined)."""
        known, missing = self._cached(names)
        if missing:
            known = dict(known)
            for name in missing:
                reply = self._run.read(*self._spec_read(name))
                if reply[0] is not None:
                    known[name] = self._spec_of(name, reply)
        return known

    def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        stored: AccountSpec = self._call(self._define_call(spec))
        return stored

    def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        name, limit = self._call(self._top_up_call(key, account, amount))
        spec = self._known([name])[name]
        return AccountSpec(name, spec.kind, limit, spec.currency)

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
        moment = self._now(now)
        check_fit(draws, self._known([d.account for d in draws]))
        view: Reservation = self._call(
            self._reserve_call(key, draws, moment, to_micros(moment + ttl), False)
        )
        return view

    def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        draws = check_commit_now(key, items, now)
        moment = self._now(now)
        check_fit(draws, self._known([d.account for d in draws]))
        view: Reservation = self._call(
            self._reserve_call(key, draws, moment, to_micros(moment), True)
        )
        return view

    def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make many reservations in one round trip (see `Ledger.reserve_many`)."""
        known = self._known(batch_accounts(requests))
        calls, _ = self._batch_calls(requests, ttl, now, commit, known)
        scripts = [(c[0], c[1]) for c in calls if not isinstance(c, LedgerError)]
        replies = iter(self._run.run_many(scripts, strict=False) if scripts else [])
        out: list[Reservation | LedgerError] = []
        for call in calls:
            if isinstance(call, LedgerError):
                out.append(call)
                continue
            reply = next(replies)
            if isinstance(reply, BaseException):
                raise reply
            try:
                out.append(call[2](reply))
            except LedgerError as error:
                out.append(error)
        return out

    def _finish(self, key: str, now: datetime | None, action: str) -> Reservation | None:
        check_key(key, now)
        view: Reservation | None = self._call(self._finish_call(key, self._now(now), action))
        return view

    def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return settled(key, self._finish(key, now, "committed"), _COMMITTED)

    def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        return settled(key, self._finish(key, now, "released"), ReservationStatus.RELEASED)

    def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        return self._finish(key, now, "")

    def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        specs = self._known([account])
        if account not in specs:
            raise UnknownAccountError(account, "account")
        check_balance_subject(specs[account], subject)
        balance: Balance = self._call(self._balance_call(account, subject, self._now(now)))
        return balance

    def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        return int(self._run.run(_SWEEP, [to_micros(self._now(now)), limit]))

    def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Callable[[Sequence[Reservation]], None] | None = None,
    ) -> int:
        """Delete settled reservations older than ``older_than`` (see `Ledger.purge`)."""
        check_purge(older_than, now, batch)
        cutoff = to_micros(self._now(now) - older_than)
        total, cursor = 0, 0
        while True:
            cursor_text, found = self._run.read(*self._scan(cursor, batch))
            cursor = int(text(cursor_text))
            keys = [text(k)[len(self._prefix) + 4 :] for k in found]
            if keys:
                rows = self._run.read_many(
                    [("HMGET", self._prefix + "res:" + k, "st", "exp", "g", "t") for k in keys]
                )
                old = self._settled_before(keys, rows, cutoff)
                if old:
                    if archive is not None:
                        archive(old)
                    args = [cutoff, *(v.key for v in old)]
                    total += int(self._run.run(_PURGE, args))
            if cursor == 0:
                return total

    def close(self) -> None:
        """Close the client if the ledger opened it from a URL."""
        if self._owned:
            self._run.close()


class AsyncRedisLedger(_RedisLedgerCodec):
    """An [`AsyncLedger`][promocore.ledger.protocol.AsyncLedger] in Redis (``redis.asyncio``).

    The same scripts, keys and guarantees as [`RedisLedger`][promocore.ledger.redis.RedisLedger];
    the two may share one Redis. On a cluster, calls are routed by redis-py's asyncio
    ``RedisCluster`` and ``replicas`` is refused (``WAIT`` needs one node's connection).

    Args:
        client: A ``redis.asyncio.Redis`` or ``redis.asyncio.cluster.RedisCluster`` client, or a
            URL as for [`RedisLedger`][promocore.ledger.redis.RedisLedger].
        prefix: Prepended to every key the ledger uses.
        clock: Where the time comes from when a call gives no ``now``.
        replicas: How many replicas must confirm each call (``WAIT``); 0 to not wait.
        wait_timeout: How long to wait for them.
        retry_for: How long a call keeps trying while the server is unreachable.
    """

    def __init__(
        self,
        client: Any,
        *,
        prefix: str = "promocore:",
        clock: Clock = system_clock,
        replicas: int = 0,
        wait_timeout: timedelta = DEFAULT_WAIT_TIMEOUT,
        retry_for: timedelta = DEFAULT_RETRY_FOR,
    ) -> None:
        check_durability(replicas, wait_timeout, retry_for)
        self._owned = isinstance(client, str)
        redis = connect_async(client)
        super().__init__(prefix, clock, is_cluster(redis))
        self._run = AsyncRedisRunner(
            redis, self._anchor, replicas=replicas, wait_timeout=wait_timeout, retry_for=retry_for
        )

    @property
    def client(self) -> Any:
        """The ``redis.asyncio`` client the ledger talks through."""
        return self._run.client

    async def _call(self, call: _Call) -> Any:
        script, args, read = call
        return read(await self._run.run(script, args))

    async def _known(self, names: Sequence[str]) -> dict[str, AccountSpec]:
        known, missing = self._cached(names)
        if missing:
            known = dict(known)
            for name in missing:
                reply = await self._run.read(*self._spec_read(name))
                if reply[0] is not None:
                    known[name] = self._spec_of(name, reply)
        return known

    async def define(self, spec: AccountSpec) -> AccountSpec:
        """Create an account unless it exists (see `Ledger.define`)."""
        stored: AccountSpec = await self._call(self._define_call(spec))
        return stored

    async def top_up(self, key: str, account: str, amount: int) -> AccountSpec:
        """Raise an account's limit (see `Ledger.top_up`)."""
        name, limit = await self._call(self._top_up_call(key, account, amount))
        spec = (await self._known([name]))[name]
        return AccountSpec(name, spec.kind, limit, spec.currency)

    async def reserve(
        self,
        key: str,
        items: Sequence[Draw],
        ttl: timedelta,
        *,
        now: datetime | None = None,
    ) -> Reservation:
        """Draw every item at once, or none (see `Ledger.reserve`)."""
        draws = check_reserve(key, items, ttl, now)
        moment = self._now(now)
        check_fit(draws, await self._known([d.account for d in draws]))
        view: Reservation = await self._call(
            self._reserve_call(key, draws, moment, to_micros(moment + ttl), False)
        )
        return view

    async def reserve_and_commit(
        self, key: str, items: Sequence[Draw], *, now: datetime | None = None
    ) -> Reservation:
        """Draw every item and spend it at once (see `Ledger.reserve_and_commit`)."""
        draws = check_commit_now(key, items, now)
        moment = self._now(now)
        check_fit(draws, await self._known([d.account for d in draws]))
        view: Reservation = await self._call(
            self._reserve_call(key, draws, moment, to_micros(moment), True)
        )
        return view

    async def reserve_many(
        self,
        requests: Sequence[Request],
        ttl: timedelta | None = None,
        *,
        commit: bool = False,
        now: datetime | None = None,
    ) -> list[Reservation | LedgerError]:
        """Make many reservations in one round trip (see `Ledger.reserve_many`)."""
        known = await self._known(batch_accounts(requests))
        calls, _ = self._batch_calls(requests, ttl, now, commit, known)
        scripts = [(c[0], c[1]) for c in calls if not isinstance(c, LedgerError)]
        replies = iter(await self._run.run_many(scripts, strict=False) if scripts else [])
        out: list[Reservation | LedgerError] = []
        for call in calls:
            if isinstance(call, LedgerError):
                out.append(call)
                continue
            reply = next(replies)
            if isinstance(reply, BaseException):
                raise reply
            try:
                out.append(call[2](reply))
            except LedgerError as error:
                out.append(error)
        return out

    async def _finish(self, key: str, now: datetime | None, action: str) -> Reservation | None:
        check_key(key, now)
        view: Reservation | None = await self._call(self._finish_call(key, self._now(now), action))
        return view

    async def commit(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Spend a held reservation (see `Ledger.commit`)."""
        return settled(key, await self._finish(key, now, "committed"), _COMMITTED)

    async def release(self, key: str, *, now: datetime | None = None) -> Reservation:
        """Give a held reservation back (see `Ledger.release`)."""
        view = await self._finish(key, now, "released")
        return settled(key, view, ReservationStatus.RELEASED)

    async def reservation(self, key: str, *, now: datetime | None = None) -> Reservation | None:
        """Return the reservation made with ``key``, or ``None``."""
        return await self._finish(key, now, "")

    async def balance(
        self, account: str, subject: str | None = None, *, now: datetime | None = None
    ) -> Balance:
        """Return an account's counters (see `Ledger.balance`)."""
        check_balance(account, subject, now)
        specs = await self._known([account])
        if account not in specs:
            raise UnknownAccountError(account, "account")
        check_balance_subject(specs[account], subject)
        balance: Balance = await self._call(self._balance_call(account, subject, self._now(now)))
        return balance

    async def sweep(self, *, now: datetime | None = None, limit: int = 1000) -> int:
        """Give back up to ``limit`` expired reservations; return how many."""
        check_sweep(now, limit)
        return int(await self._run.run(_SWEEP, [to_micros(self._now(now)), limit]))

    async def purge(
        self,
        older_than: timedelta,
        *,
        now: datetime | None = None,
        batch: int = 1000,
        archive: Callable[[Sequence[Reservation]], None] | None = None,
    ) -> int:
        """Delete settled reservations older than ``older_than`` (see `Ledger.purge`)."""
        check_purge(older_than, now, batch)
        cutoff = to_micros(self._now(now) - older_than)
        total, cursor = 0, 0
        while True:
            cursor_text, found = await self._run.read(*self._scan(cursor, batch))
            cursor = int(text(cursor_text))
            keys = [text(k)[len(self._prefix) + 4 :] for k in found]
            if keys:
                rows = await self._run.read_many(
                    [("HMGET", self._prefix + "res:" + k, "st", "exp", "g", "t") for k in keys]
                )
                old = self._settled_before(keys, rows, cutoff)
                if old:
                    if archive is not None:
                        archive(old)
                    args = [cutoff, *(v.key for v in old)]
                    total += int(await self._run.run(_PURGE, args))
            if cursor == 0:
                return total

    async def close(self) -> None:
        """Close the client if the ledger opened it from a URL."""
        if self._owned:
            await self._run.close()
