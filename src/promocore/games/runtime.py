"""The one runner every promotion game runs on.

A [`Runner`][promocore.games.runtime.Runner] keeps the states of one
[`Game`][promocore.games.game.Game] in a [`Store`][promocore.state.Store]:

* **get** a state with its version (``get``, ``require``), or just the state (``find``);
* **apply** commands under optimistic versions: read the record, run the pure transition,
  save at the version read, and on a lost race read again and retry, as the
  [`RetryPolicy`][promocore.games.runtime.RetryPolicy] allows;
* make commands **idempotent**: a command the game identifies
  ([`CommandId`][promocore.games.game.CommandId]) is logged with its events in the record it
  changed, in the same write, so a repeat is not applied again and returns the events it first
  caused (``Outcome.recorded``), while the same key for another request is refused;
* **sweep** due states: send each state whose ``due`` time passed the game's ``on_due``
  command;
* **emit** every saved event to an optional observer (a callable, or the plugins'
  ``promocore_game_event`` hook through [`hook_observer`][promocore.games.runtime.hook_observer]);
  an observer that raises is logged and never breaks the move.

Services keep only their own side effects (ledger holds, tallies) and call the runner for
every state change. No other module retries compare-and-set writes.

Examples:
    >>> import attrs
    >>> from datetime import UTC, datetime
    >>> from promocore.games.game import Game
    >>> from promocore.state import MemoryStore
    >>> @attrs.frozen
    ... class Counter:
    ...     n: int = 0
    >>> @attrs.frozen
    ... class Add:
    ...     by: int
    >>> def add(state, command, now):
    ...     return Counter(state.n + command.by), (command,)
    >>> game = Game(kind="counter", state=Counter, transition=add, initial=lambda id: Counter())
    >>> runner = Runner(MemoryStore(), game)
    >>> at = datetime(2026, 11, 11, tzinfo=UTC)
    >>> runner.apply("c1", Add(2), now=at).state
    Counter(n=2)
    >>> runner.apply("c1", Add(3), now=at).version
    2
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import cattrs

from promocore.errors import IllegalTransitionError, NotFoundError, ValidationError
from promocore.games.game import Game, GameEvent
from promocore.serialize import storage_converter
from promocore.state.errors import VersionConflictError
from promocore.state.protocol import Store
from promocore.state.record import JSONObject, Record
from promocore.state.typed import Codec, Versioned
from promocore.validation import Checks

if TYPE_CHECKING:
    from promocore.plugins import PluginHost

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E")
T = TypeVar("T")

#: Reads the time when a call gives no ``now``.
Clock = Callable[[], datetime]
#: Receives every event a runner saved.
Observer = Callable[[GameEvent], None]

#: Payload key of the command log inside a stored state (no attrs field can be named so).
LOG_KEY = "$commands"
#: How many commands a record's log keeps by default (the oldest go first).
DEFAULT_LOG_SIZE = 64
#: How many times a write is tried by default.
DEFAULT_ATTEMPTS = 10

_log = logging.getLogger("promocore.games")


def utc_now() -> datetime:
    """The current time in UTC: the default clock."""
    return datetime.now(UTC)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How often, and how patiently, a write that lost a race is tried again.

    Between attempts the runner sleeps a random time up to ``base_delay * 2**attempt``
    seconds, capped at ``max_delay``, so racing writers spread out.

    Attributes:
        attempts: Attempts in all (>= 1).
        base_delay: The first backoff, in seconds.
        max_delay: The longest backoff, in seconds.
        sleep: How to wait (tests pass a no-op).
    """

    attempts: int = DEFAULT_ATTEMPTS
    base_delay: float = 0.002
    max_delay: float = 0.2
    sleep: Callable[[float], None] = time.sleep

    def __attrs_post_init__(self) -> None:
        checks = Checks()
        attempts = self.attempts
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            checks.add("attempts", "must be an int > 0")
        for name in ("base_delay", "max_delay"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                checks.add(name, "must be a number >= 0")
        checks.raise_if_any()

    def backoff(self, attempt: int) -> float:
        """The longest wait after the 0-based ``attempt`` lost."""
        return float(min(self.max_delay, self.base_delay * 2**attempt))


@attrs.frozen(kw_only=True)
class Outcome(Generic[S, E]):
    """What a call on a game did.

    Attributes:
        id: The record's id.
        state: The state after the call.
        events: What the call caused, in order; empty when it changed nothing (a repeat
            included).
        version: The record's version after the call (0 when it was never stored).
        replayed: The command was applied before (its key is in the record's command log),
            so nothing was applied again.
        recorded: On a replay, the events the command caused when it was first applied.
        followups: Events of other records the service changed as a consequence (the
            postings a commission order sends to promoters' accounts), in order.
    """

    id: str
    state: S
    events: tuple[E, ...] = ()
    version: int = 0
    replayed: bool = False
    recorded: tuple[E, ...] = ()
    followups: tuple[Any, ...] = ()


@attrs.frozen
class _Entry:
    key: str
    request: str
    events: tuple[JSONObject, ...]


def _fingerprint(converter: cattrs.Converter, request: object) -> str:
    text = json.dumps(converter.unstructure(request), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def hook_observer(host: PluginHost) -> Observer:
    """An observer calling the plugins' ``promocore_game_event`` hook (see `PluginHost`)."""

    def observe(event: GameEvent) -> None:
        host.game_event(event.game, event.id, event.event, event.at)

    return observe


class Runner(Generic[S, C, E]):
    """Runs one [`Game`][promocore.games.game.Game] over a [`Store`][promocore.state.Store].

    Args:
        store: Where the states live (any [`Store`][promocore.state.Store]).
        game: The game.
        clock: Reads the time when a call gives no ``now`` (default: UTC now).
        retry: How lost races are retried.
        observer: Receives every saved event (an observer that raises is logged, and
            the call carries on).
        log_size: How many identified commands each record remembers (>= 1).
        converter: The cattrs converter states, events and requests go through (default:
            the storage profile, [`storage_converter`][promocore.serialize.storage_converter]).
    """

    def __init__(
        self,
        store: Store,
        game: Game[S, C, E],
        *,
        clock: Clock = utc_now,
        retry: RetryPolicy | None = None,
        observer: Observer | None = None,
        log_size: int = DEFAULT_LOG_SIZE,
        converter: cattrs.Converter | None = None,
    ) -> None:
        checks = Checks()
        if not isinstance(store, Store):
            checks.add("store", f"must be a Store, got {type(store).__name__}")
        if not isinstance(game, Game):
            checks.add("game", f"must be a Game, got {type(game).__name__}")
        if isinstance(log_size, bool) or not isinstance(log_size, int) or log_size < 1:
            checks.add("log_size", "must be an int > 0")
        checks.raise_if_any()
        self.store = store
        self.game = game
        self.retry = retry if retry is not None else RetryPolicy()
        self.observer = observer
        self.log_size = log_size
        self._clock = clock
        self._converter = converter or storage_converter()
        self._codec = Codec(
            game.state,
            game.kind,
            due=game.due,
            converter=self._converter,
            version=game.version,
            upgrades=game.upgrades,
        )
        self._event_types = {cls.__name__: cls for cls in game.events}

    @property
    def kind(self) -> str:
        """The record kind of the game's states."""
        return self.game.kind

    def now(self, now: datetime | None = None) -> datetime:
        """``now`` if given, else the clock's time; it must carry a UTC offset.

        Raises:
            ValidationError: the time is naive.
        """
        when = now if now is not None else self._clock()
        if not isinstance(when, datetime) or when.utcoffset() is None:
            raise ValidationError.single("now", "must be a datetime with a UTC offset")
        return when

    # -- reading ---------------------------------------------------------------------------

    def get(self, id: str) -> Versioned[S] | None:
        """The state stored under ``id`` with its version, or ``None``."""
        record = self.store.get(self.kind, id)
        if record is None:
            return None
        state, _ = self._decode(record)
        return Versioned(record.id, record.version, state, record.due)

    def require(self, id: str) -> Versioned[S]:
        """The state stored under ``id`` with its version.

        Raises:
            NotFoundError: there is none (the game's own subclass).
        """
        found = self.get(id)
        if found is None:
            raise self.game.not_found(id)
        return found

    def find(self, id: str) -> S | None:
        """The state stored under ``id``, or ``None``."""
        found = self.get(id)
        return None if found is None else found.value

    def due(self, before: datetime | None = None, *, limit: int = 100) -> list[Versioned[S]]:
        """Up to ``limit`` states due at or before ``before`` (default: now), earliest first."""
        when = self.now(before)
        return [
            Versioned(r.id, r.version, self._decode(r)[0], r.due)
            for r in self.store.due(self.kind, when, limit=limit)
        ]

    # -- writing ---------------------------------------------------------------------------

    def create(
        self, id: str, state: S, events: Sequence[E] = (), *, now: datetime | None = None
    ) -> Outcome[S, E]:
        """Store a new state under ``id``, with the events its creation caused.

        Creating is idempotent by id: when a state is already stored under ``id`` nothing
        is written and the stored one comes back with ``replayed`` set; the caller decides
        whether it is the same request.
        """
        when = self.now(now)
        try:
            record = self.store.save(
                self.kind,
                id,
                self._encode(state, ()),
                expected_version=0,
                due=self.game.due_of(state),
            )
        except VersionConflictError:
            found = self.get(id)
            if found is None:  # deleted in between: try once more
                return self.create(id, state, events, now=when)
            return Outcome(id=id, state=found.value, version=found.version, replayed=True)
        saved = tuple(events)
        self._emit(id, saved, when, record.version)
        return Outcome(id=id, state=state, events=saved, version=record.version)

    def apply(self, id: str, command: C, *more: C, now: datetime | None = None) -> Outcome[S, E]:
        """Apply one or more commands to the state under ``id``, in order, in one write.

        Raises:
            NotFoundError: no state is stored and the game has no initial one.
            IllegalTransitionError: the state does not allow a command (the game's error).
            IdempotencyConflictError: a command key was used for another request.
            RetriesExhaustedError: every attempt lost a race.
        """
        commands = (command, *more)
        return self.apply_with(id, lambda _: commands, now=now)

    def apply_with(
        self, id: str, choose: Callable[[S], Iterable[C]], *, now: datetime | None = None
    ) -> Outcome[S, E]:
        """Apply the commands ``choose`` picks for the current state, in one write.

        ``choose`` runs on every attempt with the state just read, so it may look at other
        records (a ledger, another game) to decide; it must not change anything itself.
        Commands it returns are applied in order; none at all changes nothing.

        Raises:
            NotFoundError: no state is stored and the game has no initial one.
            IllegalTransitionError: the state does not allow a command (the game's error).
            IdempotencyConflictError: a command key was used for another request.
            RetriesExhaustedError: every attempt lost a race.
        """
        when = self.now(now)
        return self._retry_on_conflict(id, lambda: self._attempt(id, choose, when))

    def replace(self, id: str, state: S, *, expected_version: int) -> Versioned[S]:
        """Write ``state`` if the record is still at ``expected_version``; no retry.

        For compensating writes (undoing a move another writer's move made illegal).

        Raises:
            VersionConflictError: the record is at another version.
        """
        record = self.store.get(self.kind, id)
        log = () if record is None else self._decode(record)[1]
        saved = self.store.save(
            self.kind,
            id,
            self._encode(state, log),
            expected_version=expected_version,
            due=self.game.due_of(state),
        )
        return Versioned(id, saved.version, state, saved.due)

    def delete(self, id: str, *, expected_version: int) -> None:
        """Delete the record if it is still at ``expected_version``; no retry.

        Raises:
            VersionConflictError: the record is at another version, or missing.
        """
        self.store.delete(self.kind, id, expected_version=expected_version)

    def sweep(
        self,
        *,
        now: datetime | None = None,
        limit: int = 100,
        command: Callable[[S, datetime], C | None] | None = None,
    ) -> list[Outcome[S, E]]:
        """Send every state due by ``now`` (up to ``limit``) its due command.

        The command is ``command(state, now)`` when given, else the game's ``on_due``. A
        state another writer moved on first (it no longer allows the command, or was
        deleted) is skipped, so several processes may sweep at once.

        Returns:
            The outcomes that changed something, earliest due first.
        """
        when = self.now(now)
        pick = command if command is not None else self.game.on_due
        if pick is None:
            return []
        outcomes: list[Outcome[S, E]] = []
        for due in self.due(when, limit=limit):

            def choose(state: S) -> tuple[C, ...]:
                assert pick is not None
                found = pick(state, when)
                return () if found is None else (found,)

            try:
                outcome = self.apply_with(due.id, choose, now=when)
            except (IllegalTransitionError, NotFoundError):
                continue
            if outcome.events:
                outcomes.append(outcome)
        return outcomes

    # -- plumbing --------------------------------------------------------------------------

    def _retry_on_conflict(self, id: str, operation: Callable[[], T]) -> T:
        """Run ``operation`` until it does not lose a race, as the retry policy allows."""
        policy = self.retry
        for attempt in range(policy.attempts):
            try:
                return operation()
            except VersionConflictError as error:
                if attempt + 1 == policy.attempts:
                    raise self.game.exhausted(id, policy.attempts) from error
                policy.sleep(random.uniform(0, policy.backoff(attempt)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, id: str, choose: Callable[[S], Iterable[C]], now: datetime) -> Outcome[S, E]:
        record = self.store.get(self.kind, id)
        log: tuple[_Entry, ...] = ()
        if record is None:
            if self.game.initial is None:
                raise self.game.not_found(id)
            before, version = self.game.initial(id), 0
        else:
            before, log = self._decode(record)
            version = record.version
        state = before
        events: list[E] = []
        recorded: list[E] = []
        entries: list[_Entry] = list(log)
        commands = list(choose(before))
        hits = 0
        for command in commands:
            key = self.game.key_of(command)
            fingerprint = "" if key is None else _fingerprint(self._converter, key.request)
            if key is not None:
                entry = next((e for e in entries if e.key == key.key), None)
                if entry is not None:
                    if entry.request != fingerprint:
                        raise self.game.conflict(id, key.key)
                    recorded.extend(self._load_events(entry.events))
                    hits += 1
                    continue
            state, caused = self.game.transition(state, command, now)
            events.extend(caused)
            if key is not None and caused:
                entries.append(_Entry(key.key, fingerprint, self._dump_events(caused)))
        replayed = bool(commands) and hits == len(commands)
        if not events and (state is before or state == before):
            return Outcome(
                id=id,
                state=state,
                version=version,
                replayed=replayed,
                recorded=tuple(recorded),
            )
        saved = self.store.save(
            self.kind,
            id,
            self._encode(state, entries[-self.log_size :]),
            expected_version=version,
            due=self.game.due_of(state),
        )
        self._emit(id, tuple(events), now, saved.version)
        return Outcome(
            id=id,
            state=state,
            events=tuple(events),
            version=saved.version,
            recorded=tuple(recorded),
        )

    def _emit(self, id: str, events: tuple[E, ...], now: datetime, version: int) -> None:
        if self.observer is None:
            return
        for event in events:
            try:
                self.observer(GameEvent(self.kind, id, event, now, version))
            except Exception:
                _log.exception("observer of %s %r failed on %r", self.kind, id, event)

    def _encode(self, state: S, log: Sequence[_Entry]) -> JSONObject:
        payload = self._codec.dump(state)
        if log:
            payload[LOG_KEY] = [
                {"key": e.key, "request": e.request, "events": list(e.events)} for e in log
            ]
        return payload

    def _decode(self, record: Record) -> tuple[S, tuple[_Entry, ...]]:
        payload = dict(record.payload)
        raw = payload.pop(LOG_KEY, None) or ()
        log = tuple(_Entry(e["key"], e["request"], tuple(e["events"])) for e in raw)
        return self._codec.load(payload), log

    def _dump_events(self, events: Sequence[E]) -> tuple[JSONObject, ...]:
        return tuple(
            {
                "type": type(e).__name__,
                "data": self._converter.unstructure(e, unstructure_as=type(e)),
            }
            for e in events
        )

    def _load_events(self, dumped: Sequence[JSONObject]) -> list[E]:
        loaded: list[E] = []
        for item in dumped:
            cls = self._event_types.get(item["type"])
            if cls is not None:
                loaded.append(self._converter.structure(item["data"], cls))
        return loaded
