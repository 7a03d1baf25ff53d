from datetime import UTC, datetime

import attrs
import pytest

from promocore.analytics import columns, funnel_from_events
from promocore.errors import ValidationError


@attrs.frozen
class Event:
    user: str
    stage: str
    at: datetime


def test_columns_from_mappings_and_objects() -> None:
    at = datetime(2026, 11, 11, tzinfo=UTC)
    records: list[object] = [
        {"user": "u1", "stage": "exposure", "at": at, "segment": "vip"},
        Event("u1", "click", at),
    ]
    cols = columns(records, ["user", "stage", "at"], defaults={"segment": "all"})
    assert cols["user"].dtype.kind == "U"
    assert cols["segment"].tolist() == ["vip", "all"]
    assert cols["at"].dtype == object
    funnel = funnel_from_events(cols["user"], cols["stage"], segments=cols["segment"])
    assert funnel.overall.counts == (1, 1, 0, 0, 0)


def test_columns_keep_numbers_typed() -> None:
    cols = columns([{"n": 1}, {"n": 2}], ["n"], defaults={"x": 0.5})
    assert cols["n"].dtype.kind == "i"
    assert cols["x"].dtype.kind == "f"


def test_missing_fields_are_named() -> None:
    with pytest.raises(ValidationError) as info:
        columns([{"user": "a"}, {"stage": "click"}], ["user", "stage"])
    assert [str(p) for p in info.value.problems] == [
        "records[0].stage: is missing",
        "records[1].user: is missing",
    ]
    with pytest.raises(ValidationError, match="more required fields are missing"):
        columns([{}] * 3, ["a", "b"])
    with pytest.raises(ValidationError, match="records: expected an iterable of records"):
        columns({"user": "a"}, ["user"])
    with pytest.raises(ValidationError, match="fields: names must be unique"):
        columns([], ["a", "a"])
