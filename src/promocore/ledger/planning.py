"""The pure part of a ledger: checking requests and deciding what to grant.

Backends read counters, call [`plan`][promocore.ledger.planning.plan] and write what it decided;
nothing here does I/O or reads a clock. (The Redis backend runs the same rules inside a Lua script,
since its reads and writes must happen in one server-side step.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from promocore.errors import ValidationError
from promocore.ledger.errors import (
    AccountConflictError,
    ReservationClosedError,
    ReservationRefusedError,
    UnknownAccountError,
    UnknownReservationError,
)
from promocore.ledger.inputs import (
    MAX_NAME_LENGTH,
    MAX_TTL,
    check_amount,
    check_moment,
    check_name,
    check_ttl,
)
from promocore.ledger.model import (
    AccountKind,
    AccountSpec,
    Draw,
    Grant,
    Reservation,
    ReservationStatus,
    Shortfall,
)
from promocore.validation import Checks

#: Most items one reservation may hold.
MAX_ITEMS = 32

_NO_TIME = timedelta(0)

#: How a counter is addressed: account name and subject ("" for budgets and stock).
CounterId = tuple[str, str]


@attrs.frozen
class Counter:
    """A counter as a backend read it, with its account's definition."""

    spec: AccountSpec
    reserved: int
    committed: int

    @property
    def available(self) -> int:
        """What can still be drawn."""
        return self.spec.limit - self.reserved - self.committed


def counter_id(draw: Draw) -> CounterId:
    """Return the counter ``draw`` draws from."""
    return (draw.account, draw.subject or "")


def _check_request(checks: Checks, key: object, items: object, path: str) -> tuple[Draw, ...]:
    """Record the problems of one request's key and items; return its draws."""
    check_name(checks, key, f"{path}key")
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        checks.add(f"{path}items", f"must be a sequence of Draw, got {type(items).__name__}")
        return ()
    if not items:
        checks.add(f"{path}items", "must not be empty")
        return ()
    if len(items) > MAX_ITEMS:
        checks.add(f"{path}items", f"must hold at most {MAX_ITEMS} draws")
        return ()
    seen: dict[CounterId, int] = {}
    for index, item in enumerate(items):
        where = f"{path}items[{index}]"
        if not isinstance(item, Draw):
            checks.add(where, f"must be a Draw, got {type(item).__name__}")
            continue
        # A Draw checked its own fields when it was made, and it is frozen.
        cid = counter_id(item)
        if cid in seen:
            checks.add(where, f"draws from the same counter as items[{seen[cid]}]")
        seen.setdefault(cid, index)
    return tuple(d for d in items if isinstance(d, Draw))


def _plain_request(key: object, items: object, now: object) -> tuple[Draw, ...] | None:
    """Return the draws of a request that is plainly valid, or ``None`` to check it in full.

    The common case, cheaply: a printable key of a usable length, a list or tuple of
    `Draw` (each checked its own fields when it was made) on distinct counters, and no ``now``
    or an aware one. Anything else is checked by the full path, which names every problem.
    """
    if type(key) is not str or not 0 < len(key) <= MAX_NAME_LENGTH or not key.isprintable():
        return None
    if now is not None and (
        type(now) is not datetime or now.tzinfo is None or now.utcoffset() is None
    ):
        return None
    if type(items) is tuple:
        draws: tuple[Draw, ...] = items
    elif type(items) is list:
        draws = tuple(items)
    else:
        return None
    if not 0 < len(draws) <= MAX_ITEMS:
        return None
    if len(draws) == 1:
        return draws if type(draws[0]) is Draw else None
    counters = set()
    for draw in draws:
        if type(draw) is not Draw:
            return None
        counters.add((draw.account, draw.subject or ""))
    return draws if len(counters) == len(draws) else None


def check_reserve(key: object, items: object, ttl: object, now: object) -> tuple[Draw, ...]:
    """Check the arguments of a reserve call and return the items as a tuple.

    Raises:
        ValidationError: naming every field that is wrong.
    """
    if type(ttl) is timedelta and _NO_TIME < ttl <= MAX_TTL:
        plain = _plain_request(key, items, now)
        if plain is not None:
            return plain
    checks = Checks()
    draws = _check_request(checks, key, items, "")
    check_ttl(checks, ttl, "ttl")
    if now is not None:
        check_moment(checks, now, "now")
    checks.raise_if_any()
    return draws


def check_commit_now(key: object, items: object, now: object) -> tuple[Draw, ...]:
    """Check the arguments of a reserve-and-commit call and return the items as a tuple."""
    plain = _plain_request(key, items, now)
    if plain is not None:
        return plain
    checks = Checks()
    draws = _check_request(checks, key, items, "")
    if now is not None:
        check_moment(checks, now, "now")
    checks.raise_if_any()
    return draws


#: Most requests one batch may hold.
MAX_BATCH = 1000


def check_batch(
    requests: object, ttl: object, now: object, *, commit: bool
) -> list[tuple[str, tuple[Draw, ...]]]:
    """Check the requests of a batch, ``(key, items)`` pairs, and return them checked.

    Raises:
        ValidationError: naming every field that is wrong, as ``requests[i].items[j]``.
    """
    checks = Checks()
    checked: list[tuple[str, tuple[Draw, ...]]] = []
    if isinstance(requests, str | bytes) or not isinstance(requests, Sequence):
        checks.add("requests", "must be a sequence of (key, items) pairs")
    elif len(requests) > MAX_BATCH:
        checks.add("requests", f"must hold at most {MAX_BATCH} requests")
    else:
        first: dict[str, int] = {}
        for index, request in enumerate(requests):
            path = f"requests[{index}]."
            if not isinstance(request, tuple | list) or len(request) != 2:
                checks.add(f"requests[{index}]", "must be a (key, items) pair")
                continue
            key, items = request
            draws = _check_request(checks, key, items, path)
            if isinstance(key, str):
                if key in first:
                    checks.add(f"{path}key", f"repeats requests[{first[key]}].key")
                first.setdefault(key, index)
                checked.append((key, draws))
    if not commit:
        check_ttl(checks, ttl, "ttl")
    if now is not None:
        check_moment(checks, now, "now")
    checks.raise_if_any()
    return checked


def batch_accounts(requests: object) -> list[str]:
    """Return the accounts the well-formed requests of a batch name, sorted."""
    names: set[str] = set()
    if isinstance(requests, Sequence) and not isinstance(requests, str | bytes):
        for request in requests:
            if isinstance(request, tuple | list) and len(request) == 2:
                items = request[1]
                if isinstance(items, Sequence) and not isinstance(items, str | bytes):
                    names.update(d.account for d in items if isinstance(d, Draw))
    return sorted(names)


def check_purge(older_than: object, now: object, batch: object) -> None:
    """Check the arguments of a purge."""
    checks = Checks()
    if not isinstance(older_than, timedelta):
        checks.add("older_than", f"must be a timedelta, got {type(older_than).__name__}")
    elif older_than < timedelta(0):
        checks.add("older_than", "must be >= 0")
    if now is not None:
        check_moment(checks, now, "now")
    if isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= 10_000:
        checks.add("batch", "must be an int from 1 to 10000")
    checks.raise_if_any()


def check_key(key: object, now: object, name: str = "key") -> None:
    """Check an idempotency key and an optional ``now``."""
    checks = Checks()
    check_name(checks, key, name)
    if now is not None:
        check_moment(checks, now, "now")
    checks.raise_if_any()


def check_top_up(key: object, account: object, amount: object) -> None:
    """Check the arguments of a top-up."""
    checks = Checks()
    check_name(checks, key, "key")
    check_name(checks, account, "account")
    check_amount(checks, amount, "amount")
    checks.raise_if_any()


def check_balance(account: object, subject: object, now: object) -> None:
    """Check the arguments of a balance query."""
    checks = Checks()
    check_name(checks, account, "account")
    if subject is not None:
        check_name(checks, subject, "subject")
    if now is not None:
        check_moment(checks, now, "now")
    checks.raise_if_any()


def check_sweep(now: object, limit: object) -> None:
    """Check the arguments of a sweep."""
    checks = Checks()
    if now is not None:
        check_moment(checks, now, "now")
    check_amount(checks, limit, "limit")
    checks.raise_if_any()


def check_against_account(
    draw: Draw, spec: AccountSpec, path: str, checks: Checks | None = None
) -> None:
    """Check that ``draw`` fits the kind and currency of the account it names."""
    own = checks if checks is not None else Checks()
    if spec.kind is AccountKind.USAGE and draw.subject is None:
        own.add(f"{path}.subject", f"is required: {spec.name!r} is a usage account")
    if spec.kind is not AccountKind.USAGE and draw.subject is not None:
        own.add(f"{path}.subject", f"must be None: {spec.name!r} is a {spec.kind.value} account")
    if draw.currency is not None and draw.currency != spec.currency:
        held = spec.currency or "units"
        own.add(f"{path}.currency", f"{spec.name!r} counts {held}, got {draw.currency}")
    if checks is None:
        own.raise_if_any()


def check_fit(draws: Sequence[Draw], specs: Mapping[str, AccountSpec]) -> None:
    """Check that every draw names a known account and fits its kind and currency.

    Raises:
        UnknownAccountError: for the first draw naming an unknown account.
        ValidationError: naming every draw that does not fit its account.
    """
    usage = AccountKind.USAGE
    for draw in draws:  # the common case, cheaply: every draw fits its account
        spec = specs.get(draw.account)
        if (
            spec is None
            or (spec.kind is usage) is (draw.subject is None)
            or (draw.currency is not None and draw.currency != spec.currency)
        ):
            break
    else:
        return
    checks = Checks()
    for index, draw in enumerate(draws):
        spec = specs.get(draw.account)
        if spec is None:
            raise UnknownAccountError(draw.account, f"items[{index}].account")
        check_against_account(draw, spec, f"items[{index}]", checks)
    checks.raise_if_any()


def check_balance_subject(spec: AccountSpec, subject: str | None) -> None:
    """Check that a balance query names a subject exactly when the account is a usage one."""
    if spec.kind is AccountKind.USAGE and subject is None:
        raise ValidationError.single("subject", f"is required: {spec.name!r} is a usage account")
    if spec.kind is not AccountKind.USAGE and subject is not None:
        raise ValidationError.single(
            "subject", f"must be None: {spec.name!r} is a {spec.kind.value} account"
        )


def plan(key: str, items: Sequence[Draw], counters: Sequence[Counter]) -> tuple[Grant, ...]:
    """Decide what each item gets, all or nothing.

    Args:
        key: The reservation's key (for the error message).
        items: The draws, already checked against their accounts.
        counters: The counter each item draws from, in item order.

    Returns:
        One grant per item.

    Raises:
        ReservationRefusedError: listing every item that cannot be granted.
    """
    grants: list[Grant] = []
    shortfalls: list[Shortfall] = []
    for index, (draw, counter) in enumerate(zip(items, counters, strict=True)):
        available = counter.available
        granted = grant_amount(draw.amount, available, draw.partial)
        if granted == 0:
            shortfalls.append(
                Shortfall(index, draw.account, draw.amount, max(available, 0), draw.subject)
            )
        grants.append(Grant(draw.account, granted, draw.amount, draw.subject))
    if shortfalls:
        raise ReservationRefusedError(key, shortfalls)
    return tuple(grants)


def grant_amount(asked: int, available: int, partial: bool) -> int:
    """Return what one draw gets: all it asked, what is left (partial), or 0 (refused)."""
    if asked <= available:
        return asked
    if partial and available > 0:
        return available
    return 0


def fingerprint(items: Sequence[Draw]) -> str:
    """Return a digest naming the request, to tell a retry from a reused key."""
    canonical = [[d.account, d.subject or "", d.amount, d.partial, d.currency or ""] for d in items]
    text = json.dumps(canonical, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def encode_grants(grants: Sequence[Grant]) -> str:
    """Encode grants as compact JSON for storage."""
    rows = [[g.account, g.subject or "", g.asked, g.amount] for g in grants]
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def decode_grants(text: str) -> tuple[Grant, ...]:
    """Decode grants stored by [`encode_grants`][promocore.ledger.planning.encode_grants]."""
    rows = json.loads(text)
    return tuple(
        Grant(str(acc), int(granted), int(asked), str(subject) or None)
        for acc, subject, asked, granted in rows
    )


def expiry(now: datetime, ttl: timedelta) -> datetime:
    """Return when a reservation made at ``now`` with ``ttl`` expires."""
    return now + ttl


def check_defined(spec: AccountSpec, stored: AccountSpec) -> AccountSpec:
    """Return ``stored``, the account as found, unless it differs in kind or currency from ``spec``.

    Raises:
        AccountConflictError: it exists with another kind or currency.
    """
    if (stored.kind, stored.currency) != (spec.kind, spec.currency):
        raise AccountConflictError(
            f"account {spec.name!r} exists as {stored.kind.value}"
            f"{' in ' + stored.currency if stored.currency else ''}"
        )
    return stored


def check_spec(spec: object) -> AccountSpec:
    """Return ``spec`` if it is an [`AccountSpec`][promocore.ledger.model.AccountSpec]."""
    if not isinstance(spec, AccountSpec):
        raise ValidationError.single("spec", f"must be an AccountSpec, got {type(spec).__name__}")
    return spec


def settled(key: str, view: Reservation | None, wanted: ReservationStatus) -> Reservation:
    """Return the outcome of a commit or release from the reservation as it is afterwards.

    Raises:
        UnknownReservationError: there is no reservation with this key.
        ReservationClosedError: it ended otherwise (releasing an expired one is fine).
    """
    if view is None:
        raise UnknownReservationError(key)
    if view.status is wanted:
        return view
    if wanted is ReservationStatus.RELEASED and view.status is ReservationStatus.EXPIRED:
        return view
    action = "commit" if wanted is ReservationStatus.COMMITTED else "release"
    raise ReservationClosedError(key, view.status, action)


def committed_now(key: str, view: Reservation) -> Reservation:
    """Return the outcome of a reserve-and-commit from the reservation the key holds."""
    return settled(key, view, ReservationStatus.COMMITTED)


def refused(
    key: str, draws: Sequence[Draw], pairs: Sequence[tuple[int, int]]
) -> ReservationRefusedError:
    """Return the refusal of ``draws`` for ``(index, available)`` pairs."""
    return ReservationRefusedError(
        key,
        [
            Shortfall(
                index, draws[index].account, draws[index].amount, available, draws[index].subject
            )
            for index, available in pairs
        ],
    )
