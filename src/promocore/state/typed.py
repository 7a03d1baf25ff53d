"""Storing frozen attrs objects: a cattrs codec and a typed view of a store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

import attrs
import cattrs
from cattrs.preconf.json import make_converter as make_json_converter

from promocore.errors import ValidationError
from promocore.state.errors import RecordDecodeError, RecordNotFoundError
from promocore.state.protocol import Store
from promocore.state.record import JSONObject, Record, check_kind
from promocore.state.retry import DEFAULT_ATTEMPTS, retry_on_conflict
from promocore.validation import Checks

T = TypeVar("T")
R = TypeVar("R")


def make_converter() -> cattrs.Converter:
    """Return a cattrs converter producing JSON-able dicts.

    Datetimes become ISO 8601 strings, enums their values, tuples and sets
    lists, and ``Decimal`` a string (so rates stay exact).
    """
    converter = make_json_converter()
    converter.register_unstructure_hook(Decimal, str)
    converter.register_structure_hook(Decimal, lambda value, _: Decimal(str(value)))
    return converter


#: The converter codecs use unless given another.
default_converter = make_converter()


class Codec(Generic[T]):
    """Turns values of one attrs class into record payloads and back.

    Args:
        cls: The attrs class stored.
        kind: The record kind its values are stored under.
        due: Returns when an expiry sweep should look at a value (``None`` for
            never); without it records have no due time.
        converter: The cattrs converter to use (default:
            [`make_converter`][promocore.state.typed.make_converter]).

    Examples:
        >>> @attrs.frozen
        ... class Team:
        ...     leader: str
        ...     members: tuple[str, ...]
        >>> codec = Codec(Team, "group_buy.team")
        >>> codec.dump(Team("ann", ("ann", "bo")))
        {'leader': 'ann', 'members': ['ann', 'bo']}
        >>> codec.load({"leader": "ann", "members": ["ann"]})
        Team(leader='ann', members=('ann',))
    """

    def __init__(
        self,
        cls: type[T],
        kind: str,
        *,
        due: Callable[[T], datetime | None] | None = None,
        converter: cattrs.Converter | None = None,
    ) -> None:
        checks = Checks()
        if not attrs.has(cls):
            checks.add("cls", f"must be an attrs class, got {cls!r}")
        check_kind(checks, kind)
        checks.raise_if_any()
        self.cls = cls
        self.kind = kind
        self._due = due
        self._converter = converter or default_converter

    def dump(self, value: T) -> JSONObject:
        """Return ``value`` as a JSON-able dict."""
        if not isinstance(value, self.cls):
            raise ValidationError.single(
                "value", f"must be a {self.cls.__name__}, got {type(value).__name__}"
            )
        payload: JSONObject = self._converter.unstructure(value)
        return payload

    def load(self, payload: JSONObject) -> T:
        """Return the value a payload made by [`dump`][promocore.state.typed.Codec.dump] stands for.

        Raises:
            RecordDecodeError: the payload does not fit the class.
        """
        try:
            return self._converter.structure(payload, self.cls)
        except Exception as error:
            raise RecordDecodeError(
                f"{self.kind}: payload does not fit {self.cls.__name__}: {error}"
            ) from error

    def due_of(self, value: T) -> datetime | None:
        """Return when ``value`` is due, or ``None``."""
        return None if self._due is None else self._due(value)


@attrs.frozen
class Versioned(Generic[T]):
    """A typed value as stored, with the version to save its successor against."""

    id: str
    version: int
    value: T
    due: datetime | None = None


class TypedStore(Generic[T]):
    """A view of a [`Store`][promocore.state.Store] holding values of one attrs class.

    Examples:
        >>> from promocore.state import MemoryStore
        >>> @attrs.frozen
        ... class Session:
        ...     price: int
        >>> sessions = TypedStore(MemoryStore(), Codec(Session, "bargain.session"))
        >>> sessions.create("s1", Session(100)).version
        1
        >>> sessions.update("s1", lambda s: attrs.evolve(s, price=s.price - 7)).value
        Session(price=93)
    """

    def __init__(self, store: Store, codec: Codec[T]) -> None:
        checks = Checks()
        if not isinstance(store, Store):
            checks.add("store", f"must be a Store, got {type(store).__name__}")
        if not isinstance(codec, Codec):
            checks.add("codec", f"must be a Codec, got {type(codec).__name__}")
        checks.raise_if_any()
        self.store = store
        self.codec = codec

    @property
    def kind(self) -> str:
        """The record kind the values are stored under."""
        return self.codec.kind

    def _typed(self, record: Record) -> Versioned[T]:
        return Versioned(record.id, record.version, self.codec.load(record.payload), record.due)

    def get(self, id: str) -> Versioned[T] | None:
        """Return the value stored under ``id``, or ``None``."""
        record = self.store.get(self.kind, id)
        return None if record is None else self._typed(record)

    def require(self, id: str) -> Versioned[T]:
        """Return the value stored under ``id``.

        Raises:
            RecordNotFoundError: there is none.
        """
        found = self.get(id)
        if found is None:
            raise RecordNotFoundError(self.kind, id)
        return found

    def create(self, id: str, value: T) -> Versioned[T]:
        """Store a new value under ``id``.

        Raises:
            VersionConflictError: a value is already stored under ``id``.
        """
        return self.replace(id, value, expected_version=0)

    def replace(self, id: str, value: T, *, expected_version: int) -> Versioned[T]:
        """Store ``value`` if the stored one is still at ``expected_version``.

        Raises:
            VersionConflictError: it is not.
        """
        record = self.store.save(
            self.kind,
            id,
            self.codec.dump(value),
            expected_version=expected_version,
            due=self.codec.due_of(value),
        )
        return Versioned(record.id, record.version, value, record.due)

    def delete(self, id: str, *, expected_version: int) -> None:
        """Delete the value if it is still at ``expected_version``."""
        self.store.delete(self.kind, id, expected_version=expected_version)

    def update(
        self,
        id: str,
        step: Callable[[T], T],
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Versioned[T]:
        """Apply a pure ``step`` to the stored value, retrying on conflicts.

        Raises:
            RecordNotFoundError: nothing is stored under ``id``.
            VersionConflictError: every attempt lost a race.
        """
        saved, _ = self.apply(id, lambda value: (step(value), None), attempts=attempts, sleep=sleep)
        return saved

    def apply(
        self,
        id: str,
        step: Callable[[T], tuple[T, R]],
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> tuple[Versioned[T], R]:
        """Apply a pure transition returning ``(next state, result)``, retrying on conflicts.

        This fits state machines whose transitions return events beside the new
        state: ``sessions.apply(id, lambda s: cut(s, command, now))``. The result
        of the attempt that was saved is returned; earlier attempts' are dropped.

        Raises:
            RecordNotFoundError: nothing is stored under ``id``.
            VersionConflictError: every attempt lost a race.
        """

        def once() -> tuple[Versioned[T], R]:
            current = self.require(id)
            value, result = step(current.value)
            return self.replace(id, value, expected_version=current.version), result

        return retry_on_conflict(once, attempts=attempts, sleep=sleep)

    def due(self, before: datetime, *, limit: int = 100) -> list[Versioned[T]]:
        """Return up to ``limit`` values due at or before ``before``, earliest first."""
        return [self._typed(r) for r in self.store.due(self.kind, before, limit=limit)]
