from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from promocore.errors import ValidationError
from promocore.money import Money
from promocore.state import (
    Codec,
    MemoryStore,
    Record,
    RecordDecodeError,
    RecordNotFoundError,
    Store,
    TypedStore,
)

T0 = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)


class Phase(enum.Enum):
    OPEN = "open"
    WON = "won"


@attrs.frozen
class Cut:
    helper: str
    amount: Money


@attrs.frozen
class Session:
    owner: str
    price: Money
    floor: Money
    phase: Phase
    expires_at: datetime
    cuts: tuple[Cut, ...] = ()
    share: Decimal = Decimal("0.15")


def new_session() -> Session:
    return Session(
        "ann", Money(10_000, "CNY"), Money(9_000, "CNY"), Phase.OPEN, T0 + timedelta(hours=24)
    )


@pytest.fixture
def sessions(store: Store) -> TypedStore[Session]:
    return TypedStore(store, Codec(Session, "bargain.session", due=lambda s: s.expires_at))


def test_round_trip_of_frozen_attrs(sessions: TypedStore[Session]) -> None:
    value = attrs.evolve(new_session(), cuts=(Cut("bo", Money(5, "CNY")),))
    created = sessions.create("s1", value)
    assert created.version == 1 and created.due == T0 + timedelta(hours=24)
    loaded = sessions.require("s1")
    assert loaded.value == value
    assert loaded.due == value.expires_at
    record = sessions.store.get("bargain.session", "s1")
    assert record is not None
    assert record.payload["price"] == {"amount": 10_000, "currency": "CNY"}
    assert record.payload["phase"] == "open"
    assert record.payload["share"] == "0.15"


def test_due_returns_typed_values(sessions: TypedStore[Session]) -> None:
    sessions.create("late", attrs.evolve(new_session(), expires_at=T0 + timedelta(days=2)))
    sessions.create("soon", new_session())
    due = sessions.due(T0 + timedelta(days=1))
    assert [(v.id, v.value.owner) for v in due] == [("soon", "ann")]


def test_missing_and_bad_records(sessions: TypedStore[Session]) -> None:
    assert sessions.get("nope") is None
    with pytest.raises(RecordNotFoundError) as info:
        sessions.require("nope")
    assert isinstance(info.value, LookupError)
    sessions.store.save("bargain.session", "junk", {"owner": 5}, expected_version=0)
    with pytest.raises(RecordDecodeError):
        sessions.get("junk")


def test_codec_validates() -> None:
    with pytest.raises(ValidationError) as info:
        Codec(dict, "Bad Kind")
    assert [p.path for p in info.value.problems] == ["cls", "kind"]
    codec = Codec(Session, "bargain.session")
    with pytest.raises(ValidationError, match=r"^value: must be a Session"):
        codec.dump("x")  # type: ignore[arg-type]
    assert codec.due_of(new_session()) is None


def test_memory_store_payloads_are_copies() -> None:
    store = MemoryStore()
    payload: dict[str, object] = {"items": [1]}
    store.save("k", "1", payload, expected_version=0)
    payload["items"] = [2]
    first = store.get("k", "1")
    assert first == Record("k", "1", 1, {"items": [1]})
    assert first is not None
    first.payload["items"].append(3)
    assert store.get("k", "1") == Record("k", "1", 1, {"items": [1]})


def test_typed_store_validates() -> None:
    with pytest.raises(ValidationError) as info:
        TypedStore("store", "codec")  # type: ignore[arg-type]
    assert [p.path for p in info.value.problems] == ["store", "codec"]
