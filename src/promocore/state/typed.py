"""Storing frozen attrs objects: a codec in the storage profile and a typed view of a store.

A [`Codec`][promocore.state.typed.Codec] writes payloads with the storage profile of
[`promocore.serialize`][promocore.serialize] (money as
``{"amount": "383.50", "currency": "CNY"}``, sets sorted, union members tagged) and
stamps each payload with its format version under ``"$v"``. When a stored class
changes shape, raise its ``version`` and give the steps that upgrade older payloads:
records written before keep loading.

[`TypedStore`][promocore.state.typed.TypedStore] reads and writes single versions; changing a
state by a transition, with retries when a write loses a race, is the game
[`Runner`][promocore.games.runtime.Runner]'s job.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Generic, TypeVar

import attrs
import cattrs

from promocore.errors import ValidationError
from promocore.serialize import make_storage_converter, problems_of, storage_converter
from promocore.state.errors import RecordDecodeError, RecordNotFoundError
from promocore.state.protocol import Store
from promocore.state.record import JSONObject, Record, check_kind
from promocore.validation import Checks

T = TypeVar("T")

#: The payload key holding the format version a codec wrote it with.
VERSION_KEY = "$v"

#: Turns a payload of one format version into a payload of the next.
Upgrade = Callable[[JSONObject], JSONObject]


def make_converter() -> cattrs.Converter:
    """Return a new converter of the storage profile, to extend with hooks of your own.

    The same as [`make_storage_converter`][promocore.serialize.make_storage_converter].
    """
    return make_storage_converter()


class Codec(Generic[T]):
    """Turns values of one attrs class into record payloads and back.

    Args:
        cls: The attrs class stored.
        kind: The record kind its values are stored under.
        due: Returns when an expiry sweep should look at a value (``None`` for
            never); without it records have no due time.
        converter: The cattrs converter to use (default: the shared storage
            profile, [`storage_converter`][promocore.serialize.storage_converter]).
        version: The format version of the payloads it writes (1 to start with);
            raise it when the class changes in a way old payloads do not fit.
        upgrades: For every older version ``n`` still stored, the step turning a
            payload of version ``n`` into one of version ``n + 1``. Payloads without
            a version are version 1.

    Examples:
        >>> @attrs.frozen
        ... class Team:
        ...     leader: str
        ...     members: tuple[str, ...]
        >>> codec = Codec(Team, "group_buy.team")
        >>> codec.dump(Team("ann", ("ann", "bo")))
        {'$v': 1, 'leader': 'ann', 'members': ['ann', 'bo']}
        >>> codec.load({"leader": "ann", "members": ["ann"]})
        Team(leader='ann', members=('ann',))

        A second version renames ``leader``; version-1 payloads still load:

        >>> @attrs.frozen
        ... class Team2:
        ...     captain: str
        ...     members: tuple[str, ...]
        >>> def rename(payload):
        ...     payload = dict(payload)
        ...     payload["captain"] = payload.pop("leader")
        ...     return payload
        >>> codec = Codec(Team2, "group_buy.team", version=2, upgrades={1: rename})
        >>> codec.load({"$v": 1, "leader": "ann", "members": ["ann"]})
        Team2(captain='ann', members=('ann',))
    """

    def __init__(
        self,
        cls: type[T],
        kind: str,
        *,
        due: Callable[[T], datetime | None] | None = None,
        converter: cattrs.Converter | None = None,
        version: int = 1,
        upgrades: Mapping[int, Upgrade] | None = None,
    ) -> None:
        checks = Checks()
        if not attrs.has(cls):
            checks.add("cls", f"must be an attrs class, got {cls!r}")
        check_kind(checks, kind)
        steps = dict(upgrades or {})
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            checks.add("version", "must be a whole number >= 1")
        else:
            missing = [n for n in range(1, version) if not callable(steps.get(n))]
            if missing:
                checks.add("upgrades", f"needs a step from each older version, missing: {missing}")
            extra = sorted(str(n) for n in steps if n not in range(1, version))
            if extra:
                checks.add("upgrades", f"steps for versions that are not older: {extra}")
        checks.raise_if_any()
        self.cls = cls
        self.kind = kind
        self.version = version
        self._upgrades = steps
        self._due = due
        self._converter = converter or storage_converter()

    def dump(self, value: T) -> JSONObject:
        """Return ``value`` as a JSON-able dict stamped with the codec's version."""
        if not isinstance(value, self.cls):
            raise ValidationError.single(
                "value", f"must be a {self.cls.__name__}, got {type(value).__name__}"
            )
        data: JSONObject = self._converter.unstructure(value, unstructure_as=self.cls)
        return {VERSION_KEY: self.version, **data}

    def load(self, payload: JSONObject) -> T:
        """Return the value a payload made by [`dump`][promocore.state.typed.Codec.dump] stands for.

        A payload of an older version goes through the upgrade steps first.

        Raises:
            RecordDecodeError: the payload does not fit the class, or was written
                by a newer version than this codec's.
        """
        version = payload.get(VERSION_KEY, 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise RecordDecodeError(f"{self.kind}: payload version {version!r} is not valid")
        if version > self.version:
            raise RecordDecodeError(
                f"{self.kind}: payload version {version} is newer than this codec's "
                f"({self.version}); upgrade the application before reading it"
            )
        data = {k: v for k, v in payload.items() if k != VERSION_KEY}
        try:
            for step in range(version, self.version):
                data = self._upgrades[step](data)
            return self._converter.structure(data, self.cls)
        except Exception as error:
            problems = "; ".join(str(p) for p in problems_of(error)) or str(error)
            raise RecordDecodeError(
                f"{self.kind}: payload does not fit {self.cls.__name__}: {problems}"
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
        >>> sessions.replace("s1", Session(93), expected_version=1).version
        2
        >>> sessions.require("s1").value
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

    def due(self, before: datetime, *, limit: int = 100) -> list[Versioned[T]]:
        """Return up to ``limit`` values due at or before ``before``, earliest first."""
        return [self._typed(r) for r in self.store.due(self.kind, before, limit=limit)]
