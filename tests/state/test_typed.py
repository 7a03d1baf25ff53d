from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from promocore.errors import ValidationError
from promocore.money import Money
from promocore.state import (
    Codec,
    JSONObject,
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
    assert record.payload["$v"] == 1
    assert record.payload["price"] == {"amount": "100.00", "currency": "CNY"}
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


@attrs.frozen
class Opened:
    by: str


@attrs.frozen
class Paid:
    by: str
    amount: Money


@attrs.frozen
class Ledgerish:
    events: tuple[Opened | Paid, ...]
    members: frozenset[str] = frozenset()
    totals: Mapping[str, Money] = attrs.field(factory=dict)
    threshold: Money | int = 0


def test_payloads_are_stable_and_self_describing() -> None:
    codec = Codec(Ledgerish, "test.ledger")
    one = Ledgerish(
        (Opened("ann"), Paid("bo", Money(38_350, "CNY"))),
        frozenset({"zoe", "ann", "bo"}),
        {"b": Money(1, "JPY"), "a": Money(250, "USD")},
        Money(30_000, "CNY"),
    )
    again = attrs.evolve(
        one,
        members=frozenset(["bo", "zoe", "ann"]),
        totals=dict(reversed(list(one.totals.items()))),
    )
    payload = codec.dump(one)
    assert payload == {
        "$v": 1,
        "events": [
            {"$type": "Opened", "by": "ann"},
            {"$type": "Paid", "by": "bo", "amount": {"amount": "383.50", "currency": "CNY"}},
        ],
        "members": ["ann", "bo", "zoe"],
        "totals": {
            "a": {"amount": "2.50", "currency": "USD"},
            "b": {"amount": "1", "currency": "JPY"},
        },
        "threshold": {"amount": "300.00", "currency": "CNY"},
    }
    assert json.dumps(codec.dump(again)) == json.dumps(payload)
    assert codec.load(payload) == one
    counted = attrs.evolve(one, threshold=3)
    assert codec.dump(counted)["threshold"] == 3
    assert codec.load(codec.dump(counted)) == counted


def test_payloads_of_the_first_shape_still_load() -> None:
    # Written before amounts were strings and union members were tagged.
    old = {
        "events": [{"by": "ann"}, {"by": "bo", "amount": {"amount": 38_350, "currency": "CNY"}}],
        "members": ["ann"],
        "totals": {},
        "threshold": 2,
    }
    loaded = Codec(Ledgerish, "test.ledger").load(old)
    assert loaded.events == (Opened("ann"), Paid("bo", Money(38_350, "CNY")))
    assert loaded.threshold == 2


def test_a_codec_upgrades_older_payloads() -> None:
    def rename(payload: JSONObject) -> JSONObject:
        payload = dict(payload)
        payload["owner"] = payload.pop("starter")
        return payload

    def add_share(payload: JSONObject) -> JSONObject:
        return {**payload, "share": "0.10"}

    codec = Codec(Session, "bargain.session", version=3, upgrades={1: rename, 2: add_share})
    current = codec.dump(new_session())
    assert current["$v"] == 3 and codec.load(current) == new_session()
    first = {k: v for k, v in current.items() if k not in ("$v", "owner", "share")}
    first["starter"] = "ann"
    assert codec.load(first) == attrs.evolve(new_session(), share=Decimal("0.10"))
    second = {**{k: v for k, v in current.items() if k != "share"}, "$v": 2}
    assert codec.load(second).share == Decimal("0.10")
    with pytest.raises(RecordDecodeError, match="newer than this codec's"):
        Codec(Session, "bargain.session").load(current)
    with pytest.raises(RecordDecodeError, match="not valid"):
        codec.load({**current, "$v": "3"})


def test_a_codec_needs_every_upgrade_step() -> None:
    with pytest.raises(ValidationError) as info:
        Codec(Session, "bargain.session", version=3, upgrades={2: dict, 5: dict})
    assert [str(p) for p in info.value.problems] == [
        "upgrades: needs a step from each older version, missing: [1]",
        "upgrades: steps for versions that are not older: ['5']",
    ]
    with pytest.raises(ValidationError, match="version: must be a whole number >= 1"):
        Codec(Session, "bargain.session", version=0)
